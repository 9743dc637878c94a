package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;

/**
 * Which field of an order a keyed rule keeps its state by.
 */
public enum OrderKey
{
    /** The trading account. */
    ACCOUNT(StateKey.ACCOUNT_ORDERS),
    /** The instrument traded. */
    INSTRUMENT(StateKey.INSTRUMENT);

    private final StateKey stateKey;

    OrderKey(final StateKey stateKey)
    {
        this.stateKey = stateKey;
    }

    /**
     * @param order an order.
     * @return the value of this key in it.
     */
    public long of(final OrderDecoder order)
    {
        return stateKey.of(order);
    }

    /**
     * @return the state key whose records a rule keyed by this field keeps its state in.
     */
    public StateKey stateKey()
    {
        return stateKey;
    }
}
