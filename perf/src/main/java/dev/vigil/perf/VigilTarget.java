package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.core.pipeline.EngineCounters;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A real engine, {@code VigilEngine.launch} with the default configuration (shared profile, embedded driver) on a
 * private Aeron directory and free loopback ports, and a {@link VigilClient} of it in this process. Requests are
 * payments spread round-robin over 10,000 accounts, 10 ms of event time apart, all below the amount threshold: every
 * one is approved and no alert is raised, so each request costs exactly one Decision.
 */
final class VigilTarget implements RoundTripTarget, ReplyListener
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final int ACCOUNTS = 10_000;
    private static final long CLIENT_ID = 1;

    private final OpenLoopRun run;
    private final VigilEngine engine;
    private final VigilClient client;
    private final long baseClientSeq;
    private final Path dataDir;

    private VigilTarget(
        final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler, final List<String> settings)
    {
        this.run = run;
        final String ingressChannel = "aeron:udp?endpoint=localhost:" + LocalResources.freeUdpPort();
        dataDir = tempDataDir();
        // Journal on, at its default durability: what a user runs.
        final VigilConfig.Builder builder = VigilConfig.builder()
            .set(Settings.AERON_DIR.name(), aeronDir, "perf")
            .set(Settings.DATA_DIR.name(), dataDir.toString(), "perf")
            .set(Settings.INGRESS_CHANNEL.name(), ingressChannel, "perf")
            .set(Settings.ALERTS_CHANNEL.name(),
                "aeron:udp?control=localhost:" + LocalResources.freeUdpPort() + "|control-mode=dynamic", "perf");
        settings.forEach(builder::override);
        final VigilConfig config = builder.build();
        engine = VigilEngine.launch(config, errorHandler);
        try
        {
            client = VigilClient.connect(new VigilClient.Context()
                .aeronDirectoryName(engine.aeronDirectoryName())
                .ingressChannel(ingressChannel)
                .ingressStreamId(config.getInt(Settings.INGRESS_STREAM_ID))
                .clientId(CLIENT_ID));
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            IoUtil.delete(dataDir.toFile(), true);
            throw ex;
        }
        baseClientSeq = client.lastClientSeq();
    }

    /**
     * @param aeronDir     private Aeron directory for the engine's embedded driver.
     * @param run          receives the decisions.
     * @param errorHandler receives errors from the engine's thread.
     * @param settings     engine setting overrides, {@code name=value}.
     * @return a connected target.
     */
    static VigilTarget launch(
        final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler, final List<String> settings)
    {
        return new VigilTarget(aeronDir, run, errorHandler, settings);
    }

    @Override
    public long trySend(final long index)
    {
        final long account = 1 + index % ACCOUNTS;
        return client.sendTransaction(
            BenchmarkFrames.BASE_EVENT_TIME_NS + index * BenchmarkFrames.EVENT_STEP_NS,
            index + 1,
            account,
            10 * account,
            1 + index % 5_000,
            BenchmarkFrames.SMALL_AMOUNT_MINOR,
            "EUR",
            "DE",
            PaymentChannel.ECOM);
    }

    @Override
    public int poll()
    {
        return client.poll(this, FRAGMENT_LIMIT);
    }

    @Override
    public void onDecision(final DecisionDecoder decision)
    {
        run.onAnswer(decision.clientSeq() - baseClientSeq - 1, decision.clientSendTimeNs());
    }

    @Override
    public void onReject(final RejectDecoder reject)
    {
        run.onReject();
    }

    @Override
    public String describe()
    {
        final EngineCounters counters = engine.counters();
        return String.format(Locale.ROOT,
            "engine: %,d frames received, %,d evaluated, %,d rejected, %,d replies not delivered",
            counters.framesReceived().get(),
            counters.eventsEvaluated().get(),
            counters.totalRejects(),
            counters.repliesNotDelivered().get());
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(client, engine);
        IoUtil.delete(dataDir.toFile(), true);
    }

    private static Path tempDataDir()
    {
        try
        {
            return Files.createTempDirectory("vigil-perf-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
