package dev.vigil.app;

import dev.vigil.codecs.ConnectDecoder;
import dev.vigil.codecs.DisconnectDecoder;
import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * Makes hostile frames from one client's valid Transactions and Orders: targeted mutations whose reject reason is
 * known (header ids, lengths, block lengths, enum codes, signs, client id, oversize), and bit flips and random bytes
 * whose outcome is not. Frames never come out as Connect, Disconnect or Heartbeat, so each gets exactly one reply.
 * <p>
 * Keys (accounts, cards, instruments) carry {@link #KEY_BASE}'s eight high bits; up to four bit flips cannot bring
 * one down to the small ids of the valid traffic, so garbage that still parses as an event only touches its own
 * rule state.
 */
final class FrameFuzzer
{
    /** What a mutation did, and the reason the engine must give; null where it cannot be known. */
    enum Kind
    {
        SCHEMA_ID(RejectReason.UNKNOWN_SCHEMA),
        VERSION(RejectReason.UNSUPPORTED_VERSION),
        UNKNOWN_TEMPLATE(RejectReason.UNKNOWN_TEMPLATE),
        OUTBOUND_OR_ADMIN_TEMPLATE(RejectReason.NOT_ACCEPTED_HERE),
        SHORTER_THAN_HEADER(RejectReason.FRAME_TOO_SHORT),
        SHORTER_THAN_BLOCK(RejectReason.FRAME_TOO_SHORT),
        BLOCK_LENGTH_TOO_SMALL(RejectReason.BAD_BLOCK_LENGTH),
        BLOCK_LENGTH_BEYOND_FRAME(RejectReason.FRAME_TOO_SHORT),
        BAD_ENUM_OR_CODE(RejectReason.INVALID_FIELD),
        BAD_SIGN(RejectReason.INVALID_FIELD),
        OTHER_CLIENT_ID(RejectReason.CLIENT_ID_MISMATCH),
        OVERSIZE(RejectReason.FRAME_TOO_LARGE),
        BIT_FLIPS(null),
        RANDOM_BYTES(null);

        private final RejectReason expected;

        Kind(final RejectReason expected)
        {
            this.expected = expected;
        }

        RejectReason expected()
        {
            return expected;
        }
    }

    /** High bits of every key in fuzzed frames. */
    static final long KEY_BASE = 0x5555_0000_0000_0000L;

    private static final int[] OUTBOUND_OR_ADMIN = {3, 20, 21, 22, 23, 30};
    private static final int[] KNOWN_TEMPLATES = {1, 2, 3, 10, 11, 12, 20, 21, 22, 23, 30};
    private static final int SCHEMA_ID_OFFSET = MessageHeaderEncoder.schemaIdEncodingOffset();
    private static final int VERSION_OFFSET = MessageHeaderEncoder.versionEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = MessageHeaderEncoder.templateIdEncodingOffset();
    private static final int BLOCK_LENGTH_OFFSET = MessageHeaderEncoder.blockLengthEncodingOffset();
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final SplittableRandom random;
    private final long clientId;
    private final int maxFrameLength;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transaction = new TransactionEncoder();
    private final OrderEncoder order = new OrderEncoder();
    private long nextSeq = 1;
    private Kind kind;
    private int length;

    FrameFuzzer(final long seed, final long clientId, final int maxFrameLength)
    {
        this.random = new SplittableRandom(seed);
        this.clientId = clientId;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Make the next hostile frame in {@link #buffer()}.
     *
     * @return its length.
     */
    int next()
    {
        do
        {
            kind = Kind.values()[random.nextInt(Kind.values().length)];
            length = mutate(kind);
        }
        while (isSessionControlOrHeartbeat());
        return length;
    }

    Kind kind()
    {
        return kind;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    private int mutate(final Kind kind)
    {
        final boolean isOrder = random.nextBoolean();
        final int validLength = isOrder ? encodeOrder() : encodeTransaction();
        final int blockLength = buffer.getShort(BLOCK_LENGTH_OFFSET, MessageHeaderEncoder.BYTE_ORDER) & 0xFFFF;
        switch (kind)
        {
            case SCHEMA_ID:
                putHeaderField(SCHEMA_ID_OFFSET, otherThan(MessageHeaderEncoder.SCHEMA_ID));
                return validLength;
            case VERSION:
                putHeaderField(VERSION_OFFSET, random.nextBoolean() ? 0 : 2 + random.nextInt(65534));
                return validLength;
            case UNKNOWN_TEMPLATE:
                putHeaderField(TEMPLATE_ID_OFFSET, unknownTemplate());
                return validLength;
            case OUTBOUND_OR_ADMIN_TEMPLATE:
                putHeaderField(TEMPLATE_ID_OFFSET, OUTBOUND_OR_ADMIN[random.nextInt(OUTBOUND_OR_ADMIN.length)]);
                return validLength;
            case SHORTER_THAN_HEADER:
                return random.nextInt(HEADER);
            case SHORTER_THAN_BLOCK:
                return HEADER + random.nextInt(blockLength);
            case BLOCK_LENGTH_TOO_SMALL:
                putHeaderField(BLOCK_LENGTH_OFFSET, random.nextInt(blockLength));
                return validLength;
            case BLOCK_LENGTH_BEYOND_FRAME:
                putHeaderField(BLOCK_LENGTH_OFFSET, validLength - HEADER + 1 + random.nextInt(65535 - validLength));
                return validLength;
            case BAD_ENUM_OR_CODE:
                badEnumOrCode(isOrder);
                return validLength;
            case BAD_SIGN:
                if (isOrder)
                {
                    order.quantity(-random.nextInt(1000));
                }
                else
                {
                    transaction.amountMinor(-1 - random.nextInt(1_000_000));
                }
                return validLength;
            case OTHER_CLIENT_ID:
                buffer.putLong(HEADER, otherThan(clientId), MessageHeaderEncoder.BYTE_ORDER);
                return validLength;
            case OVERSIZE:
            {
                // Up to three times Aeron's default MTU: most arrive in fragments and are reassembled first.
                final int oversize = maxFrameLength + 1 + random.nextInt(4_200 - maxFrameLength);
                fillRandom(validLength, oversize);
                return oversize;
            }
            case BIT_FLIPS:
            {
                final int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++)
                {
                    final int bit = random.nextInt(validLength * Byte.SIZE);
                    buffer.putByte(bit / Byte.SIZE, (byte)(buffer.getByte(bit / Byte.SIZE) ^ (1 << (bit % Byte.SIZE))));
                }
                return validLength;
            }
            case RANDOM_BYTES:
            {
                final int randomLength = random.nextInt(300);
                fillRandom(0, randomLength);
                return randomLength;
            }
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private int encodeTransaction()
    {
        final long seq = nextSeq++;
        final long account = KEY_BASE | random.nextInt(1_000);
        transaction.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(clientId)
            .clientSeq(seq)
            .eventTimeNs(seq * 1_000_000L)
            .clientSendTimeNs(System.nanoTime())
            .txnId(seq)
            .accountId(account)
            .cardId(account)
            .merchantId(KEY_BASE | random.nextInt(100))
            .amountMinor(random.nextInt(5_000_000))
            .currency("EUR")
            .country("FR")
            .channel(PaymentChannel.ECOM);
        return HEADER + transaction.encodedLength();
    }

    private int encodeOrder()
    {
        final long seq = nextSeq++;
        order.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(clientId)
            .clientSeq(seq)
            .eventTimeNs(seq * 1_000_000L)
            .clientSendTimeNs(System.nanoTime())
            .orderId(seq)
            .accountId(KEY_BASE | random.nextInt(1_000))
            .instrumentId(KEY_BASE | random.nextInt(50))
            .price(1 + random.nextInt(20_000))
            .quantity(1 + random.nextInt(1_000))
            .side(Side.BUY)
            .orderType(OrderType.LIMIT);
        return HEADER + order.encodedLength();
    }

    private void badEnumOrCode(final boolean isOrder)
    {
        if (isOrder)
        {
            switch (random.nextInt(3))
            {
                case 0:
                    buffer.putByte(HEADER + OrderEncoder.sideEncodingOffset(), (byte)(2 + random.nextInt(254)));
                    break;
                case 1:
                    buffer.putByte(HEADER + OrderEncoder.orderTypeEncodingOffset(), (byte)(2 + random.nextInt(254)));
                    break;
                default:
                    order.price(-random.nextInt(1000));
                    break;
            }
        }
        else
        {
            switch (random.nextInt(3))
            {
                case 0:
                    buffer.putByte(
                        HEADER + TransactionEncoder.channelEncodingOffset(), (byte)(5 + random.nextInt(251)));
                    break;
                case 1:
                    transaction.currency(random.nextBoolean() ? "eur" : "E1R");
                    break;
                default:
                    transaction.country(random.nextBoolean() ? "F\0" : "fr");
                    break;
            }
        }
    }

    private boolean isSessionControlOrHeartbeat()
    {
        if (length < HEADER)
        {
            return false;
        }
        headerDecoder.wrap(buffer, 0);
        final int templateId = headerDecoder.templateId();
        return headerDecoder.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
            (templateId == ConnectDecoder.TEMPLATE_ID || templateId == DisconnectDecoder.TEMPLATE_ID ||
            templateId == HeartbeatDecoder.TEMPLATE_ID);
    }

    private void putHeaderField(final int offset, final int value)
    {
        buffer.putShort(offset, (short)value, MessageHeaderEncoder.BYTE_ORDER);
    }

    private int otherThan(final int value)
    {
        int other;
        do
        {
            other = random.nextInt(65536);
        }
        while (other == value);
        return other;
    }

    private long otherThan(final long value)
    {
        long other;
        do
        {
            other = random.nextLong();
        }
        while (other == value);
        return other;
    }

    private int unknownTemplate()
    {
        while (true)
        {
            final int templateId = random.nextInt(65536);
            boolean known = false;
            for (final int knownId : KNOWN_TEMPLATES)
            {
                known |= knownId == templateId;
            }
            if (!known)
            {
                return templateId;
            }
        }
    }

    private void fillRandom(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            buffer.putByte(i, (byte)random.nextInt(256));
        }
    }
}
