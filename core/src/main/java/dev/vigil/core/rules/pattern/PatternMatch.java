package dev.vigil.core.rules.pattern;

/**
 * The events of the match {@link PatternMatcher#add} found, in event-time order: allocated once, filled per match.
 */
public final class PatternMatch
{
    private final long[] timesNs = new long[PatternShape.MAX_SLOTS];
    private final long[] engineSeqs = new long[PatternShape.MAX_SLOTS];
    private final long[] values = new long[PatternShape.MAX_SLOTS];
    private int size;

    void clear()
    {
        size = 0;
    }

    void prepend(final long timeNs, final long engineSeq, final long value)
    {
        System.arraycopy(timesNs, 0, timesNs, 1, size);
        System.arraycopy(engineSeqs, 0, engineSeqs, 1, size);
        System.arraycopy(values, 0, values, 1, size);
        timesNs[0] = timeNs;
        engineSeqs[0] = engineSeq;
        values[0] = value;
        size++;
    }

    /**
     * @return events in the match.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param index from 0, in event-time order.
     * @return that event's time.
     */
    public long timeNs(final int index)
    {
        return timesNs[index];
    }

    /**
     * @param index from 0, in event-time order.
     * @return that event's engine sequence (its place in the journal).
     */
    public long engineSeq(final int index)
    {
        return engineSeqs[index];
    }

    /**
     * @param index from 0, in event-time order.
     * @return the value stored with that event (an amount, say).
     */
    public long value(final int index)
    {
        return values[index];
    }

    /**
     * @return the first event's time.
     */
    public long firstTimeNs()
    {
        return timesNs[0];
    }

    /**
     * @return the last event's time.
     */
    public long lastTimeNs()
    {
        return timesNs[size - 1];
    }
}
