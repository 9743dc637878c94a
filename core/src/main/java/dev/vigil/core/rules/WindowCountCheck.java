package dev.vigil.core.rules;

import dev.vigil.core.window.KeyedSlidingCounter;

/**
 * The shared step of count-over-window rules: count the event, compare with the limit, describe the hit.
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
        if (count <= maxCount)
        {
            return RuleResult.PASSED;
        }
        return hit.set(key, count, maxCount, counter.windowStartNs(eventTimeNs), counter.windowEndNs(eventTimeNs));
    }
}
