package dev.vigil.core.rules;

import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.pattern.PatternMatch;

/**
 * What a rule saw when it fired, and, going in, the engine sequence of the event it judges. One instance is reused
 * for every rule and event.
 */
public final class RuleHit
{
    private long key;
    private long observed;
    private long threshold;
    private long windowStartNs;
    private long windowEndNs;
    private PatternMatch matched;
    private long engineSeq;
    private final long[] attributeValues = new long[EventFields.ATTRIBUTE_SLOTS];

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
        this.matched = null;
        return RuleResult.FIRED;
    }

    /**
     * Fill in the hit of a sequence pattern: as {@link #set}, and the events it matched.
     *
     * @param key           the value of the rule's key.
     * @param observed      what the rule measured.
     * @param threshold     the limit it was compared with.
     * @param match         the events matched, listed in the alert; read before the rule's next event.
     * @return {@link RuleResult#FIRED}.
     */
    public int setMatched(final long key, final long observed, final long threshold, final PatternMatch match)
    {
        set(key, observed, threshold, match.firstTimeNs(), match.lastTimeNs() + 1);
        this.matched = match;
        return RuleResult.FIRED;
    }

    /**
     * @param engineSeq the engine sequence of the event being judged, set by the evaluator before the rules run.
     */
    void engineSeq(final long engineSeq)
    {
        this.engineSeq = engineSeq;
    }

    /**
     * @return the engine sequence of the event being judged (0 where it has none): what a sequence pattern keeps,
     * and reports, for each event it matches.
     */
    public long engineSeq()
    {
        return engineSeq;
    }

    /**
     * @return the events a sequence pattern matched, or null for other rules.
     */
    public PatternMatch matched()
    {
        return matched;
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

    /**
     * The per-key attributes of the event judged, by the id of the rule that keeps each: the attribute rules write
     * them before any other rule judges the event, and expressions read them.
     *
     * @return the values, reused for every event.
     */
    public long[] attributeValues()
    {
        return attributeValues;
    }
}
