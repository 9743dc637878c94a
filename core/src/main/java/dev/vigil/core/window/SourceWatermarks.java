package dev.vigil.core.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The engine's event-time watermark, from the event times of its sources (clients), as in Flink's bounded
 * out-of-orderness strategy: after each event of a source its watermark is {@code max event time seen - B - 1}, and
 * the engine's watermark is the minimum over active sources. Heartbeats advance a source that has nothing to send.
 * <p>
 * Idleness is judged in event time, not on a wall clock, so replay gives the same watermarks: a source whose newest
 * event time is more than the idle timeout behind the newest event time of any source stops holding the watermark
 * back, until its next event. The watermark never goes backwards.
 */
public final class SourceWatermarks
{
    /** The watermark before any event: nothing is late. */
    public static final long NO_WATERMARK = Long.MIN_VALUE;

    private final long outOfOrdernessNs;
    private final long idleTimeoutNs;
    private final long[] sourceIds;
    private final long[] newestEventTimes;
    private int sourceCount;
    private long newestEventTime = Long.MIN_VALUE;
    private long watermark = NO_WATERMARK;
    private long untrackedSources;

    /**
     * @param outOfOrdernessNs B: how far behind the newest event of its source an event may be and still be on time.
     * @param idleTimeoutNs    event time after which a silent source no longer holds the watermark back.
     * @param maxSources       most sources tracked; events of further sources do not move the watermark.
     */
    public SourceWatermarks(final long outOfOrdernessNs, final long idleTimeoutNs, final int maxSources)
    {
        if (outOfOrdernessNs < 0 || idleTimeoutNs <= 0 || maxSources < 1)
        {
            throw new IllegalArgumentException("out-of-orderness must be >= 0, idle timeout and sources > 0");
        }
        this.outOfOrdernessNs = outOfOrdernessNs;
        this.idleTimeoutNs = idleTimeoutNs;
        this.sourceIds = new long[maxSources];
        this.newestEventTimes = new long[maxSources];
    }

    /**
     * @return the current watermark: every event at or before it is behind event time.
     */
    public long watermark()
    {
        return watermark;
    }

    /**
     * @return events of sources beyond the tracked maximum.
     */
    public long untrackedSources()
    {
        return untrackedSources;
    }

    /**
     * Take one event or heartbeat into account.
     *
     * @param sourceId    its source.
     * @param eventTimeNs its event time.
     * @return the watermark after it.
     */
    public long onEvent(final long sourceId, final long eventTimeNs)
    {
        final int index = indexOf(sourceId);
        if (index < 0)
        {
            untrackedSources++;
            return watermark;
        }
        if (eventTimeNs > newestEventTimes[index])
        {
            newestEventTimes[index] = eventTimeNs;
        }
        if (eventTimeNs > newestEventTime)
        {
            newestEventTime = eventTimeNs;
        }

        long lowest = Long.MAX_VALUE;
        final long activeSince = newestEventTime < Long.MIN_VALUE + idleTimeoutNs ?
            Long.MIN_VALUE : newestEventTime - idleTimeoutNs;
        for (int i = 0; i < sourceCount; i++)
        {
            final long newest = newestEventTimes[i];
            if (newest >= activeSince && newest < lowest)
            {
                lowest = newest;
            }
        }
        final long candidate = lowest < Long.MIN_VALUE + outOfOrdernessNs + 1 ?
            Long.MIN_VALUE : lowest - outOfOrdernessNs - 1;
        if (candidate > watermark)
        {
            watermark = candidate;
        }
        return watermark;
    }

    private int indexOf(final long sourceId)
    {
        for (int i = 0; i < sourceCount; i++)
        {
            if (sourceIds[i] == sourceId)
            {
                return i;
            }
        }
        if (sourceCount == sourceIds.length)
        {
            return -1;
        }
        sourceIds[sourceCount] = sourceId;
        newestEventTimes[sourceCount] = Long.MIN_VALUE;
        return sourceCount++;
    }

    /**
     * @param out where to write the sources and the watermark.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeLong(watermark);
        out.writeLong(newestEventTime);
        out.writeLong(untrackedSources);
        out.writeInt(sourceCount);
        for (int i = 0; i < sourceCount; i++)
        {
            out.writeLong(sourceIds[i]);
            out.writeLong(newestEventTimes[i]);
        }
    }

    /**
     * @param in where to read what {@link #writeTo} wrote.
     * @throws IOException when reading fails or there are more sources than fit.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final long writtenWatermark = in.readLong();
        final long writtenNewest = in.readLong();
        final long writtenUntracked = in.readLong();
        final int count = in.readInt();
        if (count < 0 || count > sourceIds.length)
        {
            throw new IOException(count + " watermark sources do not fit " + sourceIds.length);
        }
        for (int i = 0; i < count; i++)
        {
            sourceIds[i] = in.readLong();
            newestEventTimes[i] = in.readLong();
        }
        sourceCount = count;
        watermark = writtenWatermark;
        newestEventTime = writtenNewest;
        untrackedSources = writtenUntracked;
    }
}
