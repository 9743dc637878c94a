package dev.vigil.app.cli;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.engine.EngineInfo;
import dev.vigil.app.session.ConnectRefusal;
import dev.vigil.app.session.SessionCounter;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.core.counters.CounterDescriptor;
import dev.vigil.core.counters.CounterMetric;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.vigil.core.counters.EngineCounter.JOURNAL_BYTES;
import static dev.vigil.core.counters.EngineCounter.RING_HIGH_WATER_MARK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vigil stat} and the Prometheus endpoint against a real running engine after real traffic: 200 payments, of
 * which some fire rules, and one request for a client that never connected (rejected).
 */
@Timeout(60)
class StatAndMetricsTest extends CommandLineTest
{
    private static final int MESSAGES = 200;
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$", Pattern.MULTILINE);
    private static final Pattern STAT_ROW = Pattern.compile("^  (\\S.*?) +-?[0-9,]+$", Pattern.MULTILINE);

    @TempDir
    Path dataDir;

    @Test
    void statAndMetricsShowWhatTheEngineDid() throws IOException
    {
        final int port = freeTcpPort();
        try (EngineHarness harness = EngineHarness.start(dataDir, "metrics.port=" + port);
            VigilClient client = harness.connect(5))
        {
            sendAndAwaitDecisions(client);
            final EngineCounters counters = harness.engine().counters();
            assertTrue(EngineHarness.await(() -> counters.decisions(dev.vigil.codecs.Verdict.APPROVE).get() +
                counters.decisions(dev.vigil.codecs.Verdict.REVIEW).get() +
                counters.decisions(dev.vigil.codecs.Verdict.DECLINE).get() == MESSAGES, () -> { }, 5_000));

            assertEquals(0, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()), errors());
            final String stat = output();
            assertTrue(stat.contains("engine pid " + ProcessHandle.current().pid()), stat);
            assertStatLine(stat, "events evaluated", MESSAGES);
            assertStatLine(stat, "decisions decline", counters.decisions(dev.vigil.codecs.Verdict.DECLINE).get());
            assertStatLine(stat, "alerts rule amount-threshold", counters.alerts(0).get());
            assertStatLine(stat, "errors", 0);
            assertTrue(counters.alerts(0).get() > 0, "the large amounts fire amount-threshold");
            assertTrue(counters.get(RING_HIGH_WATER_MARK).get() > 0, stat);
            assertTrue(counters.get(JOURNAL_BYTES).get() > 0, stat);
            assertTrue(counters.stateEntries(1).get() > 0, "account-velocity holds the accounts seen");

            final String exposition = scrape(port);
            final Map<String, String> metrics = samples(exposition);
            assertEquals(Long.toString(MESSAGES), metrics.get("vigil_events_evaluated_total"));
            assertEquals(Long.toString(counters.decisions(dev.vigil.codecs.Verdict.DECLINE).get()),
                metrics.get("vigil_decisions_total{verdict=\"decline\"}"));
            assertEquals(Long.toString(counters.alerts(0).get()),
                metrics.get("vigil_alerts_total{rule=\"amount-threshold\"}"));
            assertEquals("4096", metrics.get("vigil_state_capacity{rule=\"account-velocity\"}"));
            assertEquals("0", metrics.get("vigil_errors_total"));
            assertEquals(Long.toString(MESSAGES), metrics.get("vigil_round_trip_seconds_count"));
            final double p50 = Double.parseDouble(metrics.get("vigil_round_trip_seconds{quantile=\"0.5\"}"));
            final double max = Double.parseDouble(metrics.get("vigil_round_trip_seconds{quantile=\"1.0\"}"));
            assertTrue(p50 > 0 && p50 <= max && max < 60, p50 + " " + max);
            assertTrue(Double.parseDouble(metrics.get("vigil_round_trip_seconds_sum")) > 0);
            assertDashboardUsesOnlyServedMetrics(metrics);
            assertEveryCounterInStatAndMetrics(stat, exposition, counters);
        }
        assertFalse(Files.exists(dataDir.resolve(EngineInfo.FILE_NAME)), "a clean stop removes engine.info");
        assertEquals(1, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()));
        assertTrue(errors().contains("vigil stat: no engine running: " + dataDir + ": no engine.info"), errors());
    }

    @Test
    void refreshesLikeTopWithRates()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient client = harness.connect(6))
        {
            sendAndAwaitDecisions(client);
            assertEquals(0, VigilMain.execute(
                "stat", "--data-dir", dataDir.toString(), "--interval", "10ms", "--count", "2"), errors());
            assertEquals(2, output().split("vigil stat  ", -1).length - 1, output());
            assertTrue(output().contains("per second"), output());
        }
    }

    @Test
    void staleEngineInfoOfADeadProcessMeansNoEngine() throws Exception
    {
        final Process gone = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        Files.writeString(dataDir.resolve(EngineInfo.FILE_NAME),
            "pid=" + gone.pid() + "\nprocess.start.ms=1\naeron.dir=/dev/shm/none\nmetrics.port=0\n");

        assertEquals(1, VigilMain.execute("stat", "--once", "--data-dir", dataDir.toString()));
        assertTrue(errors().contains("names pid " + gone.pid() + ", which is not running"), errors());
    }

    @Test
    void aBadIntervalIsAUsageError()
    {
        assertEquals(2, VigilMain.execute("stat", "--data-dir", dataDir.toString(), "--interval", "often"));
        assertTrue(errors().contains("vigil stat: --interval 'often' is not a duration"), errors());
    }

    private static void sendAndAwaitDecisions(final VigilClient client)
    {
        final Set<Long> decided = new HashSet<>();
        final ReplyListener listener = decision -> decided.add(decision.clientSeq());
        for (int i = 1; i <= MESSAGES; i++)
        {
            final long amount = i % 20 == 0 ? 5_000_000 : 100 + i;
            while (client.sendTransaction(i, i, 1 + i % 9, 2, 3, amount, "EUR", "DE", PaymentChannel.POS) < 0)
            {
                Thread.yield();
            }
            client.poll(listener, 10);
        }
        assertTrue(EngineHarness.await(() -> decided.size() == MESSAGES, () -> client.poll(listener, 100), 10_000));
    }

    private static void assertStatLine(final String stat, final String label, final long value)
    {
        final Matcher line = Pattern.compile("^  " + Pattern.quote(label) + " +([0-9,]+)", Pattern.MULTILINE)
            .matcher(stat);
        assertTrue(line.find(), label + " missing in\n" + stat);
        assertEquals(value, Long.parseLong(line.group(1).replace(",", "")), label);
    }

    private static void assertDashboardUsesOnlyServedMetrics(final Map<String, String> metrics) throws IOException
    {
        final Path dashboard = Path.of(System.getProperty("user.dir")).getParent().resolve("config/grafana/vigil.json");
        final Set<String> served = new HashSet<>();
        for (final String sample : metrics.keySet())
        {
            served.add(sample.replaceAll("\\{.*", ""));
        }
        final Matcher used = Pattern.compile("vigil_[a-z_]+").matcher(Files.readString(dashboard));
        int count = 0;
        while (used.find())
        {
            assertTrue(served.contains(used.group()), "the dashboard uses " + used.group() + ", which is not served");
            count++;
        }
        assertTrue(count > 10, "the dashboard's queries were found");
    }

    /**
     * Every counter the engine made is a row of {@code vigil stat}, in the order of the metrics, and a sample of its
     * family in the exposition under the family's type; and every descriptor is among them.
     */
    private static void assertEveryCounterInStatAndMetrics(
        final String stat, final String exposition, final EngineCounters counters)
    {
        final List<String> labels = new ArrayList<>();
        for (final CounterMetric metric : counters.metrics())
        {
            labels.add(metric.label());
            final String type = "# TYPE " + metric.family() + ' ' + (metric.gauge() ? "gauge" : "counter");
            assertTrue(exposition.contains('\n' + type + '\n'), type + " missing in\n" + exposition);
            final String sample = metric.family() +
                (metric.labelName() == null ? "" : '{' + metric.labelName() + "=\"" + metric.labelValue() + "\"}");
            assertTrue(Pattern.compile("^" + Pattern.quote(sample) + " -?[0-9]+$", Pattern.MULTILINE)
                .matcher(exposition).find(), sample + " missing in\n" + exposition);
        }
        assertEquals(labels, statRows(stat), "vigil stat shows the exported counters, in their order");

        final List<CounterDescriptor> descriptors = new ArrayList<>(List.of(EngineCounter.values()));
        descriptors.addAll(List.of(WindowCounter.values()));
        descriptors.addAll(List.of(SessionCounter.values()));
        for (final CounterDescriptor descriptor : descriptors)
        {
            assertTrue(labels.contains(descriptor.label()), descriptor.label());
        }
        for (final ConnectRefusal refusal : ConnectRefusal.values())
        {
            assertTrue(labels.contains(SessionCounter.CONNECTS_REFUSED.memberLabel(refusal.label())), refusal.label());
        }
    }

    private static List<String> statRows(final String stat)
    {
        final List<String> rows = new ArrayList<>();
        final Matcher row = STAT_ROW.matcher(stat.substring(stat.indexOf("  counter ")));
        while (row.find())
        {
            rows.add(row.group(1));
        }
        return rows;
    }

    private static String scrape(final int port) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        assertEquals(200, connection.getResponseCode());
        assertTrue(connection.getContentType().startsWith("text/plain; version=0.0.4"));
        try (InputStream in = connection.getInputStream())
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> samples(final String body)
    {
        final Map<String, String> samples = new HashMap<>();
        String family = null;
        for (final String line : body.split("\n"))
        {
            if (line.startsWith("# HELP "))
            {
                family = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("# TYPE "))
            {
                final String[] parts = line.split(" ");
                assertEquals(family, parts[2], "TYPE follows its HELP");
                assertTrue(Set.of("counter", "gauge", "summary").contains(parts[3]), line);
                assertEquals(parts[2].endsWith("_total"), "counter".equals(parts[3]), line);
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a valid sample line: " + line);
            assertTrue(sample.group(1).startsWith(family), line + " outside its family " + family);
            assertFalse(samples.containsKey(sample.group(1)), "duplicate sample " + line);
            samples.put(sample.group(1), sample.group(2));
        }
        return samples;
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
