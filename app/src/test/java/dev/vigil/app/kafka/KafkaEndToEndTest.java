package dev.vigil.app.kafka;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.counters.CounterMetric;
import dev.vigil.journal.JournalReader;
import io.aeron.Aeron;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vigil.app.kafka.KafkaTestSupport.BASE_TIME_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.SECOND_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.header;
import static dev.vigil.app.kafka.KafkaTestSupport.record;
import static dev.vigil.app.kafka.KafkaTestSupport.text;
import static dev.vigil.core.counters.EngineCounter.ALERTS_RAISED;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic to engine to topics, with the default rules and windows: a source and a sink (reading the engine's journal)
 * each stopped without committing in the middle of the run and started again. Every input is decided once, and the
 * output topics, read committed, hold exactly what the engine published on its live alert stream, once each.
 */
@Timeout(120)
class KafkaEndToEndTest
{
    private static final int EVENTS = 600;

    @TempDir
    static Path brokerDir;

    private static LocalKafkaBroker broker;

    @TempDir
    Path dataDir;

    private final ReconnectingAeron aeron = new ReconnectingAeron(5_000, System.err);

    private VigilConfig engineConfig;

    @BeforeAll
    static void startBroker()
    {
        broker = LocalKafkaBroker.start(brokerDir);
    }

    @AfterEach
    void closeAeron()
    {
        aeron.close();
    }

    @AfterAll
    static void stopBroker()
    {
        if (broker != null)
        {
            broker.close();
        }
    }

    @Test
    void decidesEveryInputOnceAndDeliversEveryOutputOnceThroughStopsOfSourceAndSink()
    {
        final String bootstrap = broker.bootstrapServers();
        for (final String topic : List.of("events", "decisions", "alerts", "windows", "late"))
        {
            KafkaTestSupport.createTopic(bootstrap, topic, topic.equals("events") ? 2 : 1);
        }
        final List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            inputs.add(record("events", i % 2, "k" + i, event(i)));
        }
        KafkaTestSupport.produce(bootstrap, "events", inputs);

        try (EngineHarness engine = EngineHarness.start(dataDir);
            Aeron liveAeron =
                Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.engine().aeronDirectoryName()));
            AlertSubscriber liveStream = new AlertSubscriber(
                liveAeron, engine.alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID))
        {
            engineConfig = engine.engine().config();
            final LiveOutputs live = new LiveOutputs();
            assertTrue(EngineHarness.await(liveStream::isConnected, () -> liveStream.poll(live, 10), 10_000));

            // The first source commits nothing before its stop: a window of 1,024 is never half used by the 300
            // records of a partition, and the commit interval is an hour.
            final SourceSettings sourceSettings = new SourceSettings("events", KafkaFormat.JSON, "decisions", null,
                "vigil-source-events", "vigil-source-events", KafkaClientIds.DEFAULT_BASE, 1024, 2048,
                3_600 * SECOND_NS, 10 * SECOND_NS, 100_000_000L, 64);
            // Commits every 40 outputs, or when the journal has nothing new; 8 journal records a duty cycle.
            final SinkSettings sinkSettings = new SinkSettings("alerts", "windows", "late", KafkaFormat.JSON,
                "vigil-sink-test", "vigil-sink-test-position", 3_600 * SECOND_NS, 40, 8);
            KafkaCounters sourceCounters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            KafkaSource source =
                KafkaTestSupport.startSource(bootstrap, sourceSettings, () -> engine, sourceCounters, aeron);
            KafkaCounters sinkCounters = new KafkaCounters(KafkaCounters.Role.SINK);
            KafkaSink sink = startSink(bootstrap, sinkSettings, sinkCounters);
            long decisionsCommitted = 0;
            long outputsCommitted = 0;
            boolean sourceStopped = false;
            boolean sinkStopped = false;
            try
            {
                final long deadlineNs = System.nanoTime() + 60 * SECOND_NS;
                while (decisionsCommitted + sourceCounters.get(KafkaCounters.Counter.SOURCE_DECIDED) < EVENTS ||
                    !allOutputsCommitted(engine, live,
                    outputsCommitted + sinkCounters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT)))
                {
                    assertTrue(System.nanoTime() < deadlineNs, "not done in 60 s: " +
                        sourceCounters.statusLine() + " / " + sinkCounters.statusLine());
                    source.doWork();
                    sink.doWork();
                    liveStream.poll(live, 100);
                    if (!sourceStopped && sourceCounters.get(KafkaCounters.Counter.SOURCE_DECIDED) >= EVENTS / 2 &&
                        sourceCounters.get(KafkaCounters.Counter.SOURCE_DECIDED) >
                        sourceCounters.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT))
                    {
                        // Stopped with decided records not committed: they are sent again and answered again.
                        sourceStopped = true;
                        decisionsCommitted = sourceCounters.get(KafkaCounters.Counter.SOURCE_DECISIONS_OUT);
                        source.close();
                        sourceCounters = new KafkaCounters(KafkaCounters.Role.SOURCE);
                        source = KafkaTestSupport.startSource(
                            bootstrap, sourceSettings, () -> engine, sourceCounters, aeron);
                    }
                    if (!sinkStopped && sinkCounters.get(KafkaCounters.Counter.SINK_COMMITS) >= 1 &&
                        uncommitted(sinkCounters) > 0)
                    {
                        // Stopped with a transaction open: its outputs are written again by the next sink.
                        sinkStopped = true;
                        outputsCommitted = sinkCounters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT);
                        sink.close();
                        sinkCounters = new KafkaCounters(KafkaCounters.Role.SINK);
                        sink = startSink(bootstrap, sinkSettings, sinkCounters);
                    }
                }
                assertTrue(source.drain(10 * SECOND_NS));
                sink.flush();
            }
            finally
            {
                source.close();
                sink.close();
            }
            assertTrue(sourceStopped, "the source was stopped mid-run");
            assertTrue(sinkStopped, "the sink was stopped mid-run");
            assertTrue(sinkCounters.get(KafkaCounters.Counter.SINK_SKIPPED) > 0, "the second sink skipped " +
                "what the first committed: " + sinkCounters.statusLine());

            assertEquals(EVENTS, engine.engine().counters().get(EVENTS_EVALUATED).get(), "each input evaluated once");
            assertDecidedOnce(bootstrap);
            assertDeliveredOnce(bootstrap, live);
        }
    }

    @Test
    void writesTheLiveAlertStreamOnceFromStreamMode()
    {
        final String bootstrap = broker.bootstrapServers();
        for (final String topic : List.of("s-events", "s-alerts", "s-windows", "s-late"))
        {
            KafkaTestSupport.createTopic(bootstrap, topic, 1);
        }
        final List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            inputs.add(record("s-events", 0, "k" + i, event(i)));
        }
        KafkaTestSupport.produce(bootstrap, "s-events", inputs);

        try (EngineHarness engine = EngineHarness.start(dataDir);
            Aeron liveAeron =
                Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.engine().aeronDirectoryName()));
            AlertSubscriber liveStream = new AlertSubscriber(
                liveAeron, engine.alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID))
        {
            final LiveOutputs live = new LiveOutputs();
            final AlertStreamFeed feed = new AlertStreamFeed(
                () -> liveAeron, List.of(engine.alertSubscriptionChannel()), AlertSubscriber.DEFAULT_STREAM_ID);
            final KafkaCounters sinkCounters = new KafkaCounters(KafkaCounters.Role.SINK);
            final KafkaCounters sourceCounters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            try (KafkaSink sink = KafkaSink.start(bootstrap, new SinkSettings("s-alerts", "s-windows", "s-late",
                KafkaFormat.JSON, "vigil-sink-stream", "vigil-sink-stream-position", 20_000_000L, 100, 64), Map.of(),
                feed, sinkCounters, SystemNanoClock.INSTANCE);
                KafkaSource source = KafkaTestSupport.startSource(bootstrap, KafkaTestSupport.sourceSettings(
                    "s-events", null, null, 256), () -> engine, sourceCounters, aeron))
            {
                assertTrue(EngineHarness.await(() -> liveStream.isConnected() && feed.isConnected(), () ->
                {
                    liveStream.poll(live, 10);
                    sink.doWork();
                }, 10_000));
                KafkaTestSupport.runUntil(() ->
                {
                    source.doWork();
                    sink.doWork();
                    liveStream.poll(live, 100);
                }, () -> sourceCounters.get(KafkaCounters.Counter.SOURCE_DECIDED) == EVENTS &&
                    allOutputsCommitted(engine, live, sinkCounters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT)),
                    60_000);
                sink.flush();
                assertEquals(Long.parseLong(live.byPosition.lastKey().substring(0, 12)), sink.committedSeq());
            }
            final TreeMap<String, String> delivered = new TreeMap<>();
            for (final String topic : List.of("s-alerts", "s-windows", "s-late"))
            {
                for (final ConsumerRecord<byte[], byte[]> output : KafkaTestSupport.readCommitted(bootstrap, topic))
                {
                    assertEquals(null, delivered.put(position(
                        Long.parseLong(header(output, KafkaSink.ENGINE_SEQ_HEADER)),
                        Long.parseLong(header(output, KafkaSink.ORDINAL_HEADER))), text(output.value())));
                }
            }
            assertEquals(live.byPosition, delivered);
        }
    }

    @Test
    void theJournalFeedCarriesOnAcrossAnEngineRestartWhichDoesNotPublishReplayedOutputsAgain()
    {
        final String bootstrap = broker.bootstrapServers();
        for (final String topic : List.of("r-events", "r-alerts", "r-windows", "r-late"))
        {
            KafkaTestSupport.createTopic(bootstrap, topic, 1);
        }
        final List<ProducerRecord<byte[], byte[]>> firstHalf = new ArrayList<>();
        final List<ProducerRecord<byte[], byte[]>> secondHalf = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            (i < EVENTS / 2 ? firstHalf : secondHalf).add(record("r-events", 0, "k" + i, event(i)));
        }
        KafkaTestSupport.produce(bootstrap, "r-events", firstHalf);

        final EngineHarness[] engine = {EngineHarness.start(dataDir)};
        engineConfig = engine[0].engine().config();
        final LiveOutputs live = new LiveOutputs();
        final KafkaCounters sourceCounters = new KafkaCounters(KafkaCounters.Role.SOURCE);
        final KafkaCounters sinkCounters = new KafkaCounters(KafkaCounters.Role.SINK);
        long lastSeqBeforeRestart = 0;
        try (KafkaSource source = KafkaTestSupport.startSource(bootstrap,
            KafkaTestSupport.sourceSettings("r-events", null, null, 256), () -> engine[0], sourceCounters, aeron);
            KafkaSink sink = startSink(bootstrap, new SinkSettings("r-alerts", "r-windows", "r-late", KafkaFormat.JSON,
                "vigil-sink-restart", "vigil-sink-restart-position", 20_000_000L, 100, 64), sinkCounters))
        {
            for (int half = 0; half < 2; half++)
            {
                try (Aeron liveAeron = Aeron.connect(
                    new Aeron.Context().aeronDirectoryName(engine[0].engine().aeronDirectoryName()));
                    AlertSubscriber liveStream = new AlertSubscriber(
                        liveAeron, engine[0].alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID))
                {
                    if (half == 1)
                    {
                        live.restarted();
                        KafkaTestSupport.produce(bootstrap, "r-events", secondHalf);
                    }
                    final long expectedDecided = (half + 1) * (long)EVENTS / 2;
                    final long outputsBefore = live.byPosition.size();
                    // A restarted engine's counters start with what its replay of the journal counted.
                    final long madeByReplay = outputsMade(engine[0]);
                    KafkaTestSupport.runUntil(() ->
                    {
                        source.doWork();
                        sink.doWork();
                        liveStream.poll(live, 100);
                    }, () -> sourceCounters.get(KafkaCounters.Counter.SOURCE_DECIDED) == expectedDecided &&
                        live.byPosition.size() - outputsBefore == outputsMade(engine[0]) - madeByReplay &&
                        sinkCounters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT) == live.byPosition.size(), 60_000);
                }
                if (half == 0)
                {
                    // A clean stop: everything answered was published; the next engine replays the journal.
                    engine[0].close();
                    lastSeqBeforeRestart = lastJournalSequence();
                    engine[0] = EngineHarness.start(dataDir);
                }
            }
            sink.flush();
        }
        finally
        {
            engine[0].close();
        }
        assertTrue(live.afterRestart > 0 && live.firstSeqAfterRestart > lastSeqBeforeRestart, "the restarted engine " +
            "published nothing for the inputs it replayed (up to engine seq " + lastSeqBeforeRestart + "), only for " +
            "new ones: " + live.firstSeqAfterRestart);
        final TreeMap<String, String> delivered = new TreeMap<>();
        for (final String topic : List.of("r-alerts", "r-windows", "r-late"))
        {
            for (final ConsumerRecord<byte[], byte[]> output : KafkaTestSupport.readCommitted(bootstrap, topic))
            {
                assertEquals(null, delivered.put(position(
                    Long.parseLong(header(output, KafkaSink.ENGINE_SEQ_HEADER)),
                    Long.parseLong(header(output, KafkaSink.ORDINAL_HEADER))), text(output.value())));
            }
        }
        assertEquals(live.byPosition, delivered);
    }

    private static void assertDecidedOnce(final String bootstrap)
    {
        final Map<String, Integer> decisions = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> decision : KafkaTestSupport.readCommitted(bootstrap, "decisions"))
        {
            decisions.merge(text(decision.key()), 1, Integer::sum);
        }
        assertEquals(EVENTS, decisions.size());
        decisions.forEach((key, count) -> assertEquals(1, count, "decisions of " + key));
    }

    private static void assertDeliveredOnce(final String bootstrap, final LiveOutputs live)
    {
        final TreeMap<String, String> delivered = new TreeMap<>();
        for (final String topic : List.of("alerts", "windows", "late"))
        {
            for (final ConsumerRecord<byte[], byte[]> output : KafkaTestSupport.readCommitted(bootstrap, topic))
            {
                final String position = position(Long.parseLong(header(output, KafkaSink.ENGINE_SEQ_HEADER)),
                    Long.parseLong(header(output, KafkaSink.ORDINAL_HEADER)));
                assertEquals(null, delivered.put(position, text(output.value())), "delivered twice: " + position);
            }
        }
        assertTrue(live.byPosition.size() > 100, "outputs of every kind: " + live.byPosition.size());
        assertTrue(live.windows > 0 && live.late > 0, "window results " + live.windows + ", late " + live.late);
        assertEquals(live.byPosition, delivered);
    }

    /**
     * @return outputs a sink has taken into its open transaction.
     */
    private static long uncommitted(final KafkaCounters counters)
    {
        final long taken = counters.get(KafkaCounters.Counter.SINK_ALERTS_IN) +
            counters.get(KafkaCounters.Counter.SINK_WINDOWS_IN) + counters.get(KafkaCounters.Counter.SINK_LATE_IN);
        return taken - counters.get(KafkaCounters.Counter.SINK_SKIPPED) -
            counters.get(KafkaCounters.Counter.SINK_NOT_ROUTED) - counters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT);
    }

    private KafkaSink startSink(final String bootstrap, final SinkSettings settings, final KafkaCounters counters)
    {
        return KafkaSink.start(bootstrap, settings, Map.of(),
            new JournalFeed(engineConfig, dataDir.resolve("journal")), counters, SystemNanoClock.INSTANCE);
    }

    private long lastJournalSequence()
    {
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal"), 1))
        {
            while (reader.poll((engineSeq, receiveTimeNs, buffer, offset, length) -> { }, 4096) > 0)
            {
                assertEquals(JournalReader.StopReason.NONE, reader.stopReason());
            }
            return reader.lastSequence();
        }
    }

    /**
     * @return alerts, window results and late events the engine has counted since it started.
     */
    private static long outputsMade(final EngineHarness engine)
    {
        long expected = engine.engine().counters().get(ALERTS_RAISED).get();
        for (final CounterMetric metric : engine.engine().counters().metrics())
        {
            if (metric.family().equals("vigil_window_results_total") ||
                metric.family().equals("vigil_window_late_events_total"))
            {
                expected += metric.value();
            }
        }
        return expected;
    }

    /**
     * Every output the engine has counted is on the live stream and committed by the sinks.
     */
    private static boolean allOutputsCommitted(
        final EngineHarness engine, final LiveOutputs live, final long committed)
    {
        final long expected = outputsMade(engine);
        return live.byPosition.size() == expected && committed == expected;
    }

    private static String event(final int i)
    {
        final long eventTimeNs = i == EVENTS - 2 ? BASE_TIME_NS : BASE_TIME_NS + i * 5 * SECOND_NS;
        if (i % 10 == 9)
        {
            return "{\"event_time\":" + eventTimeNs + ",\"type\":\"order\",\"account\":" + (i % 13) +
                ",\"instrument\":" + (i % 3) + ",\"side\":\"buy\",\"price\":" + (100 + i % 5) + ",\"quantity\":" +
                (10 + i) + "}";
        }
        return "{\"event_time\":" + eventTimeNs + ",\"type\":\"transaction\",\"account\":" + (i % 17) + ",\"card\":" +
            (100 + i % 17) + ",\"merchant\":" + (500 + i % 5) + ",\"amount\":" + (i % 11 == 4 ? 2_500_000 : 900 + i) +
            ",\"currency\":\"EUR\",\"country\":\"" + (i % 23 == 0 ? "FR" : "DE") + "\"}";
    }

    private static String position(final long engineSeq, final long ordinal)
    {
        return String.format("%012d/%03d", engineSeq, ordinal);
    }

    /**
     * The outputs as the live alert stream carries them, by position, in the sink's JSON.
     */
    private static final class LiveOutputs implements AlertListener
    {
        final TreeMap<String, String> byPosition = new TreeMap<>();
        private final OutputJson json = new OutputJson();
        private long lastSeq;
        private long ordinal;
        int windows;
        int late;
        long afterRestart;
        long firstSeqAfterRestart;

        @Override
        public void onAlert(final AlertDecoder alert)
        {
            add(alert.engineSeq(), json.alert(alert));
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            windows++;
            add(result.engineSeq(), json.windowResult(result));
        }

        @Override
        public void onLateEvent(final LateEventDecoder lateEvent)
        {
            late++;
            add(lateEvent.engineSeq(), json.lateEvent(lateEvent));
        }

        void restarted()
        {
            afterRestart = 0;
            firstSeqAfterRestart = 0;
        }

        private void add(final long engineSeq, final byte[] value)
        {
            if (afterRestart++ == 0)
            {
                firstSeqAfterRestart = engineSeq;
            }
            ordinal = engineSeq == lastSeq ? ordinal + 1 : 0;
            lastSeq = engineSeq;
            byPosition.put(position(engineSeq, ordinal), text(value));
        }
    }
}
