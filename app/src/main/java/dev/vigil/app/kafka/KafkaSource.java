package dev.vigil.app.kafka;

import dev.vigil.client.VigilClient;
import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Feeds a Kafka topic to the engine, each record decided exactly once: every partition is one engine client
 * ({@link KafkaClientIds}) and every record goes out under client sequence offset + 1. Offsets are committed only
 * for records whose answer has arrived — in the same Kafka transaction as the decisions and dead letters written for
 * them, when the source writes any. After a crash the source reads again from the committed offsets and sends those
 * records again; the engine answers each one it decided before from its retry table, with the same decision, so none
 * is decided twice and none is lost.
 * <p>
 * The consumer reads with {@code isolation.level=read_committed} and never commits by itself. A partition is paused
 * while {@link SourceSettings#maxBuffered()} of its records wait (for the engine, or for a commit to move its window
 * on), so a slow engine or a slow broker slows the source down instead of filling its memory. Records that are not
 * events, and records the engine refuses, are counted and sent to the dead-letter topic with the reason in headers.
 * <p>
 * Every partition is a source of event time for the engine's watermark (the minimum over its sources), and a
 * source counts from its first event on. So that no partition's events run ahead before the others have counted,
 * a starting source sends each partition's first record alone, and the rest once those are decided; a partition
 * with nothing to read within {@link #PRIMING_TIMEOUT_NS} of the start does not hold the others back.
 * <p>
 * One thread drives it by calling {@link #doWork()}.
 */
public final class KafkaSource implements AutoCloseable
{
    /** Header of a dead letter: why the record was not decided. */
    public static final String ERROR_REASON_HEADER = "vigil-error-reason";
    /** Header of a dead letter: what exactly was wrong. */
    public static final String ERROR_MESSAGE_HEADER = "vigil-error-message";
    /** Header of a decision or dead letter: the input record's topic. */
    public static final String SOURCE_TOPIC_HEADER = "vigil-source-topic";
    /** Header of a decision or dead letter: the input record's partition. */
    public static final String SOURCE_PARTITION_HEADER = "vigil-source-partition";
    /** Header of a decision or dead letter: the input record's offset. */
    public static final String SOURCE_OFFSET_HEADER = "vigil-source-offset";

    /** How long a start waits for every partition's first record before the others begin without it. */
    public static final long PRIMING_TIMEOUT_NS = 2_000_000_000L;

    private static final long GAUGE_INTERVAL_NS = 1_000_000_000L;
    private static final Duration IDLE_POLL = Duration.ofMillis(10);
    private static final long DRAIN_IDLE_NS = 1_000_000;

    private final SourceSettings settings;
    private final KafkaCounters counters;
    private final NanoClock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConsumerGroupMetadata groupMetadata;
    private final Map<Integer, SourcePartition> partitions = new HashMap<>();
    private final List<SourcePartition> partitionList = new ArrayList<>();
    private final EventRecordReader reader;
    private final UnsafeBuffer frameBuffer;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SendRate sendRate;
    private int firstPartition;
    private long lastCommitNs;
    private long nextGaugeNs;
    private final long startNs;
    private boolean primed;
    private boolean draining;
    private boolean closed;

    private KafkaSource(
        final String bootstrapServers,
        final SourceSettings settings,
        final Map<String, Object> kafkaProperties,
        final LongFunction<VigilClient.Context> clientContexts,
        final int maxFrameLength,
        final KafkaCounters counters,
        final NanoClock clock)
    {
        this.settings = settings;
        this.sendRate = settings.maxRate() > 0 ? new SendRate(settings.maxRate()) : null;
        this.counters = counters;
        this.clock = clock;
        this.reader = new EventRecordReader(settings.format(), maxFrameLength);
        this.frameBuffer = new UnsafeBuffer(new byte[Math.max(maxFrameLength, VigilClient.MAX_ENCODED_EVENT_LENGTH)]);

        KafkaProducer<byte[], byte[]> newProducer = null;
        KafkaConsumer<byte[], byte[]> newConsumer = null;
        try
        {
            if (settings.transactional())
            {
                newProducer = new KafkaProducer<>(
                    producerProperties(bootstrapServers, settings.transactionalId(), kafkaProperties),
                    new ByteArraySerializer(), new ByteArraySerializer());
                // Fences an earlier source with this transactional id and ends its open transaction, so the offsets
                // read below are the last committed ones.
                newProducer.initTransactions();
            }
            newConsumer = new KafkaConsumer<>(
                consumerProperties(bootstrapServers, settings.groupId(), kafkaProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.producer = newProducer;
            this.consumer = newConsumer;
            this.groupMetadata = newConsumer.groupMetadata();
            assignPartitions(clientContexts);
            rewind();
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
        lastCommitNs = clock.nanoTime();
        startNs = lastCommitNs;
        for (final SourcePartition partition : partitionList)
        {
            partition.sendBudget(1);
        }
    }

    /**
     * Connect to Kafka, take every partition of the topic, and go back to its committed offsets. Sessions with the
     * engine open as records arrive.
     *
     * @param bootstrapServers Kafka's bootstrap servers.
     * @param settings         how to run.
     * @param kafkaProperties  more consumer and producer properties, e.g. security settings.
     * @param clientContexts   the engine client context for a client id.
     * @param maxFrameLength   the engine's {@code frame.max.length}.
     * @param counters         where to count.
     * @param clock            the time.
     * @return the source, ready for {@link #doWork()}.
     * @throws KafkaConnectorException when the topic has no partitions or more than the client ids cover.
     */
    public static KafkaSource start(
        final String bootstrapServers,
        final SourceSettings settings,
        final Map<String, Object> kafkaProperties,
        final LongFunction<VigilClient.Context> clientContexts,
        final int maxFrameLength,
        final KafkaCounters counters,
        final NanoClock clock)
    {
        return new KafkaSource(
            bootstrapServers, settings, kafkaProperties, clientContexts, maxFrameLength, counters, clock);
    }

    /**
     * @return the partitions' client ids, by partition.
     */
    public Map<Integer, Long> clientIds()
    {
        final Map<Integer, Long> ids = new HashMap<>();
        partitions.forEach((partition, state) -> ids.put(partition, state.clientId()));
        return ids;
    }

    /**
     * One duty cycle: read records, send them, take answers, commit what is done.
     *
     * @return work done; 0 when there was nothing to do.
     * @throws KafkaConnectorException when the source cannot go on (fenced by another source, not authorised).
     */
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = draining ? 0 : read();
        if (!primed)
        {
            primed = isPrimed(nowNs);
        }
        final int partitionCount = partitionList.size();
        final boolean bounded = primed && sendRate != null;
        // Under a bound the partitions share what it allows, each its part, starting one further each cycle: none
        // waits for another's backlog.
        final long share = bounded && partitionCount > 0 ? sendRate.share(nowNs, partitionCount) : 0;
        firstPartition = partitionCount == 0 ? 0 : (firstPartition + 1) % partitionCount;
        for (int n = 0; n < partitionCount; n++)
        {
            final SourcePartition partition = partitionList.get((firstPartition + n) % partitionCount);
            if (bounded)
            {
                final long allowed = Math.min(share, sendRate.available(nowNs));
                partition.sendBudget(allowed);
                work += partition.doWork(nowNs);
                sendRate.sent(allowed - partition.sendBudget());
            }
            else
            {
                work += partition.doWork(nowNs);
            }
        }
        work += commitIfDue(nowNs, false);
        if (nowNs >= nextGaugeNs)
        {
            nextGaugeNs = nowNs + GAUGE_INTERVAL_NS;
            updateGauges();
        }
        return work;
    }

    /**
     * Stop reading, wait until every record read has its answer, and commit them: a clean stop, after which a new
     * source sends nothing again.
     *
     * @param timeoutNs how long to wait for answers.
     * @return true when everything read was committed.
     */
    public boolean drain(final long timeoutNs)
    {
        draining = true;
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        while (clock.nanoTime() < deadlineNs)
        {
            if (doWork() == 0)
            {
                boolean allDone = true;
                for (final SourcePartition partition : partitionList)
                {
                    allDone &= partition.commitOffset() == lastOffsetPlusOne(partition);
                }
                if (allDone)
                {
                    commitIfDue(clock.nanoTime(), true);
                    updateGauges();
                    return allCommitted();
                }
                LockSupport.parkNanos(DRAIN_IDLE_NS);
            }
        }
        commitIfDue(clock.nanoTime(), true);
        updateGauges();
        return allCommitted();
    }

    /**
     * Release Kafka and the engine sessions without committing anything more; what was read and not committed is
     * read again by the next source, as after a crash.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final SourcePartition partition : partitionList)
        {
            partition.closeClient();
        }
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        if (producer != null)
        {
            producer.close(Duration.ZERO);
        }
    }

    /**
     * @return true once every partition has done its first record or has nothing to read, or the start is long
     * enough ago: then every partition sends without limit.
     */
    private boolean isPrimed(final long nowNs)
    {
        boolean ready = nowNs - startNs > PRIMING_TIMEOUT_NS;
        if (!ready)
        {
            ready = true;
            for (int i = 0; i < partitionList.size(); i++)
            {
                final SourcePartition partition = partitionList.get(i);
                ready &= partition.hasDoneARecord() || (partition.buffered() == 0 &&
                    consumer.currentLag(partition.topicPartition()).orElse(-1) == 0);
            }
        }
        if (ready)
        {
            for (int i = 0; i < partitionList.size(); i++)
            {
                partitionList.get(i).sendBudget(Long.MAX_VALUE);
            }
        }
        return ready;
    }

    private void assignPartitions(final LongFunction<VigilClient.Context> clientContexts)
    {
        final List<PartitionInfo> infos = consumer.partitionsFor(settings.topic());
        if (infos == null || infos.isEmpty())
        {
            throw new KafkaConnectorException("topic " + settings.topic() + " has no partitions (does it exist?)");
        }
        final List<TopicPartition> assigned = new ArrayList<>();
        for (final PartitionInfo info : infos)
        {
            if (info.partition() >= KafkaClientIds.MAX_PARTITIONS)
            {
                throw new KafkaConnectorException("topic " + settings.topic() + " has partition " + info.partition() +
                    "; the source maps partitions 0 to " + (KafkaClientIds.MAX_PARTITIONS - 1) + " to client ids");
            }
            final TopicPartition topicPartition = new TopicPartition(settings.topic(), info.partition());
            final SourcePartition partition = new SourcePartition(
                topicPartition,
                KafkaClientIds.clientId(settings.clientIdBase(), settings.topic(), info.partition()),
                clientContexts,
                settings,
                counters);
            partitions.put(info.partition(), partition);
            assigned.add(topicPartition);
        }
        assigned.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        for (final TopicPartition topicPartition : assigned)
        {
            partitionList.add(partitions.get(topicPartition.partition()));
        }
        consumer.assign(assigned);
    }

    /**
     * Go back to the committed offsets (the earliest where none is): every record after them is read again.
     */
    private void rewind()
    {
        final Map<TopicPartition, OffsetAndMetadata> committed =
            consumer.committed(new HashSet<>(consumer.assignment()));
        for (final SourcePartition partition : partitionList)
        {
            final TopicPartition topicPartition = partition.topicPartition();
            final OffsetAndMetadata offset = committed.get(topicPartition);
            if (offset == null)
            {
                consumer.seekToBeginning(List.of(topicPartition));
            }
            else
            {
                consumer.seek(topicPartition, offset.offset());
            }
            partition.resetTo(consumer.position(topicPartition));
            if (partition.isPaused())
            {
                consumer.resume(List.of(topicPartition));
                partition.paused(false);
            }
        }
    }

    private int read()
    {
        boolean waiting = false;
        for (int i = 0; i < partitionList.size(); i++)
        {
            waiting |= partitionList.get(i).buffered() > 0;
        }
        final ConsumerRecords<byte[], byte[]> records = consumer.poll(waiting ? Duration.ZERO : IDLE_POLL);
        for (final ConsumerRecord<byte[], byte[]> record : records)
        {
            final SourcePartition partition = partitions.get(record.partition());
            partition.add(parse(partition, record));
            counters.increment(KafkaCounters.Counter.SOURCE_RECORDS_IN);
        }
        pauseOrResume();
        return records.count();
    }

    private SourceRecord parse(final SourcePartition partition, final ConsumerRecord<byte[], byte[]> record)
    {
        final long clientSeq = record.offset() + 1;
        try
        {
            final int length = reader.read(record.value(), partition.clientId(), clientSeq, frameBuffer);
            final byte[] frame = new byte[length];
            frameBuffer.getBytes(0, frame);
            return new SourceRecord(record.offset(), record.key(), record.value(), record.headers(), frame,
                header.wrap(frameBuffer, 0).templateId() != HeartbeatDecoder.TEMPLATE_ID);
        }
        catch (final BadRecordException ex)
        {
            final SourceRecord bad =
                new SourceRecord(record.offset(), record.key(), record.value(), record.headers(), null, false);
            bad.bad(ex.reason(), ex.getMessage());
            counters.increment(switch (ex.reason())
            {
                case UNPARSEABLE -> KafkaCounters.Counter.SOURCE_BAD_UNPARSEABLE;
                case INVALID_EVENT -> KafkaCounters.Counter.SOURCE_BAD_INVALID_EVENT;
                case BAD_SBE -> KafkaCounters.Counter.SOURCE_BAD_SBE;
                case REJECTED -> KafkaCounters.Counter.SOURCE_BAD_REJECTED;
            });
            return bad;
        }
    }

    private void pauseOrResume()
    {
        for (int i = 0; i < partitionList.size(); i++)
        {
            final SourcePartition partition = partitionList.get(i);
            final int buffered = partition.buffered();
            if (!partition.isPaused() && buffered >= settings.maxBuffered())
            {
                consumer.pause(List.of(partition.topicPartition()));
                partition.paused(true);
            }
            else if (partition.isPaused() && buffered < settings.maxBuffered() / 2)
            {
                consumer.resume(List.of(partition.topicPartition()));
                partition.paused(false);
            }
        }
    }

    /**
     * Commit every partition's done records when the interval has passed, or at once when a partition's window is
     * half used or full: its sends wait for the commit.
     */
    private int commitIfDue(final long nowNs, final boolean now)
    {
        boolean progress = false;
        boolean pressing = now;
        for (int i = 0; i < partitionList.size(); i++)
        {
            final SourcePartition partition = partitionList.get(i);
            final long advance = partition.commitOffset() - partition.committedOffset();
            if (advance > 0)
            {
                progress = true;
                pressing |= advance >= settings.window() / 2 || partition.isWindowFull() || partition.isPaused();
            }
        }
        if (!progress || (!pressing && nowNs - lastCommitNs < settings.commitIntervalNs()))
        {
            return 0;
        }
        lastCommitNs = nowNs;
        commit();
        return 1;
    }

    private void commit()
    {
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (final SourcePartition partition : partitionList)
        {
            final long offset = partition.commitOffset();
            if (offset > partition.committedOffset())
            {
                offsets.put(partition.topicPartition(), new OffsetAndMetadata(offset));
            }
        }
        try
        {
            long decisions = 0;
            long deadLetters = 0;
            if (producer != null)
            {
                producer.beginTransaction();
                for (final SourcePartition partition : partitionList)
                {
                    final OffsetAndMetadata offset = offsets.get(partition.topicPartition());
                    if (offset != null)
                    {
                        decisions += produceOutputs(partition, offset.offset());
                        deadLetters += produceDeadLetters(partition, offset.offset());
                    }
                }
                producer.sendOffsetsToTransaction(offsets, groupMetadata);
                producer.commitTransaction();
            }
            else
            {
                consumer.commitSync(offsets);
            }
            for (final SourcePartition partition : partitionList)
            {
                final OffsetAndMetadata offset = offsets.get(partition.topicPartition());
                if (offset != null)
                {
                    partition.committed(offset.offset());
                }
            }
            counters.increment(KafkaCounters.Counter.SOURCE_COMMITS);
            counters.add(KafkaCounters.Counter.SOURCE_DECISIONS_OUT, decisions);
            counters.add(KafkaCounters.Counter.SOURCE_DEAD_LETTERS, deadLetters);
        }
        catch (final ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException |
            UnsupportedVersionException | AuthorizationException ex)
        {
            throw new KafkaConnectorException("cannot commit: " + ex.getMessage() +
                " (another source with transactional.id " + settings.transactionalId() + " may have taken over)", ex);
        }
        catch (final KafkaException ex)
        {
            counters.increment(KafkaCounters.Counter.SOURCE_COMMITS_FAILED);
            System.err.println("vigil kafka source: commit failed (" + ex.getMessage() +
                "); going back to the last committed offsets");
            if (producer != null)
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
                rewind();
            }
        }
    }

    private long produceOutputs(final SourcePartition partition, final long upToOffset)
    {
        if (settings.decisionsTopic() == null)
        {
            return 0;
        }
        long produced = 0;
        for (final SourceRecord record : partition.records())
        {
            if (record.offset >= upToOffset)
            {
                break;
            }
            if (record.decision != null)
            {
                producer.send(new ProducerRecord<>(settings.decisionsTopic(), null, record.key, record.decision,
                    sourceHeaders(partition, record)));
                produced++;
            }
        }
        return produced;
    }

    private long produceDeadLetters(final SourcePartition partition, final long upToOffset)
    {
        if (settings.deadLetterTopic() == null)
        {
            return 0;
        }
        long produced = 0;
        for (final SourceRecord record : partition.records())
        {
            if (record.offset >= upToOffset)
            {
                break;
            }
            if (record.badReason != null)
            {
                final RecordHeaders headers = new RecordHeaders();
                for (final Header header : record.headers)
                {
                    headers.add(header);
                }
                headers.add(ERROR_REASON_HEADER, record.badReason.name().getBytes(StandardCharsets.UTF_8));
                headers.add(ERROR_MESSAGE_HEADER, record.badMessage.getBytes(StandardCharsets.UTF_8));
                for (final Header header : sourceHeaders(partition, record))
                {
                    headers.add(header);
                }
                producer.send(new ProducerRecord<>(
                    settings.deadLetterTopic(), null, record.key, record.value, headers));
                produced++;
            }
        }
        return produced;
    }

    private static RecordHeaders sourceHeaders(final SourcePartition partition, final SourceRecord record)
    {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(SOURCE_TOPIC_HEADER, partition.topicPartition().topic().getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_PARTITION_HEADER,
            Integer.toString(partition.topicPartition().partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_OFFSET_HEADER, Long.toString(record.offset).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private boolean allCommitted()
    {
        for (final SourcePartition partition : partitionList)
        {
            if (partition.buffered() > 0)
            {
                return false;
            }
        }
        return true;
    }

    private static long lastOffsetPlusOne(final SourcePartition partition)
    {
        return partition.records().isEmpty() ? partition.committedOffset() : partition.records().peekLast().offset + 1;
    }

    private void updateGauges()
    {
        long inFlight = 0;
        long lag = 0;
        long paused = 0;
        for (final SourcePartition partition : partitionList)
        {
            inFlight += partition.buffered();
            paused += partition.isPaused() ? 1 : 0;
            lag += consumer.currentLag(partition.topicPartition()).orElse(0);
        }
        counters.set(KafkaCounters.Counter.SOURCE_IN_FLIGHT, inFlight);
        counters.set(KafkaCounters.Counter.SOURCE_LAG, lag);
        counters.set(KafkaCounters.Counter.SOURCE_PAUSED_PARTITIONS, paused);
    }

    private static Map<String, Object> consumerProperties(
        final String bootstrapServers, final String groupId, final Map<String, Object> extra)
    {
        final Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-source-" + groupId);
        return props;
    }

    private static Map<String, Object> producerProperties(
        final String bootstrapServers, final String transactionalId, final Map<String, Object> extra)
    {
        final Map<String, Object> props = new HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "vigil-source-" + transactionalId);
        return props;
    }
}
