package dev.vigil.core.rules.threshold;

import dev.vigil.core.window.SlidingWindowRecord;

/**
 * The mean of the values of a key's sliding window: a count and a sum, each a {@link SlidingWindowRecord}, one after
 * the other in the key's slice (so twice a count's state). Compared with the limit exactly ({@code sum} against
 * {@code limit x count}); measured as the sum divided by the count, rounded down. A negative value counts as 0.
 */
final class MeanAggregate extends WindowAggregate
{
    private final SlidingWindowRecord counts;
    private final SlidingWindowRecord sums;
    private long sum;
    private long count;

    MeanAggregate(final long windowSizeNs, final long slideNs)
    {
        this.counts = new SlidingWindowRecord(windowSizeNs, slideNs);
        this.sums = new SlidingWindowRecord(windowSizeNs, slideNs);
    }

    @Override
    int stateBytes()
    {
        return 2 * counts.stateBytes();
    }

    @Override
    boolean add(final long state, final long eventTimeNs, final long value)
    {
        // Both records see the same panes, so an event is late for both or for neither.
        final long total = counts.add(state, eventTimeNs, 1);
        if (total == SlidingWindowRecord.LATE)
        {
            return false;
        }
        count = total;
        sum = sums.add(state + counts.stateBytes(), eventTimeNs, Math.max(0, value));
        measured = sum / count;
        windowStartNs = counts.windowStartNs(eventTimeNs);
        windowEndNs = counts.windowEndNs(eventTimeNs);
        return true;
    }

    @Override
    boolean fires(final Comparison comparison, final long limit)
    {
        return comparison.holdsForMean(sum, count, limit);
    }
}
