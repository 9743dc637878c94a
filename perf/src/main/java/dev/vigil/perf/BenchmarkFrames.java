package dev.vigil.perf;

import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Encodes the inbound frames benchmarks feed the engine, with the generated SBE encoders, and knows where the fields
 * live that benchmarks patch in place between uses of a frame (event time, account, client sequence), so that a
 * steady state never re-encodes and never allocates.
 */
final class BenchmarkFrames
{
    /** Byte order of every Vigil message. */
    static final ByteOrder BYTE_ORDER = TransactionEncoder.BYTE_ORDER;

    /** Client sequence offset from the start of a Transaction or Order frame. */
    static final int CLIENT_SEQ_OFFSET = InboundFrameValidator.CLIENT_SEQ_OFFSET;

    /** Event time offset from the start of a Transaction or Order frame: the same in both templates. */
    static final int EVENT_TIME_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.eventTimeNsEncodingOffset();

    /** Account offset from the start of a Transaction frame. */
    static final int TRANSACTION_ACCOUNT_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.accountIdEncodingOffset();

    /** Account offset from the start of an Order frame. */
    static final int ORDER_ACCOUNT_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + OrderEncoder.accountIdEncodingOffset();

    /** Length of an encoded Transaction frame. */
    static final int TRANSACTION_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.BLOCK_LENGTH;

    /** Length of an encoded Order frame. */
    static final int ORDER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + OrderEncoder.BLOCK_LENGTH;

    /** Event time of the first frame: 2026-01-01T00:00:00Z, as in the demo. */
    static final long BASE_EVENT_TIME_NS = 1_767_225_600_000_000_000L;

    /** Event time between consecutive events: at 10,000 accounts an account is seen every ~100 s of event time. */
    static final long EVENT_STEP_NS = 10_000_000L;

    /** Amount of ordinary payments, well under the default threshold of 1,000,000. */
    static final long SMALL_AMOUNT_MINOR = 12_50;

    /** Amount above the default threshold: the amount rule declines it and raises an alert. */
    static final long LARGE_AMOUNT_MINOR = 2_000_000;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();

    int transaction(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId,
        final long amountMinor)
    {
        transactionEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs)
            .txnId(clientSeq)
            .accountId(accountId)
            .cardId(accountId * 10)
            .merchantId(1 + (accountId % 5_000))
            .amountMinor(amountMinor)
            .currency("EUR")
            .country("DE")
            .channel(PaymentChannel.ECOM);
        return MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength();
    }

    int order(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long clientSeq,
        final long eventTimeNs,
        final long accountId)
    {
        orderEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(eventTimeNs)
            .orderId(clientSeq)
            .accountId(accountId)
            .instrumentId(1 + (accountId % 50))
            .price(10_000 + (clientSeq % 1_000))
            .quantity(1 + (clientSeq % 500))
            .side((clientSeq & 1) == 0 ? Side.BUY : Side.SELL)
            .orderType(OrderType.LIMIT);
        return MessageHeaderEncoder.ENCODED_LENGTH + orderEncoder.encodedLength();
    }

    int connect(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final int responseStreamId,
        final String responseChannel)
    {
        connectEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(clientId)
            .responseStreamId(responseStreamId)
            .responseChannel(responseChannel)
            .putCredentials(new byte[0], 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();
    }
}
