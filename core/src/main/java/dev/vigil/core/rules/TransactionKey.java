package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Which field of a transaction a keyed rule keeps its state by.
 */
public enum TransactionKey
{
    /** The paying account. */
    ACCOUNT(StateKey.ACCOUNT),
    /** The card used. */
    CARD(StateKey.CARD),
    /** The merchant paid. */
    MERCHANT(StateKey.MERCHANT);

    private final StateKey stateKey;

    TransactionKey(final StateKey stateKey)
    {
        this.stateKey = stateKey;
    }

    /**
     * @param txn a transaction.
     * @return the value of this key in it.
     */
    public long of(final TransactionDecoder txn)
    {
        return stateKey.of(txn);
    }

    /**
     * @return the state key whose records a rule keyed by this field keeps its state in.
     */
    public StateKey stateKey()
    {
        return stateKey;
    }
}
