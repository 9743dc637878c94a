package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.app.session.ClientKeys;
import dev.vigil.client.HmacCredentials;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Side;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.FRAMES_RECEIVED;
import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_DEFERRED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_FAILED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOT_INLINE_WRITES;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOT_DURATION_MILLIS;

/**
 * A real engine, {@code VigilEngine.launch} with the default configuration (shared profile, embedded driver) on a
 * private Aeron directory and free loopback ports, and {@link VigilClient}s of it in this process sharing one Aeron
 * client. Request {@code i} goes to client {@code i mod clients}; what it is (a payment or an order) and its account
 * come from a {@link TrafficMix}. Payments are below the amount threshold and orders are limit orders at one price,
 * so with enough keys no rule fires and each request costs exactly one Decision; with few keys the velocity and
 * order-rate windows fill and alerts are raised, as in production. Event time advances 10 ms per request.
 */
final class VigilTarget implements RoundTripTarget, ReplyListener
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final long PRICE_TICKS = 10_000;
    private static final int INSTRUMENTS = 50;

    private final OpenLoopRun run;
    private final TrafficMix mix;
    private final StageBreakdown stages;
    private final VigilEngine engine;
    private final Aeron aeron;
    private final VigilClient[] clients;
    private final long[] baseClientSeqs;
    private final Path dataDir;

    private VigilTarget(
        final String aeronDir,
        final OpenLoopRun run,
        final ErrorHandler errorHandler,
        final List<String> settings,
        final int clientCount,
        final TrafficMix mix,
        final StageBreakdown stages)
    {
        this.run = run;
        this.mix = mix;
        this.stages = stages;
        final String freeIngressChannel = "aeron:udp?endpoint=localhost:" + LocalResources.freeUdpPort();
        dataDir = tempDataDir();
        // Clients authenticate, as a user's would: each with its own key.
        final Path credentials = dataDir.resolve("credentials");
        final SecureRandom random = new SecureRandom();
        final String[] keys = new String[clientCount];
        for (int i = 0; i < clientCount; i++)
        {
            keys[i] = ClientKeys.add(credentials, i + 1, random);
        }
        // Journal on, at its default durability: what a user runs.
        final VigilConfig.Builder builder = VigilConfig.builder()
            .set(Settings.AUTH_CREDENTIALS_FILE.name(), credentials.toString(), "perf")
            .set(Settings.AERON_DIR.name(), aeronDir, "perf")
            .set(Settings.DATA_DIR.name(), dataDir.toString(), "perf")
            .set(Settings.INGRESS_CHANNEL.name(), freeIngressChannel, "perf")
            .set(Settings.ALERTS_CHANNEL.name(),
                "aeron:udp?control=localhost:" + LocalResources.freeUdpPort() + "|control-mode=dynamic", "perf");
        firstSnapshotInWarmup(builder, run);
        settings.forEach(builder::override);
        final VigilConfig config = builder.build();
        // The settings may name the ingress channel, so that other clients (a Kafka source) can reach it too.
        final String ingressChannel = config.get(Settings.INGRESS_CHANNEL);
        engine = VigilEngine.launch(config, errorHandler);
        clients = new VigilClient[clientCount];
        baseClientSeqs = new long[clientCount];
        try
        {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.aeronDirectoryName()));
            for (int i = 0; i < clientCount; i++)
            {
                clients[i] = VigilClient.connect(new VigilClient.Context()
                    .aeron(aeron)
                    .ingressChannel(ingressChannel)
                    .ingressStreamId(config.getInt(Settings.INGRESS_STREAM_ID))
                    .clientId(i + 1)
                    .credentials(HmacCredentials.ofHex(keys[i])));
                baseClientSeqs[i] = clients[i].lastClientSeq();
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * One client, payments only, over 10,000 accounts.
     *
     * @param aeronDir     private Aeron directory for the engine's embedded driver.
     * @param run          receives the decisions.
     * @param errorHandler receives errors from the engine's thread.
     * @param settings     engine setting overrides, {@code name=value}.
     * @return a connected target.
     */
    static VigilTarget launch(
        final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler, final List<String> settings)
    {
        return new VigilTarget(aeronDir, run, errorHandler, settings, 1, new TrafficMix(0, 10_000, 42), null);
    }

    /**
     * @param aeronDir     private Aeron directory for the engine's embedded driver.
     * @param run          receives the decisions.
     * @param errorHandler receives errors from the engine's thread.
     * @param settings     engine setting overrides, {@code name=value}.
     * @param clientCount  clients, each its own session.
     * @param mix          what each request is.
     * @param stages       receives the timestamps of recorded decisions; null for none.
     * @return a connected target.
     */
    static VigilTarget launch(
        final String aeronDir,
        final OpenLoopRun run,
        final ErrorHandler errorHandler,
        final List<String> settings,
        final int clientCount,
        final TrafficMix mix,
        final StageBreakdown stages)
    {
        return new VigilTarget(aeronDir, run, errorHandler, settings, clientCount, mix, stages);
    }

    /**
     * @return the engine under test.
     */
    VigilEngine engine()
    {
        return engine;
    }

    /**
     * @return the engine's ingress channel.
     */
    String ingressChannel()
    {
        return engine.config().get(Settings.INGRESS_CHANNEL);
    }

    @Override
    public long trySend(final long index)
    {
        final VigilClient client = clients[(int)(index % clients.length)];
        final long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS + index * BenchmarkFrames.EVENT_STEP_NS;
        final long account = mix.account(index);
        if (mix.isOrder(index))
        {
            return client.sendOrder(eventTimeNs, index + 1, account, 1 + account % INSTRUMENTS,
                (index & 1) == 0 ? Side.BUY : Side.SELL, OrderType.LIMIT, PRICE_TICKS, 1 + index % 100);
        }
        return client.sendTransaction(
            eventTimeNs,
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
        int fragments = 0;
        for (final VigilClient client : clients)
        {
            fragments += client.poll(this, FRAGMENT_LIMIT);
        }
        return fragments;
    }

    @Override
    public void onDecision(final DecisionDecoder decision)
    {
        final int client = (int)(decision.clientId() - 1);
        final long index = client < 0 || client >= clients.length ? -1 :
            (decision.clientSeq() - baseClientSeqs[client] - 1) * clients.length + client;
        if (run.onAnswer(index, decision.clientSendTimeNs()) && stages != null)
        {
            stages.record(decision, run.lastAnswerNs());
        }
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
            "engine: %,d frames received, %,d evaluated, %,d rejected, %,d replies not delivered; " +
            "%s; snapshots %,d deferred, %,d failed, %,d inline writes, the last took %,d ms to its file",
            counters.get(FRAMES_RECEIVED).get(),
            counters.get(EVENTS_EVALUATED).get(),
            counters.totalRejects(),
            counters.get(REPLIES_NOT_DELIVERED).get(),
            engine.snapshotReport(),
            counters.get(SNAPSHOTS_DEFERRED).get(),
            counters.get(SNAPSHOTS_FAILED).get(),
            counters.get(SNAPSHOT_INLINE_WRITES).get(),
            counters.get(SNAPSHOT_DURATION_MILLIS).get());
    }

    @Override
    public void close()
    {
        for (final VigilClient client : clients)
        {
            CloseHelper.quietClose(client);
        }
        CloseHelper.quietCloseAll(aeron, engine);
        IoUtil.delete(dataDir.toFile(), true);
    }

    /**
     * The process's early first snapshot ({@code snapshot.first.events}), and the JIT work it brings, half way through
     * the warm-up rather than in the measured run: a start-up cost like the JIT's own, which the warm-up is there to
     * leave out. A {@code --set} of the setting still wins.
     */
    static void firstSnapshotInWarmup(final VigilConfig.Builder builder, final OpenLoopRun run)
    {
        final long halfTheWarmup = run.warmupRequests() / 2;
        final long byDefault = Long.parseLong(Settings.SNAPSHOT_FIRST_EVENTS.defaultValue());
        if (halfTheWarmup > 0 && halfTheWarmup < byDefault)
        {
            builder.set(Settings.SNAPSHOT_FIRST_EVENTS.name(), Long.toString(halfTheWarmup), "perf");
        }
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
