package dev.vigil.app.kafka;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.cli.VigilMain;
import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import io.aeron.Aeron;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.vigil.app.kafka.KafkaTestSupport.BASE_TIME_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.SECOND_NS;
import static dev.vigil.app.kafka.KafkaTestSupport.header;
import static dev.vigil.app.kafka.KafkaTestSupport.record;
import static dev.vigil.app.kafka.KafkaTestSupport.text;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The source and the sink as the command line runs them, each in a JVM of its own, each killed with SIGKILL in the
 * middle of the run and started again: every input decided once, every output on its topic once.
 */
@Tag("slow") // four connector JVMs started, two of them killed mid-stream
@Timeout(180)
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
            Topics topics = new Topics(bootstrap))
        {
            final LivePositions live = new LivePositions();
            assertTrue(EngineHarness.await(liveStream::isConnected, () -> liveStream.poll(live, 10), 10_000));
            final Runnable work = () ->
            {
                liveStream.poll(live, 100);
                topics.poll();
            };

            Connector source = Connector.start(sourceArgs(bootstrap, engine));
            Connector sink = Connector.start(sinkArgs(bootstrap));
            await(() -> engine.engine().counters().get(EVENTS_EVALUATED).get() >= EVENTS / 3, work, source, sink);
            source.kill();
            await(() -> topics.outputs.size() >= 20, work, sink);
            sink.kill();

            source = Connector.start(sourceArgs(bootstrap, engine));
            sink = Connector.start(sinkArgs(bootstrap));
            await(() -> topics.decisions.size() == EVENTS && topics.outputs.size() == live.positions.size() &&
                engine.engine().counters().get(EVENTS_EVALUATED).get() == EVENTS, work, source, sink);
            assertEquals(0, source.stop(), source.output());
            assertEquals(0, sink.stop(), sink.output());
            topics.poll();

            assertEquals(EVENTS, engine.engine().counters().get(EVENTS_EVALUATED).get(), "each input evaluated once");
            assertEquals(0, topics.duplicates, "records written twice");
            assertEquals(EVENTS, topics.decisions.size());
            assertTrue(live.positions.size() > 100, "outputs: " + live.positions.size());
            assertEquals(live.positions, topics.outputs);
        }
    }

    private static List<String> sourceArgs(final String bootstrap, final EngineHarness engine)
    {
        return List.of("kafka", "source", "--bootstrap", bootstrap, "--topic", "in", "--decisions-topic",
            "decisions", "--commit-interval", "20ms", "--stats-interval", "0s",
            "--set", "aeron.dir=" + engine.engine().aeronDirectoryName(),
            "--set", "ingress.channel=" + engine.ingressChannel(),
            "--set", "rules.max.keys=4096");
    }

    private List<String> sinkArgs(final String bootstrap)
    {
        return List.of("kafka", "sink", "--bootstrap", bootstrap, "--alerts-topic", "alerts", "--windows-topic",
            "windows", "--late-topic", "late", "--data-dir", dataDir.toString(), "--commit-interval", "20ms",
            "--max-batch", "50", "--stats-interval", "0s", "--set", "rules.max.keys=4096");
    }

    private static void await(final BooleanSupplier condition, final Runnable work, final Connector... running)
    {
        final long deadlineNs = System.nanoTime() + 90 * SECOND_NS;
        while (!condition.getAsBoolean())
        {
            for (final Connector connector : running)
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

        Topics(final String bootstrap)
        {
            consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : List.of("decisions", "alerts", "windows", "late"))
            {
                partitions.add(new TopicPartition(topic, 0));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll()
        {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50)))
            {
                if (record.topic().equals("decisions"))
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
     * The live alert stream's outputs by position, in the sink's JSON.
     */
    private static final class LivePositions implements AlertListener
    {
        final TreeMap<String, String> positions = new TreeMap<>();
        private final OutputJson json = new OutputJson();
        private long lastSeq;
        private long ordinal;

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

        private void add(final long engineSeq, final byte[] value)
        {
            ordinal = engineSeq == lastSeq ? ordinal + 1 : 0;
            lastSeq = engineSeq;
            positions.put(position(engineSeq, ordinal), text(value));
        }
    }

    /**
     * A {@code vigil kafka} command in a JVM of its own, its output kept for failure messages.
     */
    private static final class Connector
    {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        private Connector(final Process process)
        {
            this.process = process;
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    for (String line; (line = in.readLine()) != null; )
                    {
                        lines.add(line);
                    }
                }
                catch (final IOException ex)
                {
                    lines.add("(output unreadable: " + ex + ")");
                }
            }, "connector-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Connector start(final List<String> args) throws IOException
        {
            final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx256m",
                "-Daeron.driver.timeout=" + System.getProperty("aeron.driver.timeout", "10000"),
                "-cp", System.getProperty("java.class.path"),
                VigilMain.class.getName()));
            command.addAll(args);
            if (Runtime.version().feature() >= 24)
            {
                command.add(1, "--enable-native-access=ALL-UNNAMED");
                command.add(2, "--sun-misc-unsafe-memory-access=allow");
            }
            return new Connector(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        boolean isAlive()
        {
            return process.isAlive();
        }

        void kill() throws InterruptedException
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }

        int stop() throws InterruptedException
        {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "did not stop on SIGTERM: " + output());
            return process.exitValue();
        }

        String exit()
        {
            return process.isAlive() ? "" : "exit " + process.exitValue() + "\n";
        }

        String output()
        {
            synchronized (lines)
            {
                return String.join("\n", lines);
            }
        }
    }
}
