package dev.vigil.core.rules;

/**
 * Result codes a rule returns for one event; codes, not exceptions, so evaluation never allocates.
 */
public final class RuleResult
{
    /** The rule looked and found nothing. */
    public static final int PASSED = 0;
    /** The rule fired and filled in its {@link RuleHit}. */
    public static final int FIRED = 1;
    /** The rule could not judge: its keyed state is full and the key is new. */
    public static final int STATE_FULL = 2;
    /** The rule threw: it could not judge. Never returned by a rule, only recorded by the evaluator. */
    public static final int ERROR = 3;

    private RuleResult()
    {
    }
}
