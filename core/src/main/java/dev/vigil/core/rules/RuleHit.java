package dev.vigil.core.rules;

/**
 * What a rule saw when it fired. One instance is reused for every rule and event.
 */
public final class RuleHit
{
    private long key;
    private long observed;
    private long threshold;
    private long windowStartNs;
    private long windowEndNs;

    /**
     * Fill in the hit and return {@link RuleResult#FIRED}, so a rule can end with {@code return hit.set(...)}.
     *
     * @param key           the value of the rule's key, e.g. the account id.
     * @param observed      what the rule measured.
     * @param threshold     the limit that was exceeded.
     * @param windowStartNs inclusive start of the window measured (the event time for single-event rules).
     * @param windowEndNs   exclusive end of the window measured (event time + 1 for single-event rules).
     * @return {@link RuleResult#FIRED}.
     */
    public int set(
        final long key, final long observed, final long threshold, final long windowStartNs, final long windowEndNs)
    {
        this.key = key;
        this.observed = observed;
        this.threshold = threshold;
        this.windowStartNs = windowStartNs;
        this.windowEndNs = windowEndNs;
        return RuleResult.FIRED;
    }

    public long key()
    {
        return key;
    }

    public long observed()
    {
        return observed;
    }

    public long threshold()
    {
        return threshold;
    }

    public long windowStartNs()
    {
        return windowStartNs;
    }

    public long windowEndNs()
    {
        return windowEndNs;
    }
}
