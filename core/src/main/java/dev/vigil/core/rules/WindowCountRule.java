package dev.vigil.core.rules;

import dev.vigil.core.state.RecordStore;
import dev.vigil.core.window.SlidingWindowRecord;

/**
 * Base of rules that fire when a key has more than a number of events — or a total of some weight, such as an
 * amount, above a limit — within an event-time sliding window (see {@link SlidingWindowRecord} for the window's
 * exact bounds). Subclasses say which messages count and what the key is; the counting, the limit, the hit and the
 * snapshot state are here. An event too late for any window the counter remembers passes. A key's panes are this
 * rule's slice of the key's record ({@link SlidingWindowRecord}).
 */
public abstract class WindowCountRule extends KeyedStateRule
{
    private final long maxCount;
    private final SlidingWindowRecord window;

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what a message gets when the rule fires.
     * @param stateKey     what the counts are kept by.
     * @param maxCount     most events (or largest total) per key and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most keys tracked.
     */
    protected WindowCountRule(
        final int id,
        final String name,
        final RuleAction action,
        final StateKey stateKey,
        final long maxCount,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action, stateKey, new SlidingWindowRecord(windowSizeNs, slideNs).stateBytes(), maxKeys);
        this.maxCount = maxCount;
        this.window = new SlidingWindowRecord(windowSizeNs, slideNs);
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
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }
        final long count = window.add(state, eventTimeNs, weight);
        if (count == SlidingWindowRecord.LATE || count <= maxCount)
        {
            return RuleResult.PASSED;
        }
        return hit.set(key, count, maxCount, window.windowStartNs(eventTimeNs), window.windowEndNs(eventTimeNs));
    }
}
