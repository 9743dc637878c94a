package dev.vigil.codecs;

import org.agrona.DirectBuffer;

/**
 * Checks the structure of an inbound frame before anything trusts a length or an id in it: header present, schema
 * id and version supported, template one that clients may send, block length neither short nor beyond the frame,
 * and variable-length data inside the frame.
 * <p>
 * Field values (amount signs, enum domains) are checked later by the engine; this class only guarantees that a
 * decoder wrapped over the frame reads nothing outside it. Stateless apart from the reusable header flyweight, so
 * one instance per thread.
 */
public final class InboundFrameValidator
{
    /** Length of the SBE message header in front of every message. */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    /** Offset of the client id from the start of the frame: the first field of every inbound message. */
    public static final int CLIENT_ID_OFFSET = HEADER_LENGTH;

    /** Offset of the client sequence from the start of the frame, for messages that carry one. */
    public static final int CLIENT_SEQ_OFFSET = HEADER_LENGTH + Long.BYTES;

    private static final int VAR_LENGTH_FIELD_LENGTH = Short.BYTES;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final int maxFrameLength;

    /**
     * @param maxFrameLength longest frame accepted, e.g. the capacity of a ring slot.
     */
    public InboundFrameValidator(final int maxFrameLength)
    {
        if (maxFrameLength < HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength=" + maxFrameLength + " is below the header length");
        }
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Validate the structure of one frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame's first byte.
     * @param length of the frame in bytes.
     * @return null when the frame may be decoded, otherwise the reason to reject it.
     */
    public RejectReason validate(final DirectBuffer buffer, final int offset, final int length)
    {
        final RejectReason headerReason = checkHeader(buffer, offset, length);
        if (headerReason != null)
        {
            return headerReason;
        }
        final int templateId = header.templateId();
        final int minBlockLength = minBlockLength(templateId);
        if (minBlockLength < 0)
        {
            return isOutboundTemplate(templateId) ? RejectReason.NOT_ACCEPTED_HERE : RejectReason.UNKNOWN_TEMPLATE;
        }
        // The body's checks written out, not through checkBody: every inbound frame passes here, and the call cost
        // a transaction 1 ns more (CodecBenchmark.validateTransaction, 3.3 -> 4.3 ns).
        final int blockLength = header.blockLength();
        if (blockLength < minBlockLength)
        {
            return RejectReason.BAD_BLOCK_LENGTH;
        }
        final int bodyLength = length - HEADER_LENGTH;
        if (blockLength > bodyLength)
        {
            return RejectReason.FRAME_TOO_SHORT;
        }
        final int varDataFields = varDataFields(templateId);
        if (varDataFields > 0)
        {
            return validateVarData(
                buffer, offset + HEADER_LENGTH + blockLength, bodyLength - blockLength, varDataFields);
        }
        return null;
    }

    /**
     * Validate the structure of a {@code RulesUpdate} frame from the local admin channel: the same checks as
     * {@link #validate} for an inbound event, for the one admin command that travels through the ring.
     *
     * @param buffer holding the frame.
     * @param offset of the frame's first byte.
     * @param length of the frame in bytes.
     * @return null when the frame may be decoded, otherwise the reason to refuse it.
     */
    public RejectReason validateRulesUpdate(final DirectBuffer buffer, final int offset, final int length)
    {
        final RejectReason headerReason = checkHeader(buffer, offset, length);
        if (headerReason != null)
        {
            return headerReason;
        }
        if (header.templateId() != RulesUpdateDecoder.TEMPLATE_ID)
        {
            return RejectReason.UNKNOWN_TEMPLATE;
        }
        return checkBody(buffer, offset, length, RulesUpdateDecoder.BLOCK_LENGTH, 1);
    }

    /**
     * Length within bounds and a header of this schema at a supported version; leaves {@link #header} wrapped.
     */
    private RejectReason checkHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return RejectReason.FRAME_TOO_SHORT;
        }
        if (length > maxFrameLength)
        {
            return RejectReason.FRAME_TOO_LARGE;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return RejectReason.UNKNOWN_SCHEMA;
        }
        final int version = header.version();
        if (version < 1 || version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return RejectReason.UNSUPPORTED_VERSION;
        }
        return null;
    }

    /**
     * The declared block neither short for the template nor beyond the frame, and each variable-length field inside
     * what follows it; for the admin path ({@link #validate} checks the same inline).
     */
    private RejectReason checkBody(
        final DirectBuffer buffer, final int offset, final int length, final int minBlockLength, final int varFields)
    {
        final int blockLength = header.blockLength();
        if (blockLength < minBlockLength)
        {
            return RejectReason.BAD_BLOCK_LENGTH;
        }
        final int bodyLength = length - HEADER_LENGTH;
        if (blockLength > bodyLength)
        {
            return RejectReason.FRAME_TOO_SHORT;
        }
        return varFields == 0 ? null :
            validateVarData(buffer, offset + HEADER_LENGTH + blockLength, bodyLength - blockLength, varFields);
    }

    /**
     * Client id of a frame whose header is valid; 0 when the frame is too short to hold one.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the client id field, or 0.
     */
    public static long clientId(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= CLIENT_ID_OFFSET + Long.BYTES ?
            buffer.getLong(offset + CLIENT_ID_OFFSET, TransactionDecoder.BYTE_ORDER) : 0;
    }

    /**
     * Client sequence of a frame of an event template; 0 when the frame is too short to hold one.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return the client sequence field, or 0.
     */
    public static long clientSeq(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= CLIENT_SEQ_OFFSET + Long.BYTES ?
            buffer.getLong(offset + CLIENT_SEQ_OFFSET, TransactionDecoder.BYTE_ORDER) : 0;
    }

    /**
     * Whether a template is an event that carries a client sequence and gets a Decision or a Reject.
     *
     * @param templateId from the header.
     * @return true for Transaction, Order and Heartbeat.
     */
    public static boolean isEventTemplate(final int templateId)
    {
        return templateId == TransactionDecoder.TEMPLATE_ID ||
            templateId == OrderDecoder.TEMPLATE_ID ||
            templateId == HeartbeatDecoder.TEMPLATE_ID;
    }

    /**
     * Smallest block length a client may send for a template, or -1 when clients may not send that template.
     * Version 1 is the only version so far; later versions may only append fields, so the version 1 block length
     * stays the minimum.
     *
     * @param templateId from the header.
     * @return minimum block length or -1.
     */
    public static int minBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case TransactionDecoder.TEMPLATE_ID:
                return TransactionDecoder.BLOCK_LENGTH;
            case OrderDecoder.TEMPLATE_ID:
                return OrderDecoder.BLOCK_LENGTH;
            case HeartbeatDecoder.TEMPLATE_ID:
                return HeartbeatDecoder.BLOCK_LENGTH;
            case ConnectDecoder.TEMPLATE_ID:
                return ConnectDecoder.BLOCK_LENGTH;
            case ChallengeResponseDecoder.TEMPLATE_ID:
                return ChallengeResponseDecoder.BLOCK_LENGTH;
            case DisconnectDecoder.TEMPLATE_ID:
                return DisconnectDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    /**
     * Whether a template opens or authenticates a session rather than being an event of an open session.
     *
     * @param templateId from the header.
     * @return true for Connect and ChallengeResponse.
     */
    public static boolean isSessionOpeningTemplate(final int templateId)
    {
        return templateId == ConnectDecoder.TEMPLATE_ID || templateId == ChallengeResponseDecoder.TEMPLATE_ID;
    }

    /**
     * Variable-length fields after the block, in schema order; each must lie inside the frame.
     */
    private static int varDataFields(final int templateId)
    {
        switch (templateId)
        {
            case ConnectDecoder.TEMPLATE_ID:
                return 2;
            case ChallengeResponseDecoder.TEMPLATE_ID:
                return 1;
            default:
                return 0;
        }
    }

    /**
     * Outbound replies, and admin commands, which are only taken on the local admin channel.
     */
    private static boolean isOutboundTemplate(final int templateId)
    {
        switch (templateId)
        {
            case ConnectedDecoder.TEMPLATE_ID:
            case ChallengeDecoder.TEMPLATE_ID:
            case DecisionDecoder.TEMPLATE_ID:
            case AlertDecoder.TEMPLATE_ID:
            case RejectDecoder.TEMPLATE_ID:
            case WindowResultDecoder.TEMPLATE_ID:
            case LateEventDecoder.TEMPLATE_ID:
            case SnapshotRequestDecoder.TEMPLATE_ID:
            case RulesUpdateDecoder.TEMPLATE_ID:
            case RulesUpdateResultDecoder.TEMPLATE_ID:
                return true;
            default:
                return false;
        }
    }

    private static RejectReason validateVarData(
        final DirectBuffer buffer, final int offset, final int remaining, final int fields)
    {
        int position = offset;
        int left = remaining;
        for (int i = 0; i < fields; i++)
        {
            if (left < VAR_LENGTH_FIELD_LENGTH)
            {
                return RejectReason.FRAME_TOO_SHORT;
            }
            final int dataLength = buffer.getShort(position, ConnectDecoder.BYTE_ORDER) & 0xFFFF;
            left -= VAR_LENGTH_FIELD_LENGTH;
            if (dataLength > left)
            {
                return RejectReason.FRAME_TOO_SHORT;
            }
            position += VAR_LENGTH_FIELD_LENGTH + dataLength;
            left -= dataLength;
        }
        return null;
    }
}
