package dev.vigil.app.kafka;

/**
 * How the Kafka source runs, as its command line sets it.
 *
 * @param topic            the input topic.
 * @param format           how input records and written decisions are encoded.
 * @param decisionsTopic   where each decision goes, keyed by its input's key; null for nowhere.
 * @param deadLetterTopic  where records that are not decided go, with the reason in headers; null for nowhere.
 * @param groupId          the consumer group whose offsets record what is done.
 * @param transactionalId  the producer's transactional id, when decisions or dead letters are written.
 * @param clientIdBase     the base of the partitions' client ids ({@link KafkaClientIds}).
 * @param window           how far past its committed offset a partition may send: at most the engine's
 *                         {@code dedup.window}.
 * @param maxBuffered      records read and not committed per partition beyond which the partition is paused.
 * @param commitIntervalNs how often decided records are committed when nothing presses sooner.
 * @param answerTimeoutNs  how long a partition waits for an answer before it opens a new session and sends again.
 * @param reconnectDelayNs pause between attempts to open a session.
 * @param fragmentLimit    answers taken per partition per duty cycle.
 * @param maxRate          records sent to the engine a second, all partitions together; 0 for no bound.
 */
public record SourceSettings(
    String topic,
    KafkaFormat format,
    String decisionsTopic,
    String deadLetterTopic,
    String groupId,
    String transactionalId,
    long clientIdBase,
    int window,
    int maxBuffered,
    long commitIntervalNs,
    long answerTimeoutNs,
    long reconnectDelayNs,
    int fragmentLimit,
    long maxRate)
{
    /**
     * The settings with no bound on the rate.
     */
    public SourceSettings(
        final String topic,
        final KafkaFormat format,
        final String decisionsTopic,
        final String deadLetterTopic,
        final String groupId,
        final String transactionalId,
        final long clientIdBase,
        final int window,
        final int maxBuffered,
        final long commitIntervalNs,
        final long answerTimeoutNs,
        final long reconnectDelayNs,
        final int fragmentLimit)
    {
        this(topic, format, decisionsTopic, deadLetterTopic, groupId, transactionalId, clientIdBase, window,
            maxBuffered, commitIntervalNs, answerTimeoutNs, reconnectDelayNs, fragmentLimit, 0);
    }

    /**
     * @param recordsPerSecond records sent to the engine a second; 0 for no bound.
     * @return these settings with that bound.
     */
    public SourceSettings withMaxRate(final long recordsPerSecond)
    {
        return new SourceSettings(topic, format, decisionsTopic, deadLetterTopic, groupId, transactionalId,
            clientIdBase, window, maxBuffered, commitIntervalNs, answerTimeoutNs, reconnectDelayNs, fragmentLimit,
            recordsPerSecond);
    }

    /**
     * @return true when the source writes to Kafka, and so commits its offsets in transactions.
     */
    public boolean transactional()
    {
        return decisionsTopic != null || deadLetterTopic != null;
    }
}
