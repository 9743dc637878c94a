package dev.vigil.core.rules;

import dev.vigil.codecs.Verdict;

/**
 * What a rule asks for when it fires.
 */
public enum RuleAction
{
    /** Raise an alert, leave the verdict alone. */
    ALERT_ONLY(Verdict.APPROVE),
    /** Hold the message for a person to look at. */
    REVIEW(Verdict.REVIEW),
    /** Refuse the message. */
    DECLINE(Verdict.DECLINE);

    private final Verdict verdict;

    RuleAction(final Verdict verdict)
    {
        this.verdict = verdict;
    }

    /**
     * @return the least severe verdict a message gets when this rule fires.
     */
    public Verdict verdict()
    {
        return verdict;
    }
}
