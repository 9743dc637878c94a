package dev.vigil.app.audit;

import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.TransactionDecoder;
import org.agrona.DirectBuffer;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes one journaled input frame into named fields, in schema order, for people and for CSV/JSON tools.
 */
public final class JournalRecordView
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();
    private final HeartbeatDecoder heartbeat = new HeartbeatDecoder();
    private final RulesUpdateDecoder rulesUpdate = new RulesUpdateDecoder();

    /** Message types a dump can filter on, by the names users type. */
    public enum Type
    {
        /** Payment transactions. */
        TRANSACTION(TransactionDecoder.TEMPLATE_ID),
        /** Orders. */
        ORDER(OrderDecoder.TEMPLATE_ID),
        /** Heartbeats. */
        HEARTBEAT(HeartbeatDecoder.TEMPLATE_ID);

        private final int templateId;

        Type(final int templateId)
        {
            this.templateId = templateId;
        }

        /**
         * @return SBE template id of this type.
         */
        public int templateId()
        {
            return templateId;
        }
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @return the frame's template id.
     */
    public int templateId(final DirectBuffer buffer, final int offset)
    {
        header.wrap(buffer, offset);
        return header.templateId();
    }

    /**
     * Decode a record.
     *
     * @param engineSeq     the record's engine sequence.
     * @param receiveTimeNs when the engine received it.
     * @param buffer        holding the frame.
     * @param offset        of the frame.
     * @return field name to value, starting with seq, receive time, type, client id and sequence, event time.
     */
    public Map<String, Object> decode(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset)
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("engineSeq", engineSeq);
        fields.put("receiveTimeNs", receiveTimeNs);
        header.wrap(buffer, offset);
        switch (header.templateId())
        {
            case TransactionDecoder.TEMPLATE_ID:
                transaction.wrapAndApplyHeader(buffer, offset, header);
                fields.put("type", "transaction");
                fields.put("clientId", transaction.clientId());
                fields.put("clientSeq", transaction.clientSeq());
                fields.put("eventTime", Instant.ofEpochSecond(0, transaction.eventTimeNs()).toString());
                fields.put("txnId", transaction.txnId());
                fields.put("accountId", transaction.accountId());
                fields.put("cardId", transaction.cardId());
                fields.put("merchantId", transaction.merchantId());
                fields.put("amountMinor", transaction.amountMinor());
                fields.put("currency", transaction.currency());
                fields.put("country", transaction.country());
                fields.put("channel", transaction.channel().name());
                break;

            case OrderDecoder.TEMPLATE_ID:
                order.wrapAndApplyHeader(buffer, offset, header);
                fields.put("type", "order");
                fields.put("clientId", order.clientId());
                fields.put("clientSeq", order.clientSeq());
                fields.put("eventTime", Instant.ofEpochSecond(0, order.eventTimeNs()).toString());
                fields.put("orderId", order.orderId());
                fields.put("accountId", order.accountId());
                fields.put("instrumentId", order.instrumentId());
                fields.put("side", order.side().name());
                fields.put("orderType", order.orderType().name());
                fields.put("price", order.price());
                fields.put("quantity", order.quantity());
                break;

            case HeartbeatDecoder.TEMPLATE_ID:
                heartbeat.wrapAndApplyHeader(buffer, offset, header);
                fields.put("type", "heartbeat");
                fields.put("clientId", heartbeat.clientId());
                fields.put("clientSeq", heartbeat.clientSeq());
                fields.put("eventTime", Instant.ofEpochSecond(0, heartbeat.eventTimeNs()).toString());
                break;

            case RulesUpdateDecoder.TEMPLATE_ID:
                rulesUpdate.wrapAndApplyHeader(buffer, offset, header);
                fields.put("type", "rules-update");
                fields.put("updateId", rulesUpdate.updateId());
                fields.put("chunk", (rulesUpdate.chunkIndex() + 1) + "/" + rulesUpdate.chunkCount());
                fields.put("textBytes", rulesUpdate.rulesTextLength());
                break;

            default:
                fields.put("type", String.format(Locale.ROOT, "template-%d", header.templateId()));
                break;
        }
        return fields;
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @return the account of a transaction or order, or -1.
     */
    public long accountId(final DirectBuffer buffer, final int offset)
    {
        header.wrap(buffer, offset);
        switch (header.templateId())
        {
            case TransactionDecoder.TEMPLATE_ID:
                return transaction.wrapAndApplyHeader(buffer, offset, header).accountId();
            case OrderDecoder.TEMPLATE_ID:
                return order.wrapAndApplyHeader(buffer, offset, header).accountId();
            default:
                return -1;
        }
    }

    /**
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @return the event time of any event frame (every event template keeps it at the same offset); none, the
     *         smallest long, for a rules update.
     */
    public long eventTimeNs(final DirectBuffer buffer, final int offset)
    {
        header.wrap(buffer, offset);
        if (header.templateId() == RulesUpdateDecoder.TEMPLATE_ID)
        {
            return Long.MIN_VALUE;
        }
        return buffer.getLong(
            offset + MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.eventTimeNsEncodingOffset(),
            TransactionDecoder.BYTE_ORDER);
    }
}
