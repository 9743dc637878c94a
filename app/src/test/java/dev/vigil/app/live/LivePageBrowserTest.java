package dev.vigil.app.live;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.engine.EngineInfo;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.core.counters.CounterMetric;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live page of a real engine (embedded media driver on loopback) after real traffic: 400 payments, every 20th
 * over amount-threshold's limit. Over HTTP, its JSON shows the traffic and the alerts the alert stream brought; in
 * headless Chromium, the page draws its charts with data and lists an alert of the traffic in its feed, and a
 * screenshot is saved to {@code target/live-page.png}. The browser test is in the slow tier, which CI runs with
 * Chromium installed ({@code .ci/run}); without Chromium it fails and says so.
 */
@Timeout(120)
class LivePageBrowserTest
{
    private static final int PAYMENTS = 400;
    private static final long LARGE_AMOUNT = 5_000_000;
    private static final long START_EVENT_TIME_NS = 1_767_225_600_000_000_000L;
    private static final long EVENT_STEP_NS = 10_000_000L;
    private static final long BROWSER_TIMEOUT_S = 60;
    private static final Pattern DECIDED_RATE = Pattern.compile("\"decided\":\\[[^\\]]*[1-9][0-9]*\\.");
    private static final Pattern CHART = Pattern.compile("<div id=\"(chart-[a-z]+)\"[^>]*data-points=\"(\\d+)\"");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void theJsonShowsTheTrafficAndTheAlertsOfTheAlertStream() throws Exception
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "http.port=" + freeTcpPort()))
        {
            final String page = harness.engine().livePageAddress();
            assertTrue(page.matches("http://127\\.0\\.0\\.1:\\d+/"), page);
            assertEquals(page, EngineInfo.read(dataDir).orElseThrow().livePage(), "vigil stat finds the page");
            sendPaymentsAndAwaitTheirUpdate(harness, page);

            final String alerts = get(page + "api/alerts?rule=amount-threshold&limit=1000");
            assertEquals(PAYMENTS / 20, count(alerts, "{\"rule\":\"amount-threshold\",\"key\":\""), alerts);
            assertTrue(alerts.contains("\"observed\":" + LARGE_AMOUNT + ",\"threshold\":1000000"), alerts);
            final String engine = get(page + "api/engine");
            assertTrue(engine.contains("\"evaluated\":" + PAYMENTS + ",\"decided\":" + PAYMENTS + ","), engine);
            final Matcher watermark = Pattern.compile("\"watermarkNs\":(\\d+)").matcher(engine);
            assertTrue(watermark.find(), engine);
            final long watermarkNs = Long.parseLong(watermark.group(1));
            final long endNs = START_EVENT_TIME_NS + PAYMENTS * EVENT_STEP_NS;
            assertTrue(watermarkNs > START_EVENT_TIME_NS && watermarkNs < endNs,
                "the watermark is the traffic's event time: " + engine);
            final String rules = get(page + "api/rules");
            assertTrue(rules.contains("\"name\":\"amount-threshold\"") && rules.contains("\"alerts\":" + PAYMENTS / 20),
                rules);
            final Set<String> labels = new HashSet<>();
            for (final CounterMetric metric : harness.engine().counters().metrics())
            {
                labels.add(metric.label());
            }
            assertTrue(labels.contains(LiveCounter.UPDATES_DROPPED.label()), "the page's counters are the engine's");
            assertTrue(harness.errors().isEmpty(), harness.errors().toString());
        }
    }

    @Test
    @Tag("slow")
    void chromiumDrawsTheChartsWithDataAndListsAnAlertOfTheTraffic() throws Exception
    {
        final String chromium = chromium();
        try (EngineHarness harness = EngineHarness.start(dataDir, "http.port=" + freeTcpPort()))
        {
            final String page = harness.engine().livePageAddress();
            sendPaymentsAndAwaitTheirUpdate(harness, page);
            // ?updates=2: the page stops following after two pushed updates, so the browser sees it settle.
            final String url = page + "?updates=2";

            final String dom = runChromium(chromium, "--dump-dom", url);
            assertTrue(dom.contains("data-ready=\"true\""), "the page loaded its data: " + head(dom));
            assertTrue(dom.contains("data-updates=\"2\""), "two updates pushed by the server: " + head(dom));
            final Matcher charts = CHART.matcher(dom);
            final List<String> drawn = new ArrayList<>();
            while (charts.find())
            {
                assertTrue(Integer.parseInt(charts.group(2)) > 0, charts.group(1) + " drew no points");
                drawn.add(charts.group(1));
            }
            assertEquals(List.of("chart-throughput", "chart-decisions", "chart-latency", "chart-histogram",
                "chart-stages"), drawn);
            assertTrue(count(dom, "<canvas") >= 4, "uPlot drew on its canvases");
            assertTrue(dom.contains("<tr data-rule=\"amount-threshold\" data-key=\""),
                "an alert of the traffic in the feed: " + head(dom));
            assertTrue(dom.contains("<td>amount-threshold</td>") || dom.contains(">amount-threshold<"), head(dom));

            final Path screenshot = Path.of("target", "live-page.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            runChromium(chromium, "--screenshot=" + screenshot, url);
            assertTrue(Files.size(screenshot) > 10_000, "a screenshot at " + screenshot);
            assertTrue(harness.errors().isEmpty(), harness.errors().toString());
        }
    }

    private void sendPaymentsAndAwaitTheirUpdate(final EngineHarness harness, final String page) throws Exception
    {
        // The alert stream reaches a subscriber once it has joined: what is published before is not its to see.
        awaitPage(page + "api/engine", "\"alertStream\":\"connected\"");
        try (VigilClient client = harness.connect(7))
        {
            final long[] decided = {0};
            final ReplyListener listener = decision -> decided[0]++;
            for (int i = 0; i < PAYMENTS; i++)
            {
                final long amount = i % 20 == 0 ? LARGE_AMOUNT : 1_000 + i;
                while (client.sendTransaction(START_EVENT_TIME_NS + i * EVENT_STEP_NS, i + 1, 100 + i % 9, 2, 3,
                    amount, "EUR", "DE", PaymentChannel.POS) < 0)
                {
                    client.poll(listener, 10);
                    Thread.yield();
                }
                client.poll(listener, 10);
            }
            assertTrue(EngineHarness.await(() -> decided[0] == PAYMENTS, () -> client.poll(listener, 100), 20_000));
        }
        // The page shows the traffic once an update after it has counted every decision and the alert stream has
        // brought every alert: the page started with the engine, before the traffic, so its rates show it.
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!get(page + "api/engine").contains("\"decided\":" + PAYMENTS + ",") ||
            !DECIDED_RATE.matcher(get(page + "api/history")).find() ||
            count(get(page + "api/alerts?rule=amount-threshold&limit=1000"), "\"alert\":") < PAYMENTS / 20)
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("the page did not show the traffic within 30 s: " + get(page + "api/history"));
            }
            Thread.yield();
        }
    }

    private void awaitPage(final String url, final String expected)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = get(url);
        while (!body.contains(expected))
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail(url + " did not show " + expected + " within 30 s: " + body);
            }
            Thread.yield();
            body = get(url);
        }
    }

    private static String runChromium(final String chromium, final String what, final String url)
        throws IOException, InterruptedException
    {
        final Path profile = Files.createTempDirectory("vigil-chromium-");
        final File out = Files.createTempFile("vigil-chromium-", ".out").toFile();
        final File err = Path.of("target", "live-page-chromium.log").toAbsolutePath().toFile();
        final Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1400,1700",
            "--virtual-time-budget=10000", what, url)
            .redirectOutput(out)
            .redirectError(err)
            .start();
        try
        {
            if (!process.waitFor(BROWSER_TIMEOUT_S, TimeUnit.SECONDS))
            {
                fail("chromium did not finish within " + BROWSER_TIMEOUT_S + " s; its log: " + err);
            }
            assertEquals(0, process.exitValue(), "chromium failed; its log: " + err);
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        }
        finally
        {
            process.destroyForcibly();
            Files.deleteIfExists(out.toPath());
            org.agrona.IoUtil.delete(profile.toFile(), true);
        }
    }

    /**
     * @return the Chromium executable on the PATH; fails the test, saying how to install it, when there is none.
     */
    private static String chromium()
    {
        for (final String name : new String[] {"chromium", "chromium-browser"})
        {
            for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            {
                final File candidate = new File(dir, name);
                if (candidate.canExecute())
                {
                    return candidate.getPath();
                }
            }
        }
        return fail("the live page's browser test needs Chromium, and none is on the PATH: install it " +
            "(Debian: apt-get install chromium; .ci/run does this), or run the fast tier, which leaves this test out");
    }

    private String get(final String url)
    {
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), url);
            return response.body();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static int count(final String text, final String what)
    {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length()))
        {
            count++;
        }
        return count;
    }

    private static String head(final String dom)
    {
        return dom.length() > 3000 ? dom.substring(0, 3000) + "..." : dom;
    }

    private static int freeTcpPort()
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
}
