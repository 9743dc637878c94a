package dev.vigil.app.kafka;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes the engine's outputs — alerts, window results, late events — to Kafka topics with a transactional producer,
 * each output once. Every output has a position: the engine sequence of the input that emitted it and its ordinal
 * among that input's outputs (the engine emits them in a fixed order). Each transaction commits, with its outputs,
 * the position of its last one, as the committed offset of a consumer group of the sink's own (offset = the engine
 * sequence, metadata = both numbers). A started sink reads that position and drops every output at or below it, so
 * outputs committed before a crash are not written again, and outputs of an aborted transaction are written again.
 * <p>
 * Whether every output reaches Kafka depends on the feed: the journal gives every output, whenever it is read; the
 * live alert stream only what it publishes while the sink listens. One thread drives it by calling {@link #doWork()}.
 */
public final class KafkaSink implements AutoCloseable, SinkFeed.Handler
{
    /** Header of every output: the engine sequence of the input that emitted it. */
    public static final String ENGINE_SEQ_HEADER = "vigil-engine-seq";
    /** Header of every output: its ordinal among the outputs of that input, from 0. */
    public static final String ORDINAL_HEADER = "vigil-output-ordinal";

    private static final String POSITION_PREFIX = "vigil-sink-position v1 ";
    private static final long GAUGE_INTERVAL_NS = 1_000_000_000L;

    private final SinkSettings settings;
    private final SinkFeed feed;
    private final KafkaCounters counters;
    private final NanoClock clock;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> positionStore;
    private final ConsumerGroupMetadata groupMetadata;
    private final TopicPartition positionPartition;
    private final OutputJson json = new OutputJson();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final AlertDecoder alert = new AlertDecoder();
    private final WindowResultDecoder windowResult = new WindowResultDecoder();
    private final LateEventDecoder lateEvent = new LateEventDecoder();
    private long committedSeq;
    private long committedOrdinal = -1;
    private long currentSeq;
    private long currentOrdinal;
    private long lastSeq;
    private long lastOrdinal;
    private boolean inTransaction;
    private long transactionStartNs;
    private int pending;
    private long nowNs;
    private long nextGaugeNs;
    private boolean closed;

    private KafkaSink(
        final String bootstrapServers,
        final SinkSettings settings,
        final Map<String, Object> kafkaProperties,
        final SinkFeed feed,
        final KafkaCounters counters,
        final NanoClock clock)
    {
        this.settings = settings;
        this.feed = feed;
        this.counters = counters;
        this.clock = clock;
        this.positionPartition = new TopicPartition(settings.alertsTopic(), 0);
        KafkaProducer<byte[], byte[]> newProducer = null;
        KafkaConsumer<byte[], byte[]> newConsumer = null;
        try
        {
            newProducer = new KafkaProducer<>(producerProperties(bootstrapServers, settings, kafkaProperties),
                new ByteArraySerializer(), new ByteArraySerializer());
            // Fences an earlier sink with this transactional id and ends its open transaction, so the position read
            // below is the last one committed.
            newProducer.initTransactions();
            newConsumer = new KafkaConsumer<>(consumerProperties(bootstrapServers, settings, kafkaProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            if (newConsumer.partitionsFor(settings.alertsTopic()).isEmpty())
            {
                throw new KafkaConnectorException("topic " + settings.alertsTopic() + " does not exist");
            }
            readPosition(newConsumer.committed(Set.of(positionPartition)).get(positionPartition));
            this.groupMetadata = newConsumer.groupMetadata();
            this.producer = newProducer;
            this.positionStore = newConsumer;
        }
        catch (final RuntimeException ex)
        {
            if (newConsumer != null)
            {
                newConsumer.close(CloseOptions.timeout(Duration.ZERO));
            }
            if (newProducer != null)
            {
                newProducer.close(Duration.ZERO);
            }
            throw ex;
        }
        counters.set(KafkaCounters.Counter.SINK_POSITION, committedSeq);
    }

    /**
     * Connect to Kafka, fence an earlier sink with the same transactional id, and read the committed position.
     *
     * @param bootstrapServers Kafka's bootstrap servers.
     * @param settings         how to run.
     * @param kafkaProperties  more producer and consumer properties, e.g. security settings.
     * @param feed             where the outputs come from; closed with the sink.
     * @param counters         where to count.
     * @param clock            the time.
     * @return the sink, ready for {@link #doWork()}.
     */
    public static KafkaSink start(
        final String bootstrapServers,
        final SinkSettings settings,
        final Map<String, Object> kafkaProperties,
        final SinkFeed feed,
        final KafkaCounters counters,
        final NanoClock clock)
    {
        return new KafkaSink(bootstrapServers, settings, kafkaProperties, feed, counters, clock);
    }

    /**
     * @return the engine sequence of the last output committed; 0 before any.
     */
    public long committedSeq()
    {
        return committedSeq;
    }

    /**
     * @return the feed, as the status line names it.
     */
    public String describeFeed()
    {
        return feed.describe();
    }

    /**
     * One duty cycle: take outputs from the feed into the open transaction, and commit it when it is full, old
     * enough, or the feed has nothing more for now.
     *
     * @return work done; 0 when there was nothing to do.
     * @throws KafkaConnectorException when the sink cannot go on (fenced by another sink, not authorised).
     */
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = 0;
        try
        {
            work = feed.poll(this, settings.pollLimit());
            if (inTransaction && (work == 0 || pending >= settings.maxBatch() ||
                nowNs - transactionStartNs >= settings.commitIntervalNs()))
            {
                commit();
                work++;
            }
        }
        catch (final ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException |
            UnsupportedVersionException | AuthorizationException ex)
        {
            throw new KafkaConnectorException("cannot write: " + ex.getMessage() + " (another sink with " +
                "transactional.id " + settings.transactionalId() + " may have taken over)", ex);
        }
        catch (final KafkaException ex)
        {
            onFailedTransaction(ex);
            work++;
        }
        if (nowNs >= nextGaugeNs)
        {
            nextGaugeNs = nowNs + GAUGE_INTERVAL_NS;
            updateGauges();
        }
        return work;
    }

    /**
     * Commit the open transaction: a clean stop.
     */
    public void flush()
    {
        if (inTransaction)
        {
            commit();
        }
        updateGauges();
    }

    private void updateGauges()
    {
        counters.set(KafkaCounters.Counter.SINK_PENDING, pending);
        if (feed instanceof JournalFeed)
        {
            counters.set(KafkaCounters.Counter.SINK_JOURNAL_SEQ, ((JournalFeed)feed).lastSequence());
        }
    }

    /**
     * Release Kafka and the feed without committing the open transaction: a new sink writes its outputs again, as
     * after a crash.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        feed.close();
        positionStore.close(CloseOptions.timeout(Duration.ZERO));
        producer.close(Duration.ZERO);
    }

    @Override
    public void onOutput(final long engineSeq, final DirectBuffer buffer, final int offset, final int length)
    {
        if (engineSeq != currentSeq)
        {
            currentSeq = engineSeq;
            currentOrdinal = 0;
        }
        else
        {
            currentOrdinal++;
        }
        header.wrap(buffer, offset);
        final int templateId = header.templateId();
        final String topic;
        final long key;
        final byte[] json;
        switch (templateId)
        {
            case AlertDecoder.TEMPLATE_ID ->
            {
                counters.increment(KafkaCounters.Counter.SINK_ALERTS_IN);
                topic = settings.alertsTopic();
                alert.wrapAndApplyHeader(buffer, offset, header);
                key = alert.key();
                json = settings.format() == KafkaFormat.JSON ? this.json.alert(alert) : null;
            }
            case WindowResultDecoder.TEMPLATE_ID ->
            {
                counters.increment(KafkaCounters.Counter.SINK_WINDOWS_IN);
                topic = settings.windowsTopic();
                windowResult.wrapAndApplyHeader(buffer, offset, header);
                key = windowResult.key();
                json = settings.format() == KafkaFormat.JSON && topic != null ?
                    this.json.windowResult(windowResult) : null;
            }
            case LateEventDecoder.TEMPLATE_ID ->
            {
                counters.increment(KafkaCounters.Counter.SINK_LATE_IN);
                topic = settings.lateTopic();
                lateEvent.wrapAndApplyHeader(buffer, offset, header);
                key = lateEvent.key();
                json = settings.format() == KafkaFormat.JSON && topic != null ? this.json.lateEvent(lateEvent) : null;
            }
            default ->
            {
                return;
            }
        }
        if (engineSeq < committedSeq || (engineSeq == committedSeq && currentOrdinal <= committedOrdinal))
        {
            counters.increment(KafkaCounters.Counter.SINK_SKIPPED);
            return;
        }
        if (topic == null)
        {
            counters.increment(KafkaCounters.Counter.SINK_NOT_ROUTED);
            return;
        }
        final byte[] value;
        if (json != null)
        {
            value = json;
        }
        else
        {
            value = new byte[length];
            buffer.getBytes(offset, value);
        }
        if (!inTransaction)
        {
            producer.beginTransaction();
            inTransaction = true;
            transactionStartNs = nowNs;
        }
        final RecordHeaders headers = new RecordHeaders();
        headers.add(ENGINE_SEQ_HEADER, Long.toString(engineSeq).getBytes(StandardCharsets.US_ASCII));
        headers.add(ORDINAL_HEADER, Long.toString(currentOrdinal).getBytes(StandardCharsets.US_ASCII));
        producer.send(new ProducerRecord<>(topic, null,
            Long.toUnsignedString(key).getBytes(StandardCharsets.US_ASCII), value, headers));
        pending++;
        lastSeq = engineSeq;
        lastOrdinal = currentOrdinal;
    }

    private void commit()
    {
        producer.sendOffsetsToTransaction(Map.of(positionPartition,
            new OffsetAndMetadata(lastSeq, POSITION_PREFIX + lastSeq + " " + lastOrdinal)), groupMetadata);
        producer.commitTransaction();
        inTransaction = false;
        committedSeq = lastSeq;
        committedOrdinal = lastOrdinal;
        counters.add(KafkaCounters.Counter.SINK_OUTPUTS_OUT, pending);
        counters.increment(KafkaCounters.Counter.SINK_COMMITS);
        counters.set(KafkaCounters.Counter.SINK_POSITION, committedSeq);
        pending = 0;
    }

    private void onFailedTransaction(final KafkaException failure)
    {
        counters.increment(KafkaCounters.Counter.SINK_COMMITS_FAILED);
        if (inTransaction)
        {
            try
            {
                producer.abortTransaction();
            }
            catch (final KafkaException | IllegalStateException abortFailure)
            {
                throw new KafkaConnectorException("cannot abort the failed transaction: " +
                    abortFailure.getMessage(), abortFailure);
            }
        }
        inTransaction = false;
        final int lost = pending;
        pending = 0;
        if (feed.rewind())
        {
            currentSeq = 0;
            System.err.println("vigil kafka sink: a transaction failed (" + failure.getMessage() + "); reading " +
                feed.describe() + " again from the start, past engine seq " + committedSeq);
        }
        else
        {
            System.err.println("vigil kafka sink: a transaction failed (" + failure.getMessage() + "); its " + lost +
                " output(s) are lost: " + feed.describe() + " cannot be read again");
        }
    }

    private void readPosition(final OffsetAndMetadata stored)
    {
        if (stored == null)
        {
            return;
        }
        final String metadata = stored.metadata();
        if (metadata == null || !metadata.startsWith(POSITION_PREFIX))
        {
            throw new KafkaConnectorException("consumer group " + settings.positionGroup() + " holds offset " +
                stored.offset() + " for " + positionPartition + " without a sink position in its metadata ('" +
                metadata + "'); is the group used by something else?");
        }
        final String[] numbers = metadata.substring(POSITION_PREFIX.length()).split(" ");
        try
        {
            committedSeq = Long.parseLong(numbers[0]);
            committedOrdinal = Long.parseLong(numbers[1]);
        }
        catch (final RuntimeException ex)
        {
            throw new KafkaConnectorException("consumer group " + settings.positionGroup() + ": unreadable sink " +
                "position '" + metadata + "'", ex);
        }
    }

    private static Map<String, Object> producerProperties(
        final String bootstrapServers, final SinkSettings settings, final Map<String, Object> extra)
    {
        final Map<String, Object> props = new HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-sink-" + settings.transactionalId());
        return props;
    }

    private static Map<String, Object> consumerProperties(
        final String bootstrapServers, final SinkSettings settings, final Map<String, Object> extra)
    {
        final Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.positionGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-sink-position-" + settings.transactionalId());
        return props;
    }
}
