package dev.vigil.core.rules.attribute;

import dev.vigil.core.state.RecordWords;

/**
 * The value of a key's earliest (first) or newest (last) kept event by event time. Between events of the same time
 * the first to arrive stays first and the last to arrive becomes last, so an event that arrives out of order does
 * not replace a newer one. Record: {@code [seen, event time, value]}.
 */
final class EarliestOrLatestValue extends KeptValue
{
    private static final int SEEN = 0;
    private static final int TIME_NS = 1;
    private static final int VALUE = 2;

    private final boolean latest;

    EarliestOrLatestValue(final boolean latest)
    {
        this.latest = latest;
    }

    @Override
    int stateBytes()
    {
        return 3 * Long.BYTES;
    }

    @Override
    long read(final long state, final long eventTimeNs, final long value)
    {
        return RecordWords.get(state, SEEN) != 0 ? RecordWords.get(state, VALUE) : value;
    }

    @Override
    long keep(final long state, final long eventTimeNs, final long value)
    {
        final boolean seen = RecordWords.get(state, SEEN) != 0;
        final long before = seen ? RecordWords.get(state, VALUE) : value;
        final long keptTimeNs = RecordWords.get(state, TIME_NS);
        if (!seen || (latest ? eventTimeNs >= keptTimeNs : eventTimeNs < keptTimeNs))
        {
            RecordWords.put(state, SEEN, 1);
            RecordWords.put(state, TIME_NS, eventTimeNs);
            RecordWords.put(state, VALUE, value);
        }
        return before;
    }

    @Override
    long none(final long value)
    {
        return value;
    }
}
