package dev.vigil.app;

import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.counters.CounterMetric;
import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.vigil.app.EndToEndTest.sendUntilAccepted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows switched on by a rules file's {@code windows:} section, over real Aeron: results reach an alert subscriber
 * when the watermark passes their end, late events within the allowed lateness re-fire their window as an update,
 * later ones come out as late events, and a heartbeat moves an otherwise silent client's watermark.
 */
@Timeout(60)
class WindowsEndToEndTest
{
    private static final long SECOND_NS = 1_000_000_000L;
    /** A whole multiple of 10 s, so 10 s windows start on it. */
    private static final long T0 = 1_767_225_600L * SECOND_NS;

    private static final String RULES =
        "rules:\n" +
        "  - {id: 0, name: big, type: amount-threshold, parameters: {max-amount: 1000000}, action: decline}\n" +
        "windows:\n" +
        "  - id: 7\n" +
        "    name: spend-10s\n" +
        "    type: tumbling\n" +
        "    input: transactions\n" +
        "    key: account\n" +
        "    value: amount\n" +
        "    size: 10s\n" +
        "    allowed-lateness: 5s\n";

    @TempDir
    Path dataDir;

    /** Window output as text, in arrival order. */
    static final class WindowOutput implements AlertListener
    {
        final List<String> lines = new ArrayList<>();

        @Override
        public void onAlert(final AlertDecoder alert)
        {
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            lines.add("result " + result.aggregateId() + " key " + result.key() + " [" +
                (result.windowStartNs() - T0) / SECOND_NS + "s," + (result.windowEndNs() - T0) / SECOND_NS +
                "s) count " + result.count() + " sum " + result.sum() + " min " + result.min() + " max " +
                result.max() + (result.isUpdate() == BooleanType.TRUE ? " update" : ""));
        }

        @Override
        public void onLateEvent(final LateEventDecoder late)
        {
            lines.add("late " + late.aggregateId() + " key " + late.key() + " at " +
                (late.eventTimeNs() - T0) / SECOND_NS + "s " + late.reason());
        }
    }

    @Test
    void windowsConfiguredInTheRulesFileFireLateUpdateAndReportLateEvents()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir,
            TestRules.setting(dataDir, "rules.yaml", RULES), "time.out.of.orderness=0ns");
            VigilClient client = harness.connect(41);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            AlertSubscriber subscriber = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003))
        {
            assertTrue(EngineHarness.await(subscriber::isConnected, () -> { }, 5_000));
            final WindowOutput output = new WindowOutput();

            sendUntilAccepted(client, T0, 1, 5, 100);
            sendUntilAccepted(client, T0 + 3 * SECOND_NS, 2, 6, 40);
            sendUntilAccepted(client, T0 + 7 * SECOND_NS, 3, 5, 300);
            // The watermark reaches 12 s - 1 ns: [0 s, 10 s) fires, keys in order.
            sendUntilAccepted(client, T0 + 12 * SECOND_NS, 4, 5, 20);
            awaitLines(output, subscriber, 2);
            assertEquals(List.of(
                "result 7 key 5 [0s,10s) count 2 sum 400 min 100 max 300",
                "result 7 key 6 [0s,10s) count 1 sum 40 min 40 max 40"), output.lines);

            // Late but within the allowed lateness (until the watermark passes 15 s - 1 ns): an update.
            sendUntilAccepted(client, T0 + 2 * SECOND_NS, 5, 5, 7);
            awaitLines(output, subscriber, 3);
            assertEquals("result 7 key 5 [0s,10s) count 3 sum 407 min 7 max 300 update", output.lines.get(2));

            // Beyond it: the event is reported late, and counts in no window.
            sendUntilAccepted(client, T0 + 16 * SECOND_NS, 6, 6, 1);
            sendUntilAccepted(client, T0 + SECOND_NS, 7, 5, 9);
            awaitLines(output, subscriber, 4);
            assertEquals("late 7 key 5 at 1s BEYOND_ALLOWED_LATENESS", output.lines.get(3));

            // Nothing more to send: a heartbeat moves the watermark past 20 s and [10 s, 20 s) fires.
            while (client.sendHeartbeat(T0 + 21 * SECOND_NS) < 0)
            {
                Thread.yield();
            }
            awaitLines(output, subscriber, 6);
            assertEquals(List.of(
                "result 7 key 5 [10s,20s) count 1 sum 20 min 20 max 20",
                "result 7 key 6 [10s,20s) count 1 sum 1 min 1 max 1"), output.lines.subList(4, 6));

            assertEquals(1, harness.engine().counters().metrics().stream()
                .filter(metric -> metric.family().equals("vigil_window_late_events_total"))
                .mapToLong(CounterMetric::value).sum());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"snapshot.on.shutdown=true", "snapshot.on.shutdown=false"})
    void aRestartedEngineEmitsTheWindowResultsOfOneThatNeverStopped(final String snapshotSetting)
    {
        final String rules = TestRules.setting(dataDir, "rules.yaml", RULES.replace("windows:\n",
            "  - {id: 1, name: marker, type: notional, window: {size: 1s, slide: 1s}, parameters: {max-notional: 0}," +
            " action: alert_only}\n" +
            "windows:\n" +
            "  - {id: 8, name: sessions, type: session, key: card, gap: 4s}\n" +
            "  - {id: 9, name: hopping, type: sliding, key: merchant, size: 6s, slide: 2s}\n"));
        final String[] settings = {rules, "time.out.of.orderness=1s", "snapshot.interval.events=0", snapshotSetting};

        final List<String> uninterrupted = new ArrayList<>();
        try (Running engine = new Running(dataDir.resolve("uninterrupted"), settings, 1))
        {
            uninterrupted.addAll(engine.sendWindowTraffic(0, 20));
            uninterrupted.addAll(engine.sendWindowTraffic(20, 40));
        }

        final List<String> restarted = new ArrayList<>();
        try (Running engine = new Running(dataDir.resolve("restarted"), settings, 1))
        {
            restarted.addAll(engine.sendWindowTraffic(0, 20));
        }
        try (Running engine = new Running(dataDir.resolve("restarted"), settings, 22))
        {
            restarted.addAll(engine.sendWindowTraffic(20, 40));
        }

        assertTrue(uninterrupted.size() > 20, () -> "too few results to compare: " + uninterrupted);
        assertEquals(uninterrupted, restarted);
    }

    /**
     * One heartbeat whose watermark step fires the windows of 100,000 keys at once, about eight times what the
     * default 1 MiB output buffer holds: the rules stage fires them in parts as egress publishes, holding the input
     * behind the heartbeat, and every result reaches the subscriber once, before the next input's alert.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"profile=shared", "profile=dedicated"})
    @Timeout(180)
    void oneWatermarkStepOverOneHundredThousandKeysDeliversEveryResult(final String profile)
    {
        final int keys = 100_000;
        final long firstAccount = 1_000_000;
        final String rules = TestRules.setting(dataDir, "rules.yaml", RULES.replace(
            "    allowed-lateness: 5s\n", "    allowed-lateness: 5s\n    max-keys: 131072\n"));
        try (EngineHarness harness = EngineHarness.start(dataDir, rules, profile, "idle.strategy=backoff",
            "time.out.of.orderness=0ns", "snapshot.interval.events=0");
            VigilClient client = harness.connect(51);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            AlertSubscriber subscriber = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003))
        {
            assertTrue(EngineHarness.await(subscriber::isConnected, () -> { }, 5_000));
            final long[] decisions = new long[1];
            final ReplyListener countDecisions = decision -> decisions[0]++;
            final long deadlineNs = System.nanoTime() + 120 * SECOND_NS;
            for (int i = 0; i < keys; i++)
            {
                // All in [0 s, 10 s), one account each; the watermark follows them and fires nothing.
                while (client.sendTransaction(T0 + i * 1_000L, i, firstAccount + i, 5000, 42, 1 + i % 1000, "EUR", "DE",
                    PaymentChannel.ECOM) < 0)
                {
                    assertTrue(System.nanoTime() < deadlineNs, "the engine stopped taking transactions");
                    client.poll(countDecisions, 256);
                }
            }
            while (client.sendHeartbeat(T0 + 20 * SECOND_NS) < 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "the engine stopped taking input");
                client.poll(countDecisions, 256);
            }
            // Behind the heartbeat: a transaction whose rule alert follows its results on the same stream.
            sendUntilAccepted(client, T0 + 21 * SECOND_NS, keys + 1, 7, 2_000_000);

            final long[] resultsBy = new long[keys];
            final int[] results = new int[2];
            final long[] markerSeq = new long[1];
            final AlertListener listener = new AlertListener()
            {
                @Override
                public void onAlert(final AlertDecoder alert)
                {
                    markerSeq[0] = alert.engineSeq();
                    results[1] = results[0];
                }

                @Override
                public void onWindowResult(final WindowResultDecoder result)
                {
                    results[0]++;
                    final int index = (int)(result.key() - firstAccount);
                    assertTrue(index >= 0 && index < keys, () -> "result of key " + result.key());
                    assertEquals(0, resultsBy[index], () -> "a second result of key " + result.key());
                    assertEquals(T0, result.windowStartNs());
                    assertEquals(T0 + 10 * SECOND_NS, result.windowEndNs());
                    assertEquals(1, result.count());
                    assertEquals(1 + index % 1000, result.sum());
                    resultsBy[index] = result.engineSeq();
                }

                @Override
                public void onLateEvent(final LateEventDecoder late)
                {
                    throw new AssertionError("no event is late: " + late);
                }
            };
            assertTrue(EngineHarness.await(() -> markerSeq[0] != 0, () ->
            {
                subscriber.poll(listener, 1024);
                client.poll(countDecisions, 256);
            }, 120_000), () -> results[0] + " results and no marker alert");

            assertEquals(keys, results[0]);
            assertEquals(keys, results[1], "every result came before the next input's alert");
            // One input fired them all: the heartbeat, right before the marker.
            assertEquals(Arrays.stream(resultsBy).min().orElseThrow(), Arrays.stream(resultsBy).max().orElseThrow());
            assertEquals(markerSeq[0] - 1, resultsBy[0]);
            assertEquals(0, metric(harness, "vigil_window_results_dropped_total"));
            assertEquals(keys, metric(harness, "vigil_window_results_total"));
            if (profile.endsWith("shared"))
            {
                // On one thread egress runs only between the rules stage's duty cycles: the firing filled the buffer
                // and held the input behind it until its last part was out.
                assertTrue(metric(harness, "vigil_window_output_holds_total") >= 1);
                assertTrue(metric(harness, "vigil_window_output_held_nanoseconds_total") > 0);
            }
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    private static long metric(final EngineHarness harness, final String family)
    {
        return harness.engine().counters().metrics().stream()
            .filter(metric -> metric.family().equals(family))
            .mapToLong(CounterMetric::value).sum();
    }

    /** An engine on a data directory with a client and an alert subscriber, collecting every window message. */
    private static final class Running implements AutoCloseable, AlertListener
    {
        final EngineHarness harness;
        final VigilClient client;
        final Aeron aeron;
        final AlertSubscriber subscriber;
        final List<String> lines = new ArrayList<>();
        long markerSeq;

        Running(final Path dir, final String[] settings, final long firstClientSeq)
        {
            harness = EngineHarness.start(dir, settings);
            client = VigilClient.connect(harness.clientContext(61).firstClientSeq(firstClientSeq));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            subscriber = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003);
            assertTrue(EngineHarness.await(subscriber::isConnected, () -> { }, 5_000));
        }

        /**
         * Transactions over 3 accounts, 4 cards and 5 merchants, 700 ms apart with every fifth one 1.5 s behind its
         * predecessors, then a marker: an order, which no window reads and whose old event time moves no watermark,
         * firing the marker rule. Its alert follows every window message of the transactions on the alert stream.
         *
         * @return the window messages of these transactions.
         */
        List<String> sendWindowTraffic(final int from, final int to)
        {
            lines.clear();
            markerSeq = 0;
            for (int i = from; i < to; i++)
            {
                final long eventTimeNs = T0 + i * 700_000_000L - (i % 5 == 4 ? 1_500_000_000L : 0);
                while (client.sendTransaction(
                    eventTimeNs, i, i % 3, i % 4, i % 5, 10 + i, "EUR", "DE", PaymentChannel.ECOM) < 0)
                {
                    Thread.yield();
                }
            }
            while (client.sendOrder(T0, 1000 + to, 1, 2, Side.BUY, OrderType.LIMIT, 100, 10) < 0)
            {
                Thread.yield();
            }
            assertTrue(EngineHarness.await(() -> markerSeq != 0, () -> subscriber.poll(this, 10), 10_000),
                () -> "the marker's alert; the engine had evaluated " +
                metric(harness, "vigil_events_evaluated_total") + " events, raised " +
                metric(harness, "vigil_alerts_raised_total") + " alerts, left " +
                metric(harness, "vigil_replies_not_delivered_total") + " undelivered, met back-pressure " +
                metric(harness, "vigil_egress_back_pressured_total") + " times, held input " +
                metric(harness, "vigil_window_output_holds_total") + " times; window lines seen " + lines.size() +
                "; errors " + harness.errors());
            return List.copyOf(lines);
        }

        @Override
        public void onAlert(final AlertDecoder alert)
        {
            markerSeq = alert.engineSeq();
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            lines.add("result " + result.aggregateId() + " key " + result.key() + " " + result.windowStartNs() +
                ".." + result.windowEndNs() + " count " + result.count() + " sum " + result.sum() + " min " +
                result.min() + " max " + result.max() + " " + result.isUpdate() + " by " + result.engineSeq());
        }

        @Override
        public void onLateEvent(final LateEventDecoder late)
        {
            lines.add("late " + late.aggregateId() + " key " + late.key() + " at " + late.eventTimeNs() +
                " watermark " + late.watermarkNs() + " by " + late.engineSeq());
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(subscriber, aeron, client, harness);
        }
    }

    private static void awaitLines(final WindowOutput output, final AlertSubscriber subscriber, final int count)
    {
        assertTrue(EngineHarness.await(() -> output.lines.size() >= count, () -> subscriber.poll(output, 10), 10_000),
            () -> "window output so far: " + output.lines);
    }
}
