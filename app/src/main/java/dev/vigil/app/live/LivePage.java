package dev.vigil.app.live;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.metrics.MetricsServer;
import dev.vigil.app.metrics.RoundTripHistogram;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.core.counters.CounterMetric;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live page of a running engine: throughput, the decision mix and round-trip latency over time, the round-trip
 * percentile plot, the alert feed, the latest window results, the rules in force with their counts, and the
 * engine's watermark, journal, snapshots and errors; served with its data as JSON under {@code /api/} and its updates
 * as server-sent events, GET only, on {@code http.bind:http.port} (loopback by default).
 * <pre>
 *   engine threads ─counters, round-trip recorder─┐ (read, never waited for)
 *   engine egress ─alert stream (Aeron)───────────┴─► feed thread ─┬─► snapshot ─► server thread ─► /api/...
 *                                                                  └─► each viewer's bounded queue ─► its thread
 *                                                                      ─► /events
 * </pre>
 */
public final class LivePage implements AutoCloseable
{
    /** Time between updates. */
    public static final long UPDATE_INTERVAL_MS = 1000;
    /** Rows of history kept: five minutes of updates. */
    static final int HISTORY_ROWS = 300;
    /** Alerts kept for the feed and {@code /api/alerts}. */
    static final int ALERTS_KEPT = 1000;
    /** Most viewers following the updates at once. */
    static final int MAX_VIEWERS = 16;
    /** The feed thread's sleep when the alert stream is quiet: it wakes 200 times a second at most, not spinning. */
    static final long IDLE_SLEEP_MS = 5;
    /** Updates held for each viewer before they are dropped for it. */
    static final int VIEWER_QUEUE_CAPACITY = 32;

    private final Aeron aeron;
    private final ErrorLogView errorLog;
    private final Viewers viewers;
    private final LiveFeed feed;
    private final AgentRunner runner;
    private final MetricsServer server;
    private final String address;

    private LivePage(
        final VigilConfig config,
        final Aeron aeron,
        final List<CounterMetric> metrics,
        final RoundTripHistogram.Reader roundTrips,
        final AtomicCounter[] liveCounters,
        final ErrorHandler errorHandler,
        final Supplier<String> rulesInForce)
    {
        this.aeron = aeron;
        final InetAddress bind = bindAddress(config);
        final int port = config.getInt(Settings.HTTP_PORT);
        final CounterReadings counters = new CounterReadings(metrics);
        final RulesView rules = new RulesView(RuleSetFactory.rulesFile(config), counters, rulesInForce);
        final AlertFeed alerts = new AlertFeed(
            rules.ruleNames(), rules.windowNames(), ALERTS_KEPT, LiveFeed.MAX_ALERTS_PER_UPDATE);
        errorLog = new ErrorLogView(Path.of(config.get(Settings.DATA_DIR)));
        viewers = new Viewers(MAX_VIEWERS, VIEWER_QUEUE_CAPACITY,
            liveCounters == null ? null : liveCounters[LiveCounter.VIEWERS.ordinal()],
            liveCounters == null ? null : liveCounters[LiveCounter.UPDATES_DROPPED.ordinal()]);
        feed = new LiveFeed(
            alertSubscriber(config, aeron),
            SystemEpochClock.INSTANCE,
            UPDATE_INTERVAL_MS,
            counters,
            new RoundTripLatency(roundTrips),
            alerts,
            rules,
            new EngineStatus(config, counters, errorLog),
            viewers,
            new History(HISTORY_ROWS));
        runner = new AgentRunner(new SleepingMillisIdleStrategy(IDLE_SLEEP_MS), errorHandler, null, feed);
        try
        {
            server = MetricsServer.start("http.bind=" + bind.getHostAddress() + ", http.port=" + port, bind, port,
                new LiveRoutes(feed::snapshot, viewers).routes(), "vigil-live-http");
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(feed::onClose, errorLog);
            throw ex;
        }
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, "vigil-live");
            thread.setDaemon(true);
            return thread;
        });
        address = "http://" + hostForUrl(bind) + ":" + server.port() + "/";
    }

    /**
     * Start the page of an engine running in this process, with an Aeron client of its own (so its subscription is
     * polled on its own thread, as any subscriber's).
     *
     * @param config       the engine's configuration: {@code http.bind}, {@code http.port}, the alert stream, the
     *                     rules file, the data directory.
     * @param aeronDir     the engine's Aeron directory.
     * @param metrics      the engine's counters.
     * @param roundTrips   a reader of the engine's round trips of its own, or null for none.
     * @param liveCounters the counters of {@link LiveCounter}, indexed by ordinal, among the engine's; null for none.
     * @param errorHandler receives what the page's feed thread throws; it keeps running.
     * @param rulesInForce the text of the rules in force, read on the feed thread: the page follows rules updates.
     * @return the started page.
     * @throws ConfigException when the address or port cannot be bound.
     */
    public static LivePage start(
        final VigilConfig config,
        final String aeronDir,
        final List<CounterMetric> metrics,
        final RoundTripHistogram.Reader roundTrips,
        final AtomicCounter[] liveCounters,
        final ErrorHandler errorHandler,
        final Supplier<String> rulesInForce)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(config.getDurationNs(Settings.AERON_TIMEOUT)))
            .errorHandler(errorHandler)
            .clientName("vigil-live-page"));
        try
        {
            return new LivePage(config, aeron, metrics, roundTrips, liveCounters, errorHandler, rulesInForce);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(aeron);
            throw ex;
        }
    }

    /**
     * @return the page's address, e.g. {@code http://127.0.0.1:8080/}.
     */
    public String address()
    {
        return address;
    }

    /**
     * @return the TCP port the page is served on.
     */
    public int port()
    {
        return server.port();
    }

    @Override
    public void close()
    {
        // The server first: closing its connections ends every viewer's write, however stalled its browser.
        CloseHelper.quietClose(server);
        viewers.close();
        CloseHelper.quietCloseAll(runner, aeron, errorLog);
    }

    /**
     * The engine's alert stream as an ordinary subscriber joins it: through the control address of a
     * multi-destination channel, or the same IPC channel. A channel to a fixed endpoint belongs to one receiver and
     * cannot be joined: then the page has no alert feed.
     */
    private static AlertSubscriber alertSubscriber(final VigilConfig config, final Aeron aeron)
    {
        final String channel = config.get(Settings.ALERTS_CHANNEL);
        final int streamId = config.getInt(Settings.ALERTS_STREAM_ID);
        final ChannelUri uri = ChannelUri.parse(channel);
        if (CommonContext.IPC_MEDIA.equals(uri.media()))
        {
            // Untethered: a page that falls behind is left behind, it never holds the engine's alert publication.
            uri.put(CommonContext.TETHER_PARAM_NAME, "false");
            return new AlertSubscriber(aeron, uri.toString(), streamId);
        }
        final String control = uri.get(CommonContext.MDC_CONTROL_PARAM_NAME);
        if (control == null)
        {
            return null;
        }
        return new AlertSubscriber(
            aeron, "aeron:udp?endpoint=localhost:0|control=" + control + "|control-mode=dynamic", streamId);
    }

    private static InetAddress bindAddress(final VigilConfig config)
    {
        try
        {
            // A literal address (the setting allows nothing else): no name is looked up.
            return InetAddress.getByName(config.get(Settings.HTTP_BIND));
        }
        catch (final UnknownHostException ex)
        {
            throw new ConfigException("http.bind=" + config.get(Settings.HTTP_BIND) + ": " + ex.getMessage());
        }
    }

    private static String hostForUrl(final InetAddress bind)
    {
        final String host = bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
