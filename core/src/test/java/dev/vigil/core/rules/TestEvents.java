package dev.vigil.core.rules;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Transactions and orders with every field chosen, encoded into a buffer of its own and returned as a reused
 * decoder: valid until the next call.
 */
public final class TestEvents
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final TransactionDecoder transactionDecoder = new TransactionDecoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final OrderDecoder orderDecoder = new OrderDecoder();
    private long seq;

    /**
     * @return the buffer the last event was encoded in, at offset 0.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the length of a transaction's frame, header included.
     */
    public int transactionLength()
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.BLOCK_LENGTH;
    }

    /**
     * @return a transaction with every field given.
     */
    public TransactionDecoder payment(
        final long eventTimeNs,
        final long account,
        final long card,
        final long merchant,
        final long amountMinor,
        final String currency,
        final String country,
        final PaymentChannel channel)
    {
        seq++;
        transactionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(1).clientSeq(seq).eventTimeNs(eventTimeNs).clientSendTimeNs(eventTimeNs).txnId(seq)
            .accountId(account).cardId(card).merchantId(merchant).amountMinor(amountMinor)
            .currency(currency).country(country).channel(channel);
        return transactionDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    }

    /**
     * @return an order with every field given.
     */
    public OrderDecoder order(
        final long eventTimeNs,
        final long account,
        final long instrument,
        final long price,
        final long quantity,
        final Side side,
        final OrderType type)
    {
        seq++;
        orderEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(1).clientSeq(seq).eventTimeNs(eventTimeNs).clientSendTimeNs(eventTimeNs).orderId(seq)
            .accountId(account).instrumentId(instrument).price(price).quantity(quantity).side(side).orderType(type);
        return orderDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    }
}
