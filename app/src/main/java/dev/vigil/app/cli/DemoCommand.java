package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.StartChecks;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.demo.DemoTraffic;
import dev.vigil.app.demo.LatencyReport;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.app.session.ClientKeys;
import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.client.HmacCredentials;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowSpec;
import io.aeron.Aeron;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil demo}: an engine with its embedded driver plus one client in the same process, a seeded synthetic
 * stream with injected fraud and risk patterns at a fixed rate, and a report of what was decided and how fast.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run the engine and a demo client: send a seeded synthetic stream of payments and orders with injected",
        "fraud patterns at a fixed rate, then print messages sent and decided, verdicts, alerts by rule and the",
        "round-trip latency (client send -> decision received). Uses a private Aeron directory and free loopback",
        "ports, so it runs beside a 'vigil run'. Without --data-dir the journal goes to a temporary directory that",
        "is removed afterwards; with --data-dir it is left there for the journal tools (the directory must not",
        "already hold a journal). While it runs, the live page is served on a free loopback port and its address",
        "printed (--http-port chooses the port, --stay keeps it up after the report). Exit 0 when every message",
        "was decided."})
final class DemoCommand implements Callable<Integer>
{
    private static final long CLIENT_ID = 1;
    private static final String DEMO_CREDENTIALS = "demo-credentials";
    private static final long DRAIN_TIMEOUT_NS = 10_000_000_000L;

    @Mixin
    private EngineOptions options;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
        description = "how long to send after warm-up (default: ${DEFAULT-VALUE})")
    private String duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s",
        description = "sending before measurement starts; not in the latency table (default: ${DEFAULT-VALUE})")
    private String warmup;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", defaultValue = "20000",
        description = "messages per second (default: ${DEFAULT-VALUE})")
    private int rate;

    @Option(names = "--seed", defaultValue = "42",
        description = "random seed of the stream (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--accounts", defaultValue = "10000",
        description = "payment accounts in the stream (default: ${DEFAULT-VALUE})")
    private int accounts;

    @Option(names = "--event-step", paramLabel = "DURATION", defaultValue = "10ms",
        description = "event time between consecutive messages (default: ${DEFAULT-VALUE})")
    private String eventStep;

    @Option(names = "--http-port", paramLabel = "PORT",
        description = "serve the live page at http://127.0.0.1:PORT/ while the demo runs (default: a free port; " +
            "0: no page)")
    private Integer httpPort;

    @Option(names = "--stay",
        description = "after the report, keep the engine and its live page up until Ctrl-C (SIGINT) or SIGTERM")
    private boolean stay;

    @Override
    public Integer call()
    {
        final long durationNs = OptionValues.durationNs("--duration", duration);
        final long warmupNs = OptionValues.durationNs("--warmup", warmup);
        final long eventStepNs = OptionValues.durationNs("--event-step", eventStep);
        if (rate < 1 || rate > 10_000_000)
        {
            throw new ConfigException("--rate " + rate + ": allowed: 1 to 10000000 messages per second");
        }
        if (accounts < 1)
        {
            throw new ConfigException("--accounts " + accounts + ": allowed: 1 or more");
        }

        final VigilConfig userConfig = options.toConfig();
        final boolean keepData = options.dataDir != null;
        final Path dataDir = keepData ? emptyJournalDir(options.dataDir) : createTempDir();
        final int alertsPort = freeLoopbackUdpPort();
        final VigilConfig config = userConfig
            .with("aeron.dir", userConfig.get(Settings.AERON_DIR) + "-demo-" + ProcessHandle.current().pid())
            .with("data.dir", dataDir.toString())
            .with("http.port", Integer.toString(httpPort == null ? freeLoopbackTcpPort() : httpPort))
            .with("ingress.channel", "aeron:udp?endpoint=localhost:" + freeLoopbackUdpPort())
            .with("alerts.channel", "aeron:udp?control=localhost:" + alertsPort + "|control-mode=dynamic")
            // The demo client authenticates as a real one would: with its own key, in a credentials file of its own.
            .with("auth.credentials.file", dataDir.resolve(DEMO_CREDENTIALS).toString());
        try
        {
            StartChecks.check(config);
            final Path credentials = dataDir.resolve(DEMO_CREDENTIALS);
            // The demo's own file: a fresh key for every run.
            IoUtil.deleteIfExists(credentials.toFile());
            final String clientKey = ClientKeys.add(credentials, CLIENT_ID, new SecureRandom());
            return runDemo(config, alertsPort, durationNs, warmupNs, eventStepNs, keepData, clientKey);
        }
        finally
        {
            if (!keepData)
            {
                IoUtil.delete(dataDir.toFile(), true);
            }
        }
    }

    private int runDemo(
        final VigilConfig config,
        final int alertsPort,
        final long durationNs,
        final long warmupNs,
        final long eventStepNs,
        final boolean keepData,
        final String clientKey)
    {

        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "vigil demo: %s warm-up + %s at %,d msg/s, seed %d, profile %s%n",
            warmup, duration, rate, seed, config.get(Settings.PROFILE));

        final RuleSet ruleSet = RuleSetFactory.fromConfig(config);
        final DemoRun run = new DemoRun(ruleSet);
        try (VigilEngine engine = VigilEngine.launch(config, run::onEngineError);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.aeronDirectoryName()));
            VigilClient client = VigilClient.connect(new VigilClient.Context()
                .aeron(aeron)
                .ingressChannel(config.get(Settings.INGRESS_CHANNEL))
                .ingressStreamId(config.getInt(Settings.INGRESS_STREAM_ID))
                .clientId(CLIENT_ID)
                .credentials(HmacCredentials.ofHex(clientKey)));
            AlertSubscriber alerts = new AlertSubscriber(aeron,
                "aeron:udp?endpoint=localhost:0|control=localhost:" + alertsPort + "|control-mode=dynamic",
                config.getInt(Settings.ALERTS_STREAM_ID)))
        {
            out.printf(Locale.ROOT, "  client %d authenticated: HMAC-SHA256 challenge, its key in %s%n",
                CLIENT_ID, config.get(Settings.AUTH_CREDENTIALS_FILE));
            if (engine.livePageAddress() != null)
            {
                out.println("  live page " + engine.livePageAddress());
            }
            awaitAlertStream(alerts);
            final DemoTraffic traffic = new DemoTraffic(seed, accounts, eventStepNs);
            run.send(client, alerts, traffic, 1_000_000_000L / rate, warmupNs, durationNs);
            run.printReport(out, traffic, engine);
            if (stay)
            {
                awaitStop(out, engine);
            }
        }
        if (keepData)
        {
            out.println("  journal   left in " + config.get(Settings.DATA_DIR) + "/journal");
        }
        return run.allDecided() ? VigilMain.EXIT_OK : VigilMain.EXIT_PROBLEM;
    }

    /**
     * The demo's client always starts at sequence 1, so a journal from an earlier run would make every request a
     * retry of an old one: refuse a data directory that already holds journal segments.
     */
    private static Path emptyJournalDir(final Path dataDir)
    {
        final File[] segments = dataDir.resolve("journal").toFile().listFiles((dir, name) -> name.endsWith(".seg"));
        if (segments != null && segments.length > 0)
        {
            throw new ConfigException("--data-dir " + dataDir + ": already holds a journal (" + segments.length +
                " segment(s) in " + dataDir.resolve("journal") + "); the demo needs a directory without one");
        }
        return dataDir;
    }

    private static Path createTempDir()
    {
        try
        {
            return Files.createTempDirectory("vigil-demo-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void awaitAlertStream(final AlertSubscriber alerts)
    {
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (!alerts.isConnected())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("alert stream did not connect within 5s");
            }
            Thread.yield();
        }
    }

    private static void awaitStop(final PrintStream out, final VigilEngine engine)
    {
        final StopSignals signals = StopSignals.install();
        out.println(engine.livePageAddress() == null ? "  engine still running; Ctrl-C to stop" :
            "  live page still at " + engine.livePageAddress() + "; Ctrl-C to stop");
        out.flush();
        try
        {
            out.println("vigil demo: stopping on " + signals.await());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackTcpPort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static int freeLoopbackUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The client side of a demo: paced sending, reply and alert counting, latency recording.
     */
    private static final class DemoRun implements ReplyListener, AlertListener
    {
        private final RuleSet ruleSet;
        private final Histogram roundTripNs = new Histogram(60_000_000_000L, 3);
        private final long[] verdicts = new long[Verdict.values().length];
        private final long[] alertsByRule = new long[Rule.MAX_RULE_ID + 1];
        private final long[] resultsByWindow = new long[WindowSpec.MAX_ID + 1];
        private final long[] updatesByWindow = new long[WindowSpec.MAX_ID + 1];
        private final long[][] lastResultByWindow = new long[WindowSpec.MAX_ID + 1][];
        private long lateEvents;
        private long measureFromNs = Long.MAX_VALUE;
        private long sent;
        private long decided;
        private long rejected;
        private volatile Throwable engineError;

        DemoRun(final RuleSet ruleSet)
        {
            this.ruleSet = ruleSet;
        }

        void onEngineError(final Throwable error)
        {
            engineError = error;
        }

        void send(
            final VigilClient client,
            final AlertSubscriber alerts,
            final DemoTraffic traffic,
            final long intervalNs,
            final long warmupNs,
            final long durationNs)
        {
            final long startNs = System.nanoTime();
            measureFromNs = startNs + warmupNs;
            final long endNs = measureFromNs + durationNs;
            long nextSendNs = startNs;
            long nowNs = startNs;
            while (nowNs < endNs)
            {
                int work = 0;
                if (nowNs >= nextSendNs && traffic.sendNext(client) > 0)
                {
                    sent++;
                    nextSendNs += intervalNs;
                    work++;
                }
                work += client.poll(this, 64);
                work += alerts.poll(this, 64);
                if (work == 0)
                {
                    Thread.yield();
                }
                nowNs = System.nanoTime();
            }

            final long drainDeadlineNs = nowNs + DRAIN_TIMEOUT_NS;
            while (decided + rejected < sent && System.nanoTime() < drainDeadlineNs)
            {
                if (client.poll(this, 64) + alerts.poll(this, 64) == 0)
                {
                    Thread.yield();
                }
            }
            // Alerts travel on their own stream: give the last ones a moment to arrive.
            final long alertDeadlineNs = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < alertDeadlineNs)
            {
                if (alerts.poll(this, 64) == 0)
                {
                    Thread.yield();
                }
            }
        }

        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            final long nowNs = System.nanoTime();
            decided++;
            verdicts[decision.verdict().ordinal()]++;
            final long sendTimeNs = decision.clientSendTimeNs();
            if (sendTimeNs >= measureFromNs)
            {
                roundTripNs.recordValue(Math.max(0, nowNs - sendTimeNs));
            }
        }

        @Override
        public void onReject(final RejectDecoder reject)
        {
            rejected++;
        }

        @Override
        public void onAlert(final AlertDecoder alert)
        {
            alertsByRule[alert.ruleId()]++;
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            final int id = result.aggregateId();
            resultsByWindow[id]++;
            if (result.isUpdate() == BooleanType.TRUE)
            {
                updatesByWindow[id]++;
            }
            if (lastResultByWindow[id] == null)
            {
                lastResultByWindow[id] = new long[6];
            }
            final long[] last = lastResultByWindow[id];
            last[0] = result.key();
            last[1] = result.windowEndNs() - result.windowStartNs();
            last[2] = result.count();
            last[3] = result.sum();
            last[4] = result.min();
            last[5] = result.max();
        }

        @Override
        public void onLateEvent(final LateEventDecoder lateEvent)
        {
            lateEvents++;
        }

        boolean allDecided()
        {
            return decided == sent && rejected == 0 && engineError == null;
        }

        void printReport(final PrintStream out, final DemoTraffic traffic, final VigilEngine engine)
        {
            out.printf(Locale.ROOT, "  sent      %,12d  (%,d transactions, %,d orders)%n",
                sent, traffic.transactionsSent(), traffic.ordersSent());
            out.printf(Locale.ROOT, "  decided   %,12d%n", decided);
            out.printf(Locale.ROOT, "  rejected  %,12d%n", rejected);
            out.printf(Locale.ROOT, "  verdicts  approve %,d   review %,d   decline %,d%n",
                verdicts[Verdict.APPROVE.ordinal()], verdicts[Verdict.REVIEW.ordinal()],
                verdicts[Verdict.DECLINE.ordinal()]);
            final StringBuilder alertLine = new StringBuilder("  alerts   ");
            for (final Rule rule : ruleSet.rules())
            {
                alertLine.append(String.format(Locale.ROOT, " %s %,d  ", rule.name(), alertsByRule[rule.id()]));
            }
            out.println(alertLine);
            final StringBuilder windowLine = new StringBuilder("  windows  ");
            for (final WindowSpec window : ruleSet.windows())
            {
                windowLine.append(String.format(Locale.ROOT, " %s %,d results (%,d updates)  ", window.name(),
                    resultsByWindow[window.id()], updatesByWindow[window.id()]));
            }
            out.println(windowLine.append(String.format(Locale.ROOT, " late events %,d", lateEvents)));
            for (final WindowSpec window : ruleSet.windows())
            {
                final long[] last = lastResultByWindow[window.id()];
                if (last != null)
                {
                    out.printf(Locale.ROOT, "            last %s: %s %d over %s: count %,d sum %,d mean %,.1f " +
                        "min %,d max %,d%n", window.name(), window.key().name().toLowerCase(Locale.ROOT), last[0],
                        Durations.format(last[1]), last[2], last[3], (double)last[3] / last[2], last[4], last[5]);
                }
            }
            out.printf(Locale.ROOT, "  engine    %,d frames received, %,d evaluated, %,d replies not delivered%n",
                engine.counters().get(EngineCounter.FRAMES_RECEIVED).get(),
                engine.counters().get(EngineCounter.EVENTS_EVALUATED).get(),
                engine.counters().get(EngineCounter.REPLIES_NOT_DELIVERED).get());
            out.println("  state     " + engine.snapshotReport());
            LatencyReport.print(out, "Round trip, client send -> decision received", roundTripNs);
            if (engineError != null)
            {
                out.println("engine error: " + engineError);
            }
            if (decided != sent)
            {
                out.printf(Locale.ROOT, "PROBLEM: %,d of %,d messages not decided%n", sent - decided, sent);
            }
        }
    }
}
