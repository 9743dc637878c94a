package dev.vigil.core.window;

/**
 * Which messages a windowed aggregation reads, which field keys it and which field it aggregates.
 */
public enum WindowInput
{
    /** Transactions. */
    TRANSACTIONS,
    /** Orders. */
    ORDERS;

    /** A key field of an input message. */
    public enum Key
    {
        /** The account id: transactions and orders. */
        ACCOUNT,
        /** The card id: transactions. */
        CARD,
        /** The merchant id: transactions. */
        MERCHANT,
        /** The instrument id: orders. */
        INSTRUMENT,
        /** The sending client's id: transactions and orders. */
        CLIENT
    }

    /** A numeric field of an input message to aggregate. */
    public enum Value
    {
        /** The amount in minor units: transactions. */
        AMOUNT,
        /** The quantity: orders. */
        QUANTITY,
        /** The limit price in ticks: orders. */
        PRICE,
        /** Price times quantity, saturating: orders. */
        NOTIONAL
    }

    /**
     * @param key a key field.
     * @return true when messages of this input carry that field.
     */
    public boolean has(final Key key)
    {
        switch (key)
        {
            case ACCOUNT:
            case CLIENT:
                return true;
            case CARD:
            case MERCHANT:
                return this == TRANSACTIONS;
            default:
                return this == ORDERS;
        }
    }

    /**
     * @param value a numeric field.
     * @return true when messages of this input carry that field.
     */
    public boolean has(final Value value)
    {
        return value == Value.AMOUNT ? this == TRANSACTIONS : this == ORDERS;
    }
}
