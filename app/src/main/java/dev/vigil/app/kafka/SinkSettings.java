package dev.vigil.app.kafka;

/**
 * How the Kafka sink runs, as its command line sets it.
 *
 * @param alertsTopic      where alerts go; also the topic whose offset in {@code positionGroup} holds the position.
 * @param windowsTopic     where window results go; null to leave them out.
 * @param lateTopic        where late events go; null to leave them out.
 * @param format           how outputs are written.
 * @param transactionalId  the producer's transactional id: one sink at a time per id.
 * @param positionGroup    the consumer group whose committed offset records the position of the last output
 *                         delivered; a group of its own, nothing consumes with it.
 * @param commitIntervalNs how long a transaction stays open at most while outputs arrive.
 * @param maxBatch         outputs in one transaction at most.
 * @param pollLimit        outputs (or journal records) taken from the feed per duty cycle.
 */
public record SinkSettings(
    String alertsTopic,
    String windowsTopic,
    String lateTopic,
    KafkaFormat format,
    String transactionalId,
    String positionGroup,
    long commitIntervalNs,
    int maxBatch,
    int pollLimit)
{
}
