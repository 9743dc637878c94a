package dev.vigil.core.rules.threshold;

import dev.vigil.core.window.SlidingWindowRecord;

/**
 * A count of events, or a sum of their values, over a key's sliding window: {@link SlidingWindowRecord}, exactly as
 * the velocity and amount-sum rules keep it. A sum takes a negative value as 0 (the record's totals only grow).
 */
final class TotalAggregate extends WindowAggregate
{
    private final SlidingWindowRecord window;
    private final boolean count;

    /**
     * @param windowSizeNs window length.
     * @param slideNs      pane length.
     * @param count        true to count events, false to add up their values.
     */
    TotalAggregate(final long windowSizeNs, final long slideNs, final boolean count)
    {
        this.window = new SlidingWindowRecord(windowSizeNs, slideNs);
        this.count = count;
    }

    @Override
    int stateBytes()
    {
        return window.stateBytes();
    }

    @Override
    boolean add(final long state, final long eventTimeNs, final long value)
    {
        final long total = window.add(state, eventTimeNs, count ? 1 : Math.max(0, value));
        if (total == SlidingWindowRecord.LATE)
        {
            return false;
        }
        measured = total;
        windowStartNs = window.windowStartNs(eventTimeNs);
        windowEndNs = window.windowEndNs(eventTimeNs);
        return true;
    }
}
