package dev.vigil.codecs;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundFrameValidatorTest
{
    private static final int MAX_FRAME_LENGTH = 256;
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final String CHANNEL = "aeron:udp?endpoint=localhost:40124";

    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TransactionEncoder transaction = new TransactionEncoder();
    private final OrderEncoder order = new OrderEncoder();
    private final HeartbeatEncoder heartbeat = new HeartbeatEncoder();
    private final ConnectEncoder connect = new ConnectEncoder();
    private final DisconnectEncoder disconnect = new DisconnectEncoder();
    private final DecisionEncoder decision = new DecisionEncoder();
    private final InboundFrameValidator validator = new InboundFrameValidator(MAX_FRAME_LENGTH);

    @Test
    void acceptsValidTransaction()
    {
        final int length = encodeTransaction(0);

        assertEquals(HEADER + TransactionEncoder.BLOCK_LENGTH, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsValidOrder()
    {
        order.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .clientSeq(1)
            .eventTimeNs(1_000)
            .clientSendTimeNs(1_100)
            .orderId(55)
            .accountId(3)
            .instrumentId(9)
            .price(100)
            .quantity(10)
            .side(Side.BUY)
            .orderType(OrderType.LIMIT);
        final int length = HEADER + order.encodedLength();

        assertEquals(HEADER + OrderEncoder.BLOCK_LENGTH, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsValidHeartbeat()
    {
        heartbeat.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .clientSeq(4)
            .eventTimeNs(2_000)
            .clientSendTimeNs(2_100);
        final int length = HEADER + heartbeat.encodedLength();

        assertEquals(HEADER + HeartbeatEncoder.BLOCK_LENGTH, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsValidConnect()
    {
        final int length = encodeConnect(0, CHANNEL);

        assertEquals(HEADER + ConnectEncoder.BLOCK_LENGTH + 2 + CHANNEL.length() + 2, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsConnectWithEmptyChannel()
    {
        final int length = encodeConnect(0, "");

        assertEquals(HEADER + ConnectEncoder.BLOCK_LENGTH + 2 + 2, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsValidDisconnect()
    {
        disconnect.wrapAndApplyHeader(buffer, 0, headerEncoder).clientId(7);
        final int length = HEADER + disconnect.encodedLength();

        assertEquals(HEADER + DisconnectEncoder.BLOCK_LENGTH, length);
        assertNull(validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsFramesAtNonZeroOffset()
    {
        final int offset = 300;
        final int txnLength = encodeTransaction(offset);
        assertNull(validator.validate(buffer, offset, txnLength));

        final int connectOffset = 600;
        final int connectLength = encodeConnect(connectOffset, CHANNEL);
        assertNull(validator.validate(buffer, connectOffset, connectLength));
        assertEquals(
            RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, connectOffset, connectLength - 1));
    }

    @Test
    void rejectsFrameShorterThanHeader()
    {
        encodeTransaction(0);

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, 0));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, 1));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, HEADER - 1));
    }

    @Test
    void rejectsHeaderOnlyFrame()
    {
        encodeTransaction(0);

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, HEADER));
    }

    @Test
    void rejectsFrameShorterThanDeclaredBlockLength()
    {
        final int length = encodeTransaction(0);

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length - 1));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, HEADER + 1));
    }

    @Test
    void rejectsDeclaredBlockLengthBeyondFrame()
    {
        final int length = encodeTransaction(0);
        headerEncoder.wrap(buffer, 0).blockLength(TransactionEncoder.BLOCK_LENGTH + 1);

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length));
    }

    @Test
    void acceptsLongerBlockLengthThatFitsTheFrame()
    {
        final int length = encodeTransaction(0);
        final int extra = 8;
        headerEncoder.wrap(buffer, 0).blockLength(TransactionEncoder.BLOCK_LENGTH + extra);

        assertNull(validator.validate(buffer, 0, length + extra));
    }

    @Test
    void rejectsWrongSchemaId()
    {
        final int length = encodeTransaction(0);
        headerEncoder.wrap(buffer, 0).schemaId(MessageHeaderEncoder.SCHEMA_ID + 1);

        assertEquals(RejectReason.UNKNOWN_SCHEMA, validator.validate(buffer, 0, length));

        headerEncoder.wrap(buffer, 0).schemaId(0);
        assertEquals(RejectReason.UNKNOWN_SCHEMA, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsVersionZero()
    {
        final int length = encodeTransaction(0);
        headerEncoder.wrap(buffer, 0).version(0);

        assertEquals(RejectReason.UNSUPPORTED_VERSION, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsVersionAboveSchemaVersion()
    {
        final int length = encodeTransaction(0);
        headerEncoder.wrap(buffer, 0).version(MessageHeaderDecoder.SCHEMA_VERSION + 1);

        assertEquals(RejectReason.UNSUPPORTED_VERSION, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsUnknownTemplate()
    {
        final int length = encodeTransaction(0);

        headerEncoder.wrap(buffer, 0).templateId(99);
        assertEquals(RejectReason.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));

        headerEncoder.wrap(buffer, 0).templateId(0);
        assertEquals(RejectReason.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));

        headerEncoder.wrap(buffer, 0).templateId(39);
        assertEquals(RejectReason.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));

        headerEncoder.wrap(buffer, 0).templateId(RulesUpdateDecoder.TEMPLATE_ID);
        assertEquals(RejectReason.NOT_ACCEPTED_HERE, validator.validate(buffer, 0, length),
            "an admin command, taken only on the local admin channel");
    }

    @Test
    void rejectsDecisionAsNotAcceptedHere()
    {
        decision.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .clientSeq(1)
            .engineSeq(1)
            .verdict(Verdict.APPROVE);
        final int length = HEADER + decision.encodedLength();

        assertEquals(20, DecisionEncoder.TEMPLATE_ID);
        assertEquals(RejectReason.NOT_ACCEPTED_HERE, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsEveryOutboundTemplateAsNotAcceptedHere()
    {
        final int length = encodeTransaction(0);
        final int[] outbound = {
            ConnectedEncoder.TEMPLATE_ID,
            DecisionEncoder.TEMPLATE_ID,
            AlertEncoder.TEMPLATE_ID,
            RejectEncoder.TEMPLATE_ID,
            WindowResultEncoder.TEMPLATE_ID,
            SnapshotRequestEncoder.TEMPLATE_ID};
        for (final int templateId : outbound)
        {
            headerEncoder.wrap(buffer, 0).templateId(templateId);
            assertEquals(
                RejectReason.NOT_ACCEPTED_HERE, validator.validate(buffer, 0, length), "template " + templateId);
        }
    }

    @Test
    void rejectsBlockLengthSmallerThanTemplateNeeds()
    {
        final int length = encodeTransaction(0);
        headerEncoder.wrap(buffer, 0).blockLength(TransactionEncoder.BLOCK_LENGTH - 1);

        assertEquals(RejectReason.BAD_BLOCK_LENGTH, validator.validate(buffer, 0, length));

        headerEncoder.wrap(buffer, 0).blockLength(0);
        assertEquals(RejectReason.BAD_BLOCK_LENGTH, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsConnectWhoseVarDataLengthExceedsFrame()
    {
        final int length = encodeConnect(0, "0123456789");
        final int varLengthOffset = HEADER + ConnectEncoder.BLOCK_LENGTH;
        assertEquals(10, buffer.getShort(varLengthOffset, ConnectEncoder.BYTE_ORDER));

        buffer.putShort(varLengthOffset, (short)500, ConnectEncoder.BYTE_ORDER);

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length));
    }

    @Test
    void rejectsConnectWhoseCredentialsRunPastTheFrame()
    {
        connect.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .responseStreamId(1002)
            .responseChannel(CHANNEL)
            .putCredentials(new byte[] {1, 2, 3, 4}, 0, 4);
        final int length = HEADER + connect.encodedLength();
        assertNull(validator.validate(buffer, 0, length));

        final int credentialsLengthOffset = HEADER + ConnectEncoder.BLOCK_LENGTH + 2 + CHANNEL.length();
        assertEquals(4, buffer.getShort(credentialsLengthOffset, ConnectEncoder.BYTE_ORDER));
        buffer.putShort(credentialsLengthOffset, (short)5, ConnectEncoder.BYTE_ORDER);
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length - 5));
    }

    @Test
    void acceptsChallengeResponseAndChecksItsData()
    {
        final ChallengeResponseEncoder response = new ChallengeResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .putResponse(new byte[32], 0, 32);
        final int length = HEADER + response.encodedLength();

        assertEquals(HEADER + ChallengeResponseEncoder.BLOCK_LENGTH + 2 + 32, length);
        assertNull(validator.validate(buffer, 0, length));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length - 1));
        assertTrue(InboundFrameValidator.isSessionOpeningTemplate(ChallengeResponseEncoder.TEMPLATE_ID));
        assertTrue(InboundFrameValidator.isSessionOpeningTemplate(ConnectEncoder.TEMPLATE_ID));
        assertFalse(InboundFrameValidator.isSessionOpeningTemplate(TransactionEncoder.TEMPLATE_ID));
    }

    @Test
    void refusesTheEnginesChallengeSentToIngress()
    {
        final ChallengeEncoder challenge = new ChallengeEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(7)
            .putChallenge(new byte[32], 0, 32);

        assertEquals(RejectReason.NOT_ACCEPTED_HERE, validator.validate(buffer, 0, HEADER + challenge.encodedLength()));
    }

    @Test
    void rejectsConnectWhoseVarDataIsOneByteShort()
    {
        final int length = encodeConnect(0, "0123456789");

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, length - 1));
    }

    @Test
    void rejectsConnectWithoutRoomForVarDataLength()
    {
        encodeConnect(0, "0123456789");
        final int blockEnd = HEADER + ConnectEncoder.BLOCK_LENGTH;

        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, blockEnd));
        assertEquals(RejectReason.FRAME_TOO_SHORT, validator.validate(buffer, 0, blockEnd + 1));
    }

    @Test
    void rejectsFrameLongerThanMaxFrameLength()
    {
        encodeTransaction(0);

        assertEquals(RejectReason.FRAME_TOO_LARGE, validator.validate(buffer, 0, MAX_FRAME_LENGTH + 1));
    }

    @Test
    void acceptsFrameOfExactlyMaxFrameLength()
    {
        final int length = encodeTransaction(0);
        final InboundFrameValidator tight = new InboundFrameValidator(length);

        assertNull(tight.validate(buffer, 0, length));
        assertEquals(RejectReason.FRAME_TOO_LARGE, tight.validate(buffer, 0, length + 1));
    }

    @Test
    void rejectsMaxFrameLengthBelowHeader()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new InboundFrameValidator(HEADER - 1));

        assertEquals("maxFrameLength=7 is below the header length", ex.getMessage());
    }

    @Test
    void readsClientIdAndClientSeq()
    {
        final int length = encodeTransaction(16);

        assertEquals(7L, InboundFrameValidator.clientId(buffer, 16, length));
        assertEquals(11L, InboundFrameValidator.clientSeq(buffer, 16, length));
        assertEquals(0L, InboundFrameValidator.clientId(buffer, 16, HEADER + Long.BYTES - 1));
        assertEquals(7L, InboundFrameValidator.clientId(buffer, 16, HEADER + Long.BYTES));
        assertEquals(0L, InboundFrameValidator.clientSeq(buffer, 16, HEADER + 2 * Long.BYTES - 1));
        assertEquals(11L, InboundFrameValidator.clientSeq(buffer, 16, HEADER + 2 * Long.BYTES));
    }

    @Test
    void classifiesEventTemplates()
    {
        assertTrue(InboundFrameValidator.isEventTemplate(TransactionEncoder.TEMPLATE_ID));
        assertTrue(InboundFrameValidator.isEventTemplate(OrderEncoder.TEMPLATE_ID));
        assertTrue(InboundFrameValidator.isEventTemplate(HeartbeatEncoder.TEMPLATE_ID));
        assertFalse(InboundFrameValidator.isEventTemplate(ConnectEncoder.TEMPLATE_ID));
        assertFalse(InboundFrameValidator.isEventTemplate(DisconnectEncoder.TEMPLATE_ID));
        assertFalse(InboundFrameValidator.isEventTemplate(DecisionEncoder.TEMPLATE_ID));
        assertFalse(InboundFrameValidator.isEventTemplate(99));
    }

    @Test
    void knowsMinimumBlockLengths()
    {
        assertEquals(78, InboundFrameValidator.minBlockLength(TransactionEncoder.TEMPLATE_ID));
        assertEquals(74, InboundFrameValidator.minBlockLength(OrderEncoder.TEMPLATE_ID));
        assertEquals(32, InboundFrameValidator.minBlockLength(HeartbeatEncoder.TEMPLATE_ID));
        assertEquals(12, InboundFrameValidator.minBlockLength(ConnectEncoder.TEMPLATE_ID));
        assertEquals(8, InboundFrameValidator.minBlockLength(DisconnectEncoder.TEMPLATE_ID));
        assertEquals(-1, InboundFrameValidator.minBlockLength(DecisionEncoder.TEMPLATE_ID));
        assertEquals(-1, InboundFrameValidator.minBlockLength(99));
    }

    private int encodeTransaction(final int offset)
    {
        transaction.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(7)
            .clientSeq(11)
            .eventTimeNs(1_000_000)
            .clientSendTimeNs(1_000_500)
            .txnId(100)
            .accountId(200)
            .cardId(300)
            .merchantId(400)
            .amountMinor(12_345)
            .currency("EUR")
            .country("DE")
            .channel(PaymentChannel.ECOM);
        return HEADER + transaction.encodedLength();
    }

    private int encodeConnect(final int offset, final String channel)
    {
        connect.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(7)
            .responseStreamId(1002)
            .responseChannel(channel)
            .putCredentials(new byte[0], 0, 0);
        return HEADER + connect.encodedLength();
    }
}
