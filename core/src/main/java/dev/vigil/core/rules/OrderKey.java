package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;

/**
 * Which field of an order a keyed rule keeps its state by.
 */
public enum OrderKey
{
    /** The trading account. */
    ACCOUNT,
    /** The instrument traded. */
    INSTRUMENT;

    /**
     * @param order an order.
     * @return the value of this key in it.
     */
    public long of(final OrderDecoder order)
    {
        return this == INSTRUMENT ? order.instrumentId() : order.accountId();
    }

    /**
     * @return the state key whose records a rule keyed by this field keeps its state in.
     */
    public StateKey stateKey()
    {
        return this == INSTRUMENT ? StateKey.INSTRUMENT : StateKey.ACCOUNT_ORDERS;
    }
}
