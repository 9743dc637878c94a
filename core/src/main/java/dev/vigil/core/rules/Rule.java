package dev.vigil.core.rules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A named check with an id and an action. Concrete rules implement {@link TransactionRule} and/or
 * {@link OrderRule}.
 * <p>
 * Contract for every implementation: results depend only on the messages seen so far (event time from the
 * message, never the wall clock); evaluation allocates nothing, takes no locks and throws nothing in normal
 * operation; it runs on the single rules thread, so state needs no synchronisation.
 */
public interface Rule
{
    /** Rule ids are bit positions in a Decision's fired-rules bitmap. */
    int MAX_RULE_ID = 63;

    /**
     * @return this rule's id, unique within a rule set, in {@code [0, MAX_RULE_ID]}.
     */
    int id();

    /**
     * @return a short name for reports and alerts, e.g. {@code "velocity-account-60s"}.
     */
    String name();

    /**
     * @return what a message gets when this rule fires.
     */
    RuleAction action();

    /**
     * @return keys this rule holds state for now, 0 for a stateless rule; read on the rules thread.
     */
    default int stateEntries()
    {
        return 0;
    }

    /**
     * @return most keys this rule can hold state for, 0 for a stateless rule.
     */
    default int stateCapacity()
    {
        return 0;
    }

    /**
     * Write the rule's state to a snapshot; stateless rules write nothing.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    default void writeState(final DataOutput out) throws IOException
    {
    }

    /**
     * Replace the rule's state with one written by {@link #writeState} of a rule with the same parameters.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the state does not fit this rule.
     */
    default void readState(final DataInput in) throws IOException
    {
    }
}
