package dev.vigil.core.rules.threshold;

import dev.vigil.core.window.DistinctValuesRecord;

/**
 * The distinct values of a key's newest sliding window, exact up to a cap of the limit + 1 values, which is enough
 * for every comparison with the limit to come out as it would with an exact count:
 * {@link DistinctValuesRecord}.
 */
final class DistinctCountAggregate extends WindowAggregate
{
    private final DistinctValuesRecord window;

    /**
     * @param windowSizeNs window length.
     * @param slideNs      pane length.
     * @param cap          values counted exactly: the rule's limit + 1.
     */
    DistinctCountAggregate(final long windowSizeNs, final long slideNs, final int cap)
    {
        this.window = new DistinctValuesRecord(windowSizeNs, slideNs, cap);
    }

    @Override
    int stateBytes()
    {
        return window.stateBytes();
    }

    @Override
    boolean add(final long state, final long eventTimeNs, final long value)
    {
        final int distinct = window.add(state, eventTimeNs, value);
        if (distinct < 0)
        {
            return false;
        }
        measured = distinct;
        windowStartNs = window.newestWindowStartNs(state);
        windowEndNs = window.newestWindowEndNs(state);
        return true;
    }
}
