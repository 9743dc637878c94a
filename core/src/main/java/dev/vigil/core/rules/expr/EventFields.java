package dev.vigil.core.rules.expr;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;

/**
 * What a compiled expression reads: the event being judged, for conditions of rules what the rules with lower ids
 * decided about it so far, and the values of the per-key attributes for the event's keys. One instance per
 * evaluating thread, set before each evaluation and reused, so evaluating allocates nothing.
 */
public final class EventFields
{
    /** Attribute values are found by the id of the rule that keeps them, and rule ids are below this. */
    public static final int ATTRIBUTE_SLOTS = 64;

    /** Read where no attribute values were given: expressions only read them, so one array serves all. */
    private static final long[] NO_ATTRIBUTES = new long[ATTRIBUTE_SLOTS];

    TransactionDecoder transaction;
    OrderDecoder order;
    long firedRules;
    long verdict;
    long[] attributes = NO_ATTRIBUTES;

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

    /**
     * @param attributes the attribute values of the event judged, by the id of the rule that keeps each, of
     *                   {@link #ATTRIBUTE_SLOTS} entries; read, never written, by expressions.
     * @return this.
     */
    public EventFields attributes(final long[] attributes)
    {
        this.attributes = attributes;
        return this;
    }
}
