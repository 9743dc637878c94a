package dev.vigil.core.rules.expr;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;

/**
 * What a compiled expression reads: the event being judged and, for conditions of rules, what the rules with lower
 * ids decided about it so far. One instance per evaluating thread, set before each evaluation and reused, so
 * evaluating allocates nothing.
 */
public final class EventFields
{
    TransactionDecoder transaction;
    OrderDecoder order;
    long firedRules;
    long verdict;

    /**
     * @param transaction the transaction judged from now on; valid while it is judged.
     * @return this.
     */
    public EventFields transaction(final TransactionDecoder transaction)
    {
        this.transaction = transaction;
        return this;
    }

    /**
     * @param order the order judged from now on; valid while it is judged.
     * @return this.
     */
    public EventFields order(final OrderDecoder order)
    {
        this.order = order;
        return this;
    }

    /**
     * What the rules that ran before the one whose condition is evaluated decided: {@code fired(...)} and
     * {@code verdict} read it.
     *
     * @param firedRules bitmap of the rule ids that fired so far.
     * @param verdict    the verdict so far, as {@code Verdict.value()}.
     * @return this.
     */
    public EventFields outcomeSoFar(final long firedRules, final long verdict)
    {
        this.firedRules = firedRules;
        this.verdict = verdict;
        return this;
    }
}
