package dev.vigil.core.stage.ingress;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;

/**
 * Checks that the fields of a structurally valid event hold values the rules can trust: enum codes the schema
 * knows, upper-case ISO codes, amounts, prices and quantities in range, event times in
 * {@code [0, MAX_EVENT_TIME_NS]}. Reads raw values, so an unknown enum code is a failed check rather than an
 * exception. Since every value windows aggregate is then non-negative, their saturating sums are exact whatever the
 * order of addition.
 */
final class EventFieldValidator
{
    /**
     * Latest event time accepted, 2^62 ns (the year 2116): with window sizes and lateness bounded, window arithmetic
     * on event times cannot overflow.
     */
    static final long MAX_EVENT_TIME_NS = 1L << 62;

    private EventFieldValidator()
    {
    }

    static boolean isValid(final TransactionDecoder txn)
    {
        return isEventTime(txn.eventTimeNs()) && txn.amountMinor() >= 0 &&
            isUpperCaseLetter(txn.currency(0)) && isUpperCaseLetter(txn.currency(1)) &&
            isUpperCaseLetter(txn.currency(2)) &&
            isUpperCaseLetter(txn.country(0)) && isUpperCaseLetter(txn.country(1)) &&
            txn.channelRaw() >= PaymentChannel.POS.value() && txn.channelRaw() <= PaymentChannel.OTHER.value();
    }

    static boolean isValid(final OrderDecoder order)
    {
        final short orderType = order.orderTypeRaw();
        final short side = order.sideRaw();
        return isEventTime(order.eventTimeNs()) && order.quantity() > 0 &&
            (side == Side.BUY.value() || side == Side.SELL.value()) &&
            ((orderType == OrderType.MARKET.value() && order.price() >= 0) ||
            (orderType == OrderType.LIMIT.value() && order.price() > 0));
    }

    static boolean isEventTime(final long eventTimeNs)
    {
        return eventTimeNs >= 0 && eventTimeNs <= MAX_EVENT_TIME_NS;
    }

    private static boolean isUpperCaseLetter(final byte b)
    {
        return b >= 'A' && b <= 'Z';
    }
}
