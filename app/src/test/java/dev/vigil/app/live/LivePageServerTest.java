package dev.vigil.app.live;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.metrics.MetricsServer;
import dev.vigil.app.metrics.RoundTripHistogram;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.egress.AlertFrames;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page's server over real HTTP on loopback: its JSON endpoints, its stream of server-sent events, GET only,
 * and a stalled viewer losing updates (counted) while the feed goes on. The feed is driven by hand under a clock the
 * test sets; counters are real Agrona counters, alerts real SBE frames.
 */
@Timeout(60)
class LivePageServerTest
{
    private static final long START_MS = 1_800_000_000_000L;

    @TempDir
    Path dataDir;

    private final long[] nowMs = {START_MS};
    private final String[] rulesInForce = {""};
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private EngineCounters counters;
    private AtomicCounter[] liveCounters;
    private RoundTripHistogram roundTrip;
    private AlertFeed alerts;
    private Viewers viewers;
    private LiveFeed feed;
    private ErrorLogView errorLog;
    private MetricsServer server;

    @BeforeEach
    void start()
    {
        final VigilConfig config = VigilConfig.builder().set("data.dir", dataDir.toString(), "test").build();
        counters = RuleSetFactory.offlineCounters();
        counters.addRules(RuleSetFactory.fromConfig(config).rules());
        liveCounters = counters.addExported(LiveCounter.values());
        roundTrip = new RoundTripHistogram();
        final CounterReadings readings = new CounterReadings(counters.metrics());
        final RulesView rules = new RulesView(RuleSetFactory.rulesFile(config), readings, () -> rulesInForce[0]);
        alerts = new AlertFeed(rules.ruleNames(), rules.windowNames(), 100, 10);
        viewers = new Viewers(2, 4, liveCounters[LiveCounter.VIEWERS.ordinal()],
            liveCounters[LiveCounter.UPDATES_DROPPED.ordinal()]);
        errorLog = new ErrorLogView(dataDir);
        feed = new LiveFeed(null, () -> nowMs[0], 1000, readings, new RoundTripLatency(roundTrip.newReader()),
            alerts, rules, new EngineStatus(config, readings, errorLog), viewers, new History(10));
        server = MetricsServer.start("test", InetAddress.getLoopbackAddress(), 0,
            new LiveRoutes(feed::snapshot, viewers).routes(), "test-live-http");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.quietCloseAll(server, viewers, errorLog);
    }

    @Test
    void servesRatesLatencyAlertsRulesAndEngineStateAsJson() throws Exception
    {
        assertEquals(1, feed.doWork(), "the first duty cycle makes the first update");
        counters.get(EngineCounter.FRAMES_RECEIVED).getAndAdd(2_000);
        counters.decisions(Verdict.APPROVE).getAndAdd(1_500);
        counters.decisions(Verdict.REVIEW).getAndAdd(300);
        counters.decisions(Verdict.DECLINE).getAndAdd(200);
        counters.alerts(0).getAndAdd(1);
        for (int i = 0; i < 100; i++)
        {
            roundTrip.record(0, 0, 0, 10_000);
        }
        alerts.onAlert(alert(0, 7, 2_000_000, 1_000_000));
        alerts.onAlert(alert(1, 8, 11, 10));
        assertEquals(0, feed.doWork(), "no update before the interval has passed");
        nowMs[0] += 2_000;
        assertEquals(1, feed.doWork());

        final String history = get("/api/history", 200);
        assertTrue(history.startsWith("{\"intervalMs\":1000,\"rows\":{\"t\":[1.800000002E9],"), history);
        assertTrue(history.contains("\"received\":[1000.0],\"decided\":[1000.0],\"rejected\":[0.0]," +
            "\"approve\":[750.0],\"review\":[150.0],\"decline\":[100.0]"), "per second over 2 s: " + history);
        assertTrue(history.contains("\"roundTrips\":[100.0],\"p50Us\":[10.0"), history);

        final String all = get("/api/alerts", 200);
        assertTrue(all.contains("\"kept\":2"), all);
        assertTrue(all.indexOf("\"key\":8") < all.indexOf("\"key\":7"), "newest first: " + all);
        final String byRule = get("/api/alerts?rule=amount-threshold", 200);
        assertTrue(byRule.contains("{\"rule\":\"amount-threshold\",\"key\":\"7\",\"alert\":{\"type\":\"alert\""),
            byRule);
        assertTrue(byRule.contains("\"observed\":2000000,\"threshold\":1000000"), byRule);
        assertFalse(byRule.contains("account-velocity\",\"alert"), byRule);
        final String byKey = get("/api/alerts?key=8", 200);
        assertTrue(byKey.contains("\"rule\":\"account-velocity\",\"key\":\"8\",\"alert\""), byKey);
        assertFalse(byKey.contains("\"key\":7"), byKey);

        final String rules = get("/api/rules", 200);
        assertTrue(rules.contains("\"name\":\"amount-threshold\",\"type\":\"amount-threshold\",\"key\":\"account\"," +
            "\"action\":\"decline\""), rules);
        assertTrue(rules.contains("\"alerts\":1,"), rules);
        final String engine = get("/api/engine", 200);
        assertTrue(engine.contains("\"framesReceived\":2000,\"evaluated\":0,\"decided\":2000,\"rejected\":0"), engine);
        assertTrue(engine.contains("\"errors\":{\"count\":0,\"ruleErrors\":0,\"log\":[]}"), engine);
        final String windows = get("/api/windows", 200);
        assertTrue(windows.contains("{\"id\":0,\"name\":\"merchant-turnover-10m\",\"results\":0,\"latest\":null}"),
            windows);
        assertTrue(get("/api/histogram", 200).startsWith("{\"count\":100,"));
        assertTrue(get("/api/counters", 200).contains("{\"label\":\"decisions approve\",\"family\":" +
            "\"vigil_decisions_total\",\"labelValue\":\"approve\",\"value\":1500}"));
    }

    @Test
    void followsTheRulesInForceAndNamesAlertsOfRulesAnUpdateAdded() throws Exception
    {
        feed.doWork();
        assertTrue(get("/api/rules", 200).contains("\"name\":\"amount-threshold\""));
        rulesInForce[0] = "rules:\n  - {id: 3, name: big-spend, type: amount-threshold, " +
            "parameters: {max-amount: 500}, action: review}\n";
        nowMs[0] += 1_000;
        feed.doWork();
        alerts.onAlert(alert(3, 9, 900, 500));
        nowMs[0] += 1_000;
        feed.doWork();

        final String rules = get("/api/rules", 200);
        assertTrue(rules.startsWith("{\"source\":\"rules update\",\"rules\":[{\"id\":3,\"name\":\"big-spend\""),
            rules);
        assertFalse(rules.contains("amount-threshold\",\"type"), "the rules of the file are no longer in force: " +
            rules);
        assertTrue(get("/api/alerts", 200).contains("{\"rule\":\"big-spend\",\"key\":\"9\",\"alert\""));
    }

    @Test
    void servesThePageAndItsChartsFromTheJarAndAnswersGetOnly() throws Exception
    {
        feed.doWork();
        final String page = get("/", 200);
        assertTrue(page.contains("<script src=\"/uplot/uPlot.iife.min.js\"></script>"), page);
        assertTrue(get("/uplot/uPlot.iife.min.js", 200).contains("uPlot"));
        assertTrue(get("/uplot/uPlot.min.css", 200).contains(".uplot"));
        assertTrue(get("/live.js", 200).contains("EventSource"));
        get("/nothing-here", 404);
        get("/api/nothing", 404);
        for (final String method : new String[] {"POST", "PUT", "DELETE"})
        {
            final HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("/api/engine"))
                .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(405, refused.statusCode(), method);
            assertEquals("GET", refused.headers().firstValue("Allow").orElse(""));
        }
    }

    @Test
    void pushesEachUpdateToAViewerAsAServerSentEvent() throws Exception
    {
        feed.doWork();
        final CompletableFuture<HttpResponse<Stream<String>>> response = http.sendAsync(
            HttpRequest.newBuilder(uri(LiveRoutes.EVENTS)).build(), HttpResponse.BodyHandlers.ofLines());
        final HttpResponse<Stream<String>> stream = response.get(10, TimeUnit.SECONDS);
        assertEquals(200, stream.statusCode());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
        assertTrue(await(() -> viewers.count() == 1), "the viewer is registered");

        alerts.onAlert(alert(0, 42, 3_000_000, 1_000_000));
        nowMs[0] += 1_000;
        feed.doWork();
        final Iterator<String> lines = stream.body().iterator();
        final String data = CompletableFuture.supplyAsync(() ->
        {
            while (lines.hasNext())
            {
                final String line = lines.next();
                if (line.startsWith("data: "))
                {
                    return line;
                }
            }
            return "";
        }).get(10, TimeUnit.SECONDS);
        assertTrue(data.startsWith("data: {\"intervalMs\":1000,\"sample\":{\"t\":1.800000001E9,"), data);
        assertTrue(data.contains("\"alerts\":[{\"rule\":\"amount-threshold\",\"key\":\"42\",\"alert\":" +
            "{\"type\":\"alert\""), data);
        assertTrue(data.contains("\"key\":42,"), data);
        assertEquals(1, liveCounters[LiveCounter.VIEWERS.ordinal()].get());
        stream.body().close();
    }

    @Test
    void aViewerWhoseQueueIsFullLosesUpdatesCountedForItAlone()
    {
        final ViewerQueue queue = new ViewerQueue(2);
        assertTrue(queue.offer("a"));
        assertTrue(queue.offer("b"));
        assertFalse(queue.offer("c"));
        assertFalse(queue.offer("d"));
        assertEquals(2, queue.dropped());
        assertEquals(2, queue.size());
    }

    @Test
    void aStalledBrowserNeverHoldsTheFeedItsUpdatesAreDroppedAndCounted() throws Exception
    {
        feed.doWork();
        try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), server.port()))
        {
            // A viewer that asks for the stream and never reads it: its socket fills, then its queue.
            final OutputStream out = stalled.getOutputStream();
            out.write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(await(() -> viewers.count() == 1), "the viewer is registered");

            final String update = "event: update\ndata: " + "x".repeat(64 * 1024) + "\n\n";
            int broadcasts = 0;
            while (viewers.droppedTotal() == 0 && broadcasts < 5_000)
            {
                // Never waits: a full queue drops the update for that viewer.
                viewers.broadcast(update);
                broadcasts++;
            }
            assertTrue(viewers.droppedTotal() > 0, "dropped within " + broadcasts + " updates");
            for (int i = 0; i < 10; i++)
            {
                assertEquals(1, viewers.broadcast(update));
            }
            assertEquals(viewers.droppedTotal(), liveCounters[LiveCounter.UPDATES_DROPPED.ordinal()].get());
            // The update states the drops before it; it is dropped for the stalled viewer too.
            final long droppedBefore = viewers.droppedTotal();
            nowMs[0] += 1_000;
            feed.doWork();
            assertEquals(droppedBefore + 1, viewers.droppedTotal());
            final String engine = get("/api/engine", 200);
            assertTrue(engine.contains("\"page\":{\"viewers\":1,\"updatesDropped\":" + droppedBefore +
                ",\"alertStream\":\"none\","),
                engine);
            assertTrue(engine.contains("\"perViewer\":[{\"id\":1,\"queued\":4,\"dropped\":"), engine);
        }
    }

    @Test
    void refusesARequestNamingAnotherHostAsADnsRebindingPageWouldSend() throws Exception
    {
        feed.doWork();
        for (final String path : new String[]{"/api/engine", "/events", "/"})
        {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port()))
            {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: rebound.example:" + server.port() +
                    "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                final String status = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 403 Forbidden", status, path);
            }
        }
        assertEquals(0, viewers.count());
        assertTrue(get("/api/engine", 200).startsWith("{"), "by address it is served");
    }

    @Test
    void refusesViewersBeyondTheBound() throws Exception
    {
        feed.doWork();
        final HttpRequest events = HttpRequest.newBuilder(uri(LiveRoutes.EVENTS)).build();
        final HttpResponse<Stream<String>> first = http.send(events, HttpResponse.BodyHandlers.ofLines());
        final HttpResponse<Stream<String>> second = http.send(events, HttpResponse.BodyHandlers.ofLines());
        assertTrue(await(() -> viewers.count() == 2));
        final HttpResponse<String> third = http.send(events, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, third.statusCode());
        assertEquals("at most 2 viewers at once\n", third.body());
        first.body().close();
        second.body().close();
    }

    private String get(final String path, final int status) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static boolean await(final java.util.function.BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    private static AlertDecoder alert(final int ruleId, final long key, final long observed, final long threshold)
    {
        final RingEvent event = new RingEvent(256);
        event.alerts().add(ruleId, Verdict.DECLINE, key, observed, threshold, 10, 11);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(AlertFrames.MAX_LENGTH);
        new AlertFrames().encode(buffer, 0, event, 0);
        return new AlertDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }
}
