package dev.vigil.core;

import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.DisconnectEncoder;
import dev.vigil.codecs.HeartbeatEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes inbound frames with the generated SBE encoders, for tests that feed the engine or its rules.
 * <p>
 * Methods without a buffer argument encode at offset 0 of this instance's own {@link #buffer()}, overwriting the
 * previous frame; the overloads with a buffer and offset encode anywhere, e.g. into a pool of pre-encoded frames.
 * Every method returns the full frame length, header included. Derived fields are fixed so tests can predict them:
 * {@code txnId = orderId = clientSeq}, {@code clientSendTimeNs = eventTimeNs + SEND_DELAY_NS}.
 * Not thread safe; encoders are reused.
 */
public final class TestFrames
{
    /** Currency of transactions encoded without an explicit one. */
    public static final String CURRENCY = "EUR";

    /** Country of transactions encoded without an explicit one. */
    public static final String COUNTRY = "DE";

    /** Channel of transactions encoded without an explicit one. */
    public static final PaymentChannel CHANNEL = PaymentChannel.ECOM;

    /** Merchant of every transaction. */
    public static final long MERCHANT_ID = 4_242;

    /** Instrument of every order. */
    public static final long INSTRUMENT_ID = 777;

    /** Added to the event time to give the client send time of every event. */
    public static final long SEND_DELAY_NS = 500;

    /** Capacity of the buffer of an instance made with the no-argument constructor. */
    public static final int DEFAULT_CAPACITY = 2048;

    private final UnsafeBuffer buffer;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final DisconnectEncoder disconnectEncoder = new DisconnectEncoder();
    private final TransactionDecoder transactionDecoder = new TransactionDecoder();
    private final OrderDecoder orderDecoder = new OrderDecoder();

    public TestFrames()
    {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity bytes of the own buffer.
     */
    public TestFrames(final int capacity)
    {
        buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    /**
     * @return the buffer the methods without a buffer argument encode into, at offset 0.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int transaction(
        final long clientId, final long clientSeq, final long eventTimeNs, final long accountId, final long amountMinor)
    {
        return transaction(buffer, 0, clientId, clientSeq, eventTimeNs, accountId, amountMinor, CURRENCY, COUNTRY);
    }

    public int transaction(
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long amountMinor,
        final String currency,
        final String country)
    {
        return transaction(buffer, 0, clientId, clientSeq, eventTimeNs, accountId, amountMinor, currency, country);
    }

    public int transaction(
        final MutableDirectBuffer dst,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long amountMinor)
    {
        return transaction(dst, offset, clientId, clientSeq, eventTimeNs, accountId, amountMinor, CURRENCY, COUNTRY);
    }

    public int transaction(
        final MutableDirectBuffer dst,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long amountMinor,
        final String currency,
        final String country)
    {
        transactionEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs + SEND_DELAY_NS)
            .txnId(clientSeq)
            .accountId(accountId)
            .cardId(accountId * 10 + 1)
            .merchantId(MERCHANT_ID)
            .amountMinor(amountMinor)
            .currency(currency)
            .country(country)
            .channel(CHANNEL);
        return MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength();
    }

    public int order(
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long price,
        final long quantity,
        final Side side,
        final OrderType orderType)
    {
        return order(buffer, 0, clientId, clientSeq, eventTimeNs, accountId, price, quantity, side, orderType);
    }

    public int order(
        final MutableDirectBuffer dst,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long price,
        final long quantity,
        final Side side,
        final OrderType orderType)
    {
        orderEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs + SEND_DELAY_NS)
            .orderId(clientSeq)
            .accountId(accountId)
            .instrumentId(INSTRUMENT_ID)
            .price(price)
            .quantity(quantity)
            .side(side)
            .orderType(orderType);
        return MessageHeaderEncoder.ENCODED_LENGTH + orderEncoder.encodedLength();
    }

    public int heartbeat(final long clientId, final long clientSeq, final long eventTimeNs)
    {
        return heartbeat(buffer, 0, clientId, clientSeq, eventTimeNs);
    }

    public int heartbeat(
        final MutableDirectBuffer dst,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs)
    {
        heartbeatEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs + SEND_DELAY_NS);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength();
    }

    public int connect(final long clientId, final int responseStreamId, final String responseChannel)
    {
        return connect(buffer, 0, clientId, responseStreamId, responseChannel);
    }

    public int connect(
        final MutableDirectBuffer dst,
        final int offset,
        final long clientId,
        final int responseStreamId,
        final String responseChannel)
    {
        connectEncoder.wrapAndApplyHeader(dst, offset, headerEncoder)
            .clientId(clientId)
            .responseStreamId(responseStreamId)
            .responseChannel(responseChannel)
            .putCredentials(new byte[0], 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();
    }

    public int disconnect(final long clientId)
    {
        return disconnect(buffer, 0, clientId);
    }

    public int disconnect(final MutableDirectBuffer dst, final int offset, final long clientId)
    {
        disconnectEncoder.wrapAndApplyHeader(dst, offset, headerEncoder).clientId(clientId);
        return MessageHeaderEncoder.ENCODED_LENGTH + disconnectEncoder.encodedLength();
    }

    /**
     * @return a reused decoder over the transaction at offset 0 of {@link #buffer()}.
     */
    public TransactionDecoder decodeTransaction()
    {
        return transactionDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    }

    /**
     * @return a reused decoder over the order at offset 0 of {@link #buffer()}.
     */
    public OrderDecoder decodeOrder()
    {
        return orderDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
    }
}
