package dev.vigil.core.stage.ingress;

import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.EventLayout;
import org.agrona.DirectBuffer;

/**
 * Checks that the fields of a structurally valid event hold values the rules can trust: enum codes the schema
 * knows, upper-case ISO codes, amounts, prices and quantities in range, event times in
 * {@code [0, MAX_EVENT_TIME_NS]}. Reads raw values, so an unknown enum code is a failed check rather than an
 * exception. Since every value windows aggregate is then non-negative, their saturating sums are exact whatever the
 * order of addition.
 * <p>
 * Every front that takes events (the engine's ingress, the clustered service) checks them with it, so each accepts
 * the same events. An instance holds reusable flyweights and belongs to one thread.
 */
public final class EventFieldValidator
{
    /**
     * Latest event time accepted, 2^62 ns (the year 2116): with window sizes and lateness bounded, window arithmetic
     * on event times cannot overflow.
     */
    public static final long MAX_EVENT_TIME_NS = 1L << 62;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();

    /**
     * Check the fields of an event whose frame already passed the structural checks
     * ({@code InboundFrameValidator#validate}).
     *
     * @param buffer     holding the frame.
     * @param offset     of the frame.
     * @param templateId the frame's template.
     * @return false when a field of a Transaction, Order or Heartbeat holds a value outside its domain; true
     * otherwise, and for every other template.
     */
    public boolean hasValidFields(final DirectBuffer buffer, final int offset, final int templateId)
    {
        switch (templateId)
        {
            case TransactionDecoder.TEMPLATE_ID:
                transaction.wrapAndApplyHeader(buffer, offset, header);
                return isValid(transaction);
            case OrderDecoder.TEMPLATE_ID:
                order.wrapAndApplyHeader(buffer, offset, header);
                return isValid(order);
            case HeartbeatDecoder.TEMPLATE_ID:
                return isEventTime(
                    buffer.getLong(offset + EventLayout.EVENT_TIME_OFFSET, HeartbeatDecoder.BYTE_ORDER));
            default:
                return true;
        }
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
