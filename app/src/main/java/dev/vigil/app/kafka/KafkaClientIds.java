package dev.vigil.app.kafka;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The engine client id the Kafka source speaks for each partition of a topic, derived from a base, the topic's name
 * and the partition, so that the same partition is the same client after every restart (the engine's retry table
 * remembers decisions per client id) and two topics feeding one engine never share an id:
 * <pre>
 *   client id = base + (CRC-32 of the topic's UTF-8 name mod 2^20) * 4096 + partition
 * </pre>
 * Partitions 0 to 4095; the base defaults to 2^40, above the small ids people give their own clients.
 */
public final class KafkaClientIds
{
    /** Default base: 2^40. */
    public static final long DEFAULT_BASE = 1L << 40;

    /** Partitions a topic may have for the mapping. */
    public static final int MAX_PARTITIONS = 4096;

    private static final int TOPIC_BITS = 20;

    private KafkaClientIds()
    {
    }

    /**
     * @param base      the configured base.
     * @param topic     the topic's name.
     * @param partition the partition, 0 to {@link #MAX_PARTITIONS} - 1.
     * @return the partition's client id.
     * @throws IllegalArgumentException when the partition is out of range or the id would be 0.
     */
    public static long clientId(final long base, final String topic, final int partition)
    {
        if (partition < 0 || partition >= MAX_PARTITIONS)
        {
            throw new IllegalArgumentException("partition " + partition + " of topic " + topic +
                ": the source maps partitions 0 to " + (MAX_PARTITIONS - 1) + " to client ids");
        }
        final CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        final long topicPart = (crc.getValue() & ((1L << TOPIC_BITS) - 1)) * MAX_PARTITIONS;
        final long id = base + topicPart + partition;
        if (id == 0)
        {
            throw new IllegalArgumentException("client id 0 is not allowed; choose another base");
        }
        return id;
    }
}
