package dev.vigil.core.rules.attribute;

import dev.vigil.core.window.SlidingWindowRecord;

/**
 * The count, sum or mean of a key's kept events in the event's sliding window, the event itself left out. The
 * panes are those of {@link SlidingWindowRecord}: every event of the attribute's messages moves its key's window
 * on, kept or not (with nothing added when not), so an event older than the newest window of its key's events finds
 * no value. Sums and means take negative values as 0.
 */
final class WindowedValue extends KeptValue
{
    private final AttributeKind kind;
    private final SlidingWindowRecord counts;
    private final SlidingWindowRecord sums;

    WindowedValue(final AttributeKind kind, final long windowSizeNs, final long slideNs)
    {
        this.kind = kind;
        this.counts = kind == AttributeKind.SUM ? null : new SlidingWindowRecord(windowSizeNs, slideNs);
        this.sums = kind == AttributeKind.COUNT ? null : new SlidingWindowRecord(windowSizeNs, slideNs);
    }

    @Override
    int stateBytes()
    {
        return (counts == null ? 0 : counts.stateBytes()) + (sums == null ? 0 : sums.stateBytes());
    }

    @Override
    long observe(final long state, final long eventTimeNs, final boolean kept, final long value)
    {
        final long weight = kept ? Math.max(0, value) : 0;
        long count = 0;
        if (counts != null)
        {
            count = counts.add(state, eventTimeNs, kept ? 1 : 0);
            if (count == SlidingWindowRecord.LATE)
            {
                return kind == AttributeKind.MEAN ? value : 0;
            }
            count -= kept ? 1 : 0;
        }
        if (sums == null)
        {
            return count;
        }
        final long total = sums.add(counts == null ? state : state + counts.stateBytes(), eventTimeNs, weight);
        if (total == SlidingWindowRecord.LATE)
        {
            return 0;
        }
        final long sum = total - weight;
        if (kind == AttributeKind.SUM)
        {
            return sum;
        }
        return count == 0 ? value : sum / count;
    }
}
