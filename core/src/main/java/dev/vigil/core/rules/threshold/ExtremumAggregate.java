package dev.vigil.core.rules.threshold;

import dev.vigil.core.window.SlidingExtremaRecord;

/**
 * The smallest or the largest value of a key's sliding window: {@link SlidingExtremaRecord}.
 */
final class ExtremumAggregate extends WindowAggregate
{
    private final SlidingExtremaRecord window;

    /**
     * @param windowSizeNs window length.
     * @param slideNs      pane length.
     * @param maximum      true for the largest value, false for the smallest.
     */
    ExtremumAggregate(final long windowSizeNs, final long slideNs, final boolean maximum)
    {
        this.window = new SlidingExtremaRecord(windowSizeNs, slideNs, maximum);
    }

    @Override
    int stateBytes()
    {
        return window.stateBytes();
    }

    @Override
    boolean add(final long state, final long eventTimeNs, final long value)
    {
        if (!window.add(state, eventTimeNs, value))
        {
            return false;
        }
        measured = window.extremum(state, eventTimeNs);
        windowStartNs = window.windowStartNs(eventTimeNs);
        windowEndNs = window.windowEndNs(eventTimeNs);
        return true;
    }
}
