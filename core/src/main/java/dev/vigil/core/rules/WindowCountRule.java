package dev.vigil.core.rules;

import dev.vigil.core.window.KeyedSlidingCounter;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Base of rules that fire when a key has more than a number of events — or a total of some weight, such as an
 * amount, above a limit — within an event-time sliding window (see
 * {@link KeyedSlidingCounter} for the window's exact bounds). Subclasses say which messages count and what the key
 * is; the counting, the limit, the hit and the snapshot state are here. An event too late for any window the
 * counter remembers passes.
 */
public abstract class WindowCountRule extends NamedRule
{
    private final long maxCount;
    private final KeyedSlidingCounter counter;

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what a message gets when the rule fires.
     * @param maxCount     most events (or largest total) per key and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most keys tracked.
     */
    protected WindowCountRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxCount,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action);
        this.maxCount = maxCount;
        this.counter = new KeyedSlidingCounter(maxKeys, windowSizeNs, slideNs);
    }

    /**
     * Count one event of a key and judge it.
     *
     * @param key         the key, e.g. the account.
     * @param eventTimeNs the event's time.
     * @param hit         filled in when the rule fires.
     * @return a {@link RuleResult} code.
     */
    protected final int count(final long key, final long eventTimeNs, final RuleHit hit)
    {
        return measure(key, eventTimeNs, 1, hit);
    }

    /**
     * Add one event's weight (e.g. its amount) to its key's window and judge the window's total.
     *
     * @param key         the key, e.g. the account.
     * @param eventTimeNs the event's time.
     * @param weight      what the event adds, not negative.
     * @param hit         filled in when the rule fires.
     * @return a {@link RuleResult} code.
     */
    protected final int measure(final long key, final long eventTimeNs, final long weight, final RuleHit hit)
    {
        final long count = counter.add(key, eventTimeNs, weight);
        if (count == KeyedSlidingCounter.STATE_FULL)
        {
            return RuleResult.STATE_FULL;
        }
        if (count == KeyedSlidingCounter.LATE || count <= maxCount)
        {
            return RuleResult.PASSED;
        }
        return hit.set(key, count, maxCount, counter.windowStartNs(eventTimeNs), counter.windowEndNs(eventTimeNs));
    }

    @Override
    public final void writeState(final DataOutput out) throws IOException
    {
        counter.writeTo(out);
    }

    @Override
    public final void readState(final DataInput in) throws IOException
    {
        counter.readFrom(in);
    }

    @Override
    public int stateEntries()
    {
        return counter.keyCount();
    }

    @Override
    public int stateCapacity()
    {
        return counter.keyCapacity();
    }
}
