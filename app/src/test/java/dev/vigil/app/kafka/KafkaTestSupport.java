package dev.vigil.app.kafka;

import com.lmax.disruptor.EventHandler;
import dev.vigil.app.EngineHarness;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.rules.RulesHandler;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Topics, records and connectors for the Kafka tests, against a real broker; every wait bounded.
 */
final class KafkaTestSupport
{
    static final long SECOND_NS = 1_000_000_000L;
    static final long BASE_TIME_NS = 1_767_225_600L * SECOND_NS;
    /** Amounts above this are declined by {@code TestRules.amountThreshold(LARGE_AMOUNT)}. */
    static final long LARGE_AMOUNT = 100_000;

    private KafkaTestSupport()
    {
    }

    static void createTopic(final String bootstrap, final String topic, final int partitions)
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get();
        }
        catch (final InterruptedException | ExecutionException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param i the event's number.
     * @return a transaction as JSON, large (declined under the test threshold) for every seventh.
     */
    static String transaction(final int i)
    {
        return "{\"event_time\":" + (BASE_TIME_NS + i * SECOND_NS) + ",\"type\":\"transaction\",\"account\":" +
            (i % 50) + ",\"card\":" + (1000 + i % 50) + ",\"merchant\":" + (5000 + i % 7) + ",\"amount\":" +
            amount(i) + ",\"currency\":\"EUR\",\"country\":\"DE\"}";
    }

    static long amount(final int i)
    {
        return i % 7 == 3 ? 250_000 : 1_000 + i;
    }

    static void produce(final String bootstrap, final String topic, final List<ProducerRecord<byte[], byte[]>> records)
    {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer()))
        {
            for (final ProducerRecord<byte[], byte[]> record : records)
            {
                producer.send(record);
            }
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(
        final String topic, final int partition, final String key, final String value)
    {
        return new ProducerRecord<>(topic, partition, bytes(key), bytes(value));
    }

    static byte[] bytes(final String text)
    {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(final byte[] bytes)
    {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String header(final ConsumerRecord<byte[], byte[]> record, final String name)
    {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    /**
     * Every committed record of a topic, read with isolation.level=read_committed from the start to the end offsets
     * the broker reports now.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(final String bootstrap, final String topic)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic))
            {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadlineNs = System.nanoTime() + 30 * SECOND_NS;
            while (!reachedEnd(consumer, ends))
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("could not read " + topic + " to its end in 30 s");
                }
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean reachedEnd(
        final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> ends)
    {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet())
        {
            if (consumer.position(end.getKey()) < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    static SourceSettings sourceSettings(
        final String topic, final String decisionsTopic, final String deadLetterTopic, final int window)
    {
        return new SourceSettings(topic, KafkaFormat.JSON, decisionsTopic, deadLetterTopic, "vigil-source-" + topic,
            "vigil-source-" + topic, KafkaClientIds.DEFAULT_BASE, window, 2 * window, 50_000_000L, 10 * SECOND_NS,
            100_000_000L, 64);
    }

    /**
     * @param aeron the sessions' Aeron client, connected again to each engine the supplier gives.
     */
    static KafkaSource startSource(
        final String bootstrap, final SourceSettings settings, final Supplier<EngineHarness> engine,
        final KafkaCounters counters, final ReconnectingAeron aeron)
    {
        return KafkaSource.start(bootstrap, settings, Map.of(), clientId -> engine.get().clientContext(clientId)
            .aeron(aeron.client(engine.get().engine().aeronDirectoryName()))
            .connectTimeoutNs(5 * SECOND_NS), 1024, counters, SystemNanoClock.INSTANCE);
    }

    /**
     * Drive a connector's duty cycle until a condition holds.
     */
    static void runUntil(final Runnable dutyCycle, final BooleanSupplier condition, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            dutyCycle.run();
            Thread.yield();
        }
    }
    /**
     * Replay an engine's journal through a fresh rules stage and count, per client sequence, the evaluations of
     * transactions and orders: a record decided once is evaluated once, however often it was sent.
     */
    static Map<Long, Integer> evaluationsInJournal(final Path dataDir, final String rulesSetting)
    {
        final VigilConfig config = VigilConfig.builder().override(rulesSetting).set("rules.max.keys", "4096", "test")
            .build();
        final Map<Long, Integer> evaluations = new HashMap<>();
        replayEvaluations(dataDir, config, event -> evaluations.merge(event.clientSeq(), 1, Integer::sum));
        return evaluations;
    }

    /**
     * As {@link #evaluationsInJournal}, for several clients: per client id and sequence, as {@code "ID/SEQ"}.
     */
    static Map<String, Integer> evaluationsPerClientInJournal(final Path dataDir, final VigilConfig config)
    {
        final Map<String, Integer> evaluations = new HashMap<>();
        replayEvaluations(dataDir, config,
            event -> evaluations.merge(event.clientId() + "/" + event.clientSeq(), 1, Integer::sum));
        return evaluations;
    }

    private static void replayEvaluations(
        final Path dataDir, final VigilConfig config, final Consumer<RingEvent> evaluated)
    {
        final RulesHandler rules = new RulesStageContext(config).newHandler();
        final EventHandler<RingEvent> tally = (event, sequence, endOfBatch) ->
        {
            rules.onEvent(event, sequence, endOfBatch);
            if (event.rejectReason() == null && (event.templateId() == TransactionDecoder.TEMPLATE_ID ||
                event.templateId() == OrderDecoder.TEMPLATE_ID) && event.decisionEngineSeq() == event.engineSeq())
            {
                evaluated.accept(event);
            }
        };
        new JournalReplay(tally, 1024).replay(dataDir.resolve("journal"), 1);
    }
}
