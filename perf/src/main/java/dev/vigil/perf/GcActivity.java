package dev.vigil.perf;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Collections the JVM ran between two points, from its {@link GarbageCollectorMXBean}s: the engine runs in this
 * process, so these are the engine's collections (and the client's).
 */
final class GcActivity
{
    private long countAtStart;
    private long timeMsAtStart;
    private long count;
    private long timeMs;

    /**
     * Start counting from now.
     */
    void start()
    {
        countAtStart = totalCount();
        timeMsAtStart = totalTimeMs();
        count = 0;
        timeMs = 0;
    }

    /**
     * Stop counting: what ran since {@link #start()}.
     */
    void stop()
    {
        count = totalCount() - countAtStart;
        timeMs = totalTimeMs() - timeMsAtStart;
    }

    /**
     * @return collections between start and stop.
     */
    long count()
    {
        return count;
    }

    /**
     * @return time spent in collections between start and stop, ms, as the collectors account it.
     */
    long timeMs()
    {
        return timeMs;
    }

    /**
     * @return e.g. {@code 0 collections, 0 ms}.
     */
    String describe()
    {
        return String.format(Locale.ROOT, "%,d collection(s), %,d ms", count, timeMs);
    }

    private static long totalCount()
    {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
        {
            total += Math.max(0, collector.getCollectionCount());
        }
        return total;
    }

    private static long totalTimeMs()
    {
        long total = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
        {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
