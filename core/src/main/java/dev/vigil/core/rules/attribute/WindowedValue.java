package dev.vigil.core.rules.attribute;

import dev.vigil.core.window.SlidingWindowRecord;

/**
 * The count, sum or mean of a key's kept events in the event's sliding window, the event itself left out. The
 * panes are those of {@link SlidingWindowRecord}, as in a threshold rule over the kept events: only a kept event
 * moves its key's window on, and an event whose pane is older than the key's newest window finds no value. Sums and
 * means take negative values as 0.
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
    long read(final long state, final long eventTimeNs, final long value)
    {
        final long count = counts == null ? 0 : counts.total(state, eventTimeNs);
        final long sum = sums == null ? 0 : sums.total(sumsOf(state), eventTimeNs);
        return value(count, sum, value);
    }

    @Override
    long keep(final long state, final long eventTimeNs, final long value)
    {
        final long weight = Math.max(0, value);
        long count = counts == null ? 0 : counts.add(state, eventTimeNs, 1);
        long sum = sums == null ? 0 : sums.add(sumsOf(state), eventTimeNs, weight);
        // Both records see the same panes, so an event is late for both or for neither.
        if (count != SlidingWindowRecord.LATE && sum != SlidingWindowRecord.LATE)
        {
            count -= counts == null ? 0 : 1;
            sum -= weight;
        }
        return value(count, sum, value);
    }

    private long sumsOf(final long state)
    {
        return counts == null ? state : state + counts.stateBytes();
    }

    private long value(final long count, final long sum, final long value)
    {
        if (count == SlidingWindowRecord.LATE || sum == SlidingWindowRecord.LATE)
        {
            return none(value);
        }
        switch (kind)
        {
            case COUNT:
                return count;
            case SUM:
                return sum;
            default:
                return count == 0 ? none(value) : sum / count;
        }
    }

    @Override
    long none(final long value)
    {
        return kind == AttributeKind.MEAN ? value : 0;
    }
}
