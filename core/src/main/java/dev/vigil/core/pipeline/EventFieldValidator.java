package dev.vigil.core.pipeline;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;

/**
 * Checks that the fields of a structurally valid event hold values the rules can trust: enum codes the schema
 * knows, upper-case ISO codes, amounts and quantities in range. Reads raw values, so an unknown enum code is a
 * failed check rather than an exception.
 */
final class EventFieldValidator
{
    private EventFieldValidator()
    {
    }

    static boolean isValid(final TransactionDecoder txn)
    {
        return txn.amountMinor() >= 0 &&
            isUpperCaseLetter(txn.currency(0)) && isUpperCaseLetter(txn.currency(1)) &&
            isUpperCaseLetter(txn.currency(2)) &&
            isUpperCaseLetter(txn.country(0)) && isUpperCaseLetter(txn.country(1)) &&
            txn.channelRaw() >= PaymentChannel.POS.value() && txn.channelRaw() <= PaymentChannel.OTHER.value();
    }

    static boolean isValid(final OrderDecoder order)
    {
        final short orderType = order.orderTypeRaw();
        final short side = order.sideRaw();
        return order.quantity() > 0 &&
            (side == Side.BUY.value() || side == Side.SELL.value()) &&
            (orderType == OrderType.MARKET.value() || (orderType == OrderType.LIMIT.value() && order.price() > 0));
    }

    private static boolean isUpperCaseLetter(final byte b)
    {
        return b >= 'A' && b <= 'Z';
    }
}
