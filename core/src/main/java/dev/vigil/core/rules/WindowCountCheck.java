package dev.vigil.core.rules;

import dev.vigil.core.window.KeyedSlidingCounter;

/**
 * The shared step of count-over-window rules: count the event, compare with the limit, describe the hit. An event
 * too late for any window the counter remembers passes.
 */
final class WindowCountCheck
{
    private WindowCountCheck()
    {
    }

    static int check(
        final KeyedSlidingCounter counter,
        final long key,
        final long eventTimeNs,
        final long maxCount,
        final RuleHit hit)
    {
        final long count = counter.add(key, eventTimeNs);
        if (count == KeyedSlidingCounter.STATE_FULL)
        {
            return RuleResult.STATE_FULL;
        }
        if (count == KeyedSlidingCounter.LATE || count <= maxCount)
        {
            // A late event's window is gone: there is nothing left to compare it with.
            return RuleResult.PASSED;
        }
        return hit.set(key, count, maxCount, counter.windowStartNs(eventTimeNs), counter.windowEndNs(eventTimeNs));
    }
}
