package dev.vigil.app.kafka;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.EngineProcess;
import dev.vigil.app.VigilProcess;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.journal.JournalReader;
import io.aeron.Aeron;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static dev.vigil.app.kafka.KafkaTestSupport.BASE_TIME_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.SECOND_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.header;
import static dev.vigil.app.kafka.KafkaTestSupport.record;
import static dev.vigil.app.kafka.KafkaTestSupport.text;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The source and the sink as the command line runs them, each in a JVM of its own, killed with SIGKILL in the middle
 * of the run and started again; then the engine, also a JVM of its own, killed with SIGKILL under a running source and
 * sink and started again: every input decided once, every output on its topic once.
 */
@Tag("slow") // connector and engine JVMs started, some of them killed mid-stream
@Timeout(240)
class KafkaProcessKillTest
{
    private static final int EVENTS = 3_000;

    @TempDir
    static Path brokerDir;

    private static LocalKafkaBroker broker;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startBroker()
    {
        broker = LocalKafkaBroker.start(brokerDir);
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
    void connectorsKilledWithSigkillLoseAndRepeatNothing() throws Exception
    {
        final String bootstrap = broker.bootstrapServers();
        for (final String topic : List.of("in", "decisions", "alerts", "windows", "late"))
        {
            KafkaTestSupport.createTopic(bootstrap, topic, topic.equals("in") ? 2 : 1);
        }
        final List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            inputs.add(record("in", i % 2, "k" + i, event(i)));
        }
        KafkaTestSupport.produce(bootstrap, "in", inputs);

        try (EngineHarness engine = EngineHarness.start(dataDir);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.engine().aeronDirectoryName()));
            AlertSubscriber liveStream = new AlertSubscriber(
                aeron, engine.alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID);
            Topics topics = new Topics(bootstrap, ""))
        {
            final Positions live = new Positions();
            assertTrue(EngineHarness.await(liveStream::isConnected, () -> liveStream.poll(live, 10), 10_000));
            final Runnable work = () ->
            {
                liveStream.poll(live, 100);
                topics.poll();
            };

            VigilProcess source = VigilProcess.start(sourceArgs("", bootstrap, engine.engine().aeronDirectoryName(),
                engine.ingressChannel()));
            VigilProcess sink = VigilProcess.start(sinkArgs("", bootstrap, dataDir, null));
            await(() -> engine.engine().counters().get(EVENTS_EVALUATED).get() >= EVENTS / 3, work, source, sink);
            source.kill();
            await(() -> topics.outputs.size() >= 20, work, sink);
            sink.kill();

            source = VigilProcess.start(sourceArgs("", bootstrap, engine.engine().aeronDirectoryName(),
                engine.ingressChannel()));
            sink = VigilProcess.start(sinkArgs("", bootstrap, dataDir, null));
            await(() -> topics.decisions.size() == EVENTS && topics.outputs.size() == live.positions.size() &&
                engine.engine().counters().get(EVENTS_EVALUATED).get() == EVENTS, work, source, sink);
            assertEquals(0, source.terminate(), source.output());
            assertEquals(0, sink.terminate(), sink.output());
            topics.poll();

            assertEquals(EVENTS, engine.engine().counters().get(EVENTS_EVALUATED).get(), "each input evaluated once");
            assertEquals(0, topics.duplicates, "records written twice");
            assertEquals(EVENTS, topics.decisions.size());
            assertTrue(live.positions.size() > 100, "outputs: " + live.positions.size());
            assertEquals(live.positions, topics.outputs);
        }
    }

    @Test
    void engineKilledWithSigkillUnderRunningConnectorsLosesAndRepeatsNothing() throws Exception
    {
        final String bootstrap = broker.bootstrapServers();
        for (final String topic : List.of("in", "decisions", "alerts", "windows", "late"))
        {
            KafkaTestSupport.createTopic(bootstrap, "e-" + topic, topic.equals("in") ? 2 : 1);
        }
        final List<ProducerRecord<byte[], byte[]>> inputs = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++)
        {
            inputs.add(record("e-in", i % 2, "k" + i, event(i)));
        }
        KafkaTestSupport.produce(bootstrap, "e-in", inputs);

        final Positions published = new Positions();
        EngineProcess engine = EngineProcess.start(dataDir);
        try (Topics topics = new Topics(bootstrap, "e-"))
        {
            final VigilProcess source = VigilProcess.start(
                sourceArgs("e-", bootstrap, engine.aeronDir(), engine.ingressChannel()));
            final VigilProcess sink = VigilProcess.start(sinkArgs("e-", bootstrap, dataDir, engine.aeronDir()));
            try (source; sink)
            {
                try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.aeronDir()));
                    AlertSubscriber liveStream = new AlertSubscriber(
                        aeron, engine.alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID))
                {
                    // The engine's progress as it publishes, ahead of the source's commits: kill it a third in.
                    await(() -> published.lastSeq >= EVENTS / 3, () -> liveStream.poll(published, 100), source, sink);
                }
                engine.kill();
                final long killedAtSeq = published.lastSeq;
                System.out.println("killed the engine at engine seq " + killedAtSeq + " of " + EVENTS + " inputs");
                engine = EngineProcess.restart(engine, dataDir);
                published.restarted();

                try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(engine.aeronDir()));
                    AlertSubscriber liveStream = new AlertSubscriber(
                        aeron, engine.alertSubscriptionChannel(), AlertSubscriber.DEFAULT_STREAM_ID))
                {
                    final Runnable work = () ->
                    {
                        liveStream.poll(published, 100);
                        topics.poll();
                    };
                    await(() -> topics.decisions.size() == EVENTS, work, source, sink);
                    // Every input is decided and journaled: the journal holds every output there will be.
                    final Positions expected = outputsInJournal(dataDir);
                    await(() -> topics.outputs.size() >= expected.positions.size(), work, source, sink);
                    // Both connectors are rows of the restarted engine's vigil stat, the journal-fed sink through a
                    // client it connected for them.
                    awaitStatRows(dataDir, "kafka source e-in records in", "kafka sink e-alerts outputs out");
                    assertEquals(0, source.terminate(), source.output());
                    assertEquals(0, sink.terminate(), sink.output());
                    topics.poll();

                    assertEquals(0, topics.duplicates, "records written twice");
                    assertEquals(EVENTS, topics.decisions.size());
                    assertTrue(expected.positions.size() > 100, "outputs: " + expected.positions.size());
                    assertEquals(expected.positions, topics.outputs, "every output once, none missing");
                    // A restarted engine publishes no outputs of the inputs it replays: these are of inputs it
                    // decided, so the kill left inputs undecided.
                    assertFalse(published.afterRestart.isEmpty(), "killed at " + killedAtSeq + " with nothing left");
                    published.positions.forEach((position, json) ->
                        assertEquals(json, topics.outputs.get(position), "as published: " + position));
                }
            }
            assertEquals(0, engine.terminate(), engine.output());
        }
        finally
        {
            engine.close();
        }
        final Map<String, Integer> evaluations =
            KafkaTestSupport.evaluationsPerClientInJournal(dataDir, engineConfig());
        assertEquals(EVENTS, evaluations.size(), "every input evaluated, by the journal");
        evaluations.forEach((input, count) -> assertEquals(1, count, "evaluations of " + input));
    }

    private static List<String> sourceArgs(
        final String prefix, final String bootstrap, final String aeronDir, final String ingressChannel)
    {
        return List.of("kafka", "source", "--bootstrap", bootstrap, "--topic", prefix + "in", "--decisions-topic",
            prefix + "decisions", "--commit-interval", "20ms", "--stats-interval", "0s",
            // Bounded, so that the kills land mid-stream however fast the host runs the rest: 3 s for every event.
            "--max-rate", "1000",
            "--set", "aeron.dir=" + aeronDir,
            "--set", "ingress.channel=" + ingressChannel,
            "--set", "rules.max.keys=4096");
    }

    /**
     * @param aeronDir the engine's Aeron directory, for the sink's rows of vigil stat; null for none.
     */
    private static List<String> sinkArgs(
        final String prefix, final String bootstrap, final Path dataDir, final String aeronDir)
    {
        final List<String> args = new ArrayList<>(List.of("kafka", "sink", "--bootstrap", bootstrap,
            "--alerts-topic", prefix + "alerts", "--windows-topic", prefix + "windows", "--late-topic", prefix + "late",
            "--data-dir", dataDir.toString(), "--commit-interval", "20ms", "--max-batch", "50",
            "--stats-interval", "0s", "--set", "rules.max.keys=4096"));
        if (aeronDir != null)
        {
            args.addAll(List.of("--set", "aeron.dir=" + aeronDir));
        }
        return args;
    }

    /**
     * The state-shaping settings of the engines and sinks these tests start.
     */
    private static VigilConfig engineConfig()
    {
        return VigilConfig.builder().set("rules.max.keys", "4096", "test").build();
    }

    /**
     * Every output of the journal's inputs, rebuilt as the journal-fed sink does, by position.
     */
    private static Positions outputsInJournal(final Path dataDir)
    {
        final long lastSeq;
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal"), 1))
        {
            while (reader.poll((engineSeq, receiveTimeNs, buffer, offset, length) -> { }, 4096) > 0)
            {
                assertEquals(JournalReader.StopReason.NONE, reader.stopReason());
            }
            lastSeq = reader.lastSequence();
        }
        final Positions outputs = new Positions();
        try (JournalFeed feed = new JournalFeed(engineConfig(), dataDir.resolve("journal")))
        {
            while (feed.lastSequence() < lastSeq)
            {
                assertTrue(feed.poll(outputs, 4096) > 0, "journal read up to " + feed.lastSequence());
            }
        }
        return outputs;
    }

    /**
     * Run {@code vigil stat --once} until its output has every row named, for a bounded time.
     */
    private static void awaitStatRows(final Path dataDir, final String... labels) throws Exception
    {
        final long deadlineNs = System.nanoTime() + 60 * SECOND_NS;
        String stat = "";
        while (System.nanoTime() < deadlineNs)
        {
            try (VigilProcess process = VigilProcess.start(List.of("stat", "--once", "--data-dir", dataDir.toString())))
            {
                assertEquals(0, process.waitFor(60_000), process.output());
                stat = process.output();
            }
            boolean all = true;
            for (final String label : labels)
            {
                all &= stat.contains("  " + label + " ");
            }
            if (all)
            {
                return;
            }
        }
        throw new AssertionError("rows " + List.of(labels) + " not in vigil stat within 60 s:\n" + stat);
    }

    private static void await(final BooleanSupplier condition, final Runnable work, final VigilProcess... running)
    {
        final long deadlineNs = System.nanoTime() + 90 * SECOND_NS;
        while (!condition.getAsBoolean())
        {
            for (final VigilProcess connector : running)
            {
                assertTrue(System.nanoTime() < deadlineNs, () -> "not in 90 s: " + connector.output());
                assertTrue(connector.isAlive(), () -> "ended: " + connector.exit() + connector.output());
            }
            work.run();
        }
    }

    private static String event(final int i)
    {
        final long eventTimeNs = BASE_TIME_NS + i * 2 * SECOND_NS;
        if (i % 10 == 9)
        {
            return "{\"event_time\":" + eventTimeNs + ",\"type\":\"order\",\"account\":" + (i % 13) +
                ",\"instrument\":" + (i % 3) + ",\"side\":\"sell\",\"price\":" + (100 + i % 5) + ",\"quantity\":" +
                (10 + i) + "}";
        }
        return "{\"event_time\":" + eventTimeNs + ",\"type\":\"transaction\",\"account\":" + (i % 17) +
            ",\"card\":" + (100 + i % 17) + ",\"merchant\":" + (500 + i % 5) + ",\"amount\":" +
            (i % 11 == 4 ? 2_500_000 : 900 + i) + ",\"currency\":\"EUR\",\"country\":\"DE\"}";
    }

    private static String position(final long engineSeq, final long ordinal)
    {
        return String.format("%012d/%03d", engineSeq, ordinal);
    }

    /**
     * What the committed topics hold so far, read with isolation.level=read_committed as it arrives.
     */
    private static final class Topics implements AutoCloseable
    {
        final Map<String, Integer> decisions = new HashMap<>();
        final TreeMap<String, String> outputs = new TreeMap<>();
        int duplicates;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String decisionsTopic;

        /**
         * @param prefix of the topics' names.
         */
        Topics(final String bootstrap, final String prefix)
        {
            consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : List.of("decisions", "alerts", "windows", "late"))
            {
                partitions.add(new TopicPartition(prefix + topic, 0));
            }
            decisionsTopic = prefix + "decisions";
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll()
        {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50)))
            {
                if (record.topic().equals(decisionsTopic))
                {
                    if (decisions.merge(text(record.key()), 1, Integer::sum) > 1)
                    {
                        duplicates++;
                    }
                }
                else if (outputs.put(position(Long.parseLong(header(record, KafkaSink.ENGINE_SEQ_HEADER)),
                    Long.parseLong(header(record, KafkaSink.ORDINAL_HEADER))), text(record.value())) != null)
                {
                    duplicates++;
                }
            }
        }

        @Override
        public void close()
        {
            consumer.close();
        }
    }

    /**
     * Outputs by position, in the sink's JSON: from the live alert stream, or rebuilt from the journal.
     */
    private static final class Positions implements AlertListener, SinkFeed.Handler
    {
        final TreeMap<String, String> positions = new TreeMap<>();
        final List<String> afterRestart = new ArrayList<>();
        private final OutputJson json = new OutputJson();
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final AlertDecoder alert = new AlertDecoder();
        private final WindowResultDecoder windowResult = new WindowResultDecoder();
        private final LateEventDecoder lateEvent = new LateEventDecoder();
        long lastSeq;
        private boolean restarted;
        private long ordinal;

        /**
         * What follows is published by a restarted engine.
         */
        void restarted()
        {
            restarted = true;
        }

        @Override
        public void onAlert(final AlertDecoder alert)
        {
            add(alert.engineSeq(), json.alert(alert));
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            add(result.engineSeq(), json.windowResult(result));
        }

        @Override
        public void onLateEvent(final LateEventDecoder lateEvent)
        {
            add(lateEvent.engineSeq(), json.lateEvent(lateEvent));
        }

        @Override
        public void onOutput(final long engineSeq, final DirectBuffer buffer, final int offset, final int length)
        {
            header.wrap(buffer, offset);
            switch (header.templateId())
            {
                case AlertDecoder.TEMPLATE_ID -> onAlert(alert.wrapAndApplyHeader(buffer, offset, header));
                case WindowResultDecoder.TEMPLATE_ID ->
                    onWindowResult(windowResult.wrapAndApplyHeader(buffer, offset, header));
                case LateEventDecoder.TEMPLATE_ID -> onLateEvent(lateEvent.wrapAndApplyHeader(buffer, offset, header));
                default -> throw new AssertionError("not an output: template " + header.templateId());
            }
        }

        private void add(final long engineSeq, final byte[] value)
        {
            ordinal = engineSeq == lastSeq ? ordinal + 1 : 0;
            lastSeq = engineSeq;
            final String position = position(engineSeq, ordinal);
            positions.put(position, text(value));
            if (restarted)
            {
                afterRestart.add(position);
            }
        }
    }
}
