package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StateKeyTest
{
    private final TestFrames frames = new TestFrames();

    @Test
    void eachKeyOfATransactionReadsItsOwnField()
    {
        frames.transaction(1, 1, 1_000, 7, 500);
        final TransactionDecoder txn = frames.decodeTransaction();

        assertEquals(7, StateKey.ACCOUNT.of(txn));
        assertEquals(71, StateKey.CARD.of(txn));
        assertEquals(TestFrames.MERCHANT_ID, StateKey.MERCHANT.of(txn));
        for (final TransactionKey key : TransactionKey.values())
        {
            assertEquals(key.stateKey().of(txn), key.of(txn), key.name());
        }
        assertThrows(IllegalArgumentException.class, () -> StateKey.INSTRUMENT.of(txn));
    }

    @Test
    void eachKeyOfAnOrderReadsItsOwnFieldsAndPairsAreOrdered()
    {
        frames.order(1, 1, 1_000, 7, 100, 5, Side.BUY, OrderType.LIMIT);
        final OrderDecoder order = frames.decodeOrder();

        assertEquals(7, StateKey.ACCOUNT_ORDERS.of(order));
        assertEquals(TestFrames.INSTRUMENT_ID, StateKey.INSTRUMENT.of(order));
        assertEquals(StateKey.accountInstrument(7, TestFrames.INSTRUMENT_ID), StateKey.ACCOUNT_INSTRUMENT.of(order));
        assertNotEquals(StateKey.accountInstrument(7, 8), StateKey.accountInstrument(8, 7));
        for (final OrderKey key : OrderKey.values())
        {
            assertEquals(key.stateKey().of(order), key.of(order), key.name());
        }
        assertThrows(IllegalArgumentException.class, () -> StateKey.CARD.of(order));
    }
}
