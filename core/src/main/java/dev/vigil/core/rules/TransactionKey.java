package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Which field of a transaction a keyed rule keeps its state by.
 */
public enum TransactionKey
{
    /** The paying account. */
    ACCOUNT,
    /** The card used. */
    CARD,
    /** The merchant paid. */
    MERCHANT;

    /**
     * @param txn a transaction.
     * @return the value of this key in it.
     */
    public long of(final TransactionDecoder txn)
    {
        switch (this)
        {
            case CARD:
                return txn.cardId();
            case MERCHANT:
                return txn.merchantId();
            default:
                return txn.accountId();
        }
    }

    /**
     * @return the state key whose records a rule keyed by this field keeps its state in.
     */
    public StateKey stateKey()
    {
        switch (this)
        {
            case CARD:
                return StateKey.CARD;
            case MERCHANT:
                return StateKey.MERCHANT;
            default:
                return StateKey.ACCOUNT;
        }
    }
}
