package dev.vigil.app;

import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.DecisionEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends hand-made bad frames through the real Aeron path and checks each is refused with a counted reason and a
 * Reject reply, while valid traffic around them keeps being decided.
 */
@Timeout(60)
class MalformedInputTest
{
    private static final long CLIENT_ID = 99;
    private static final int RESPONSE_STREAM_ID = 1002;
    private static final int BLOCK_LENGTH_OFFSET = MessageHeaderEncoder.blockLengthEncodingOffset();
    private static final int TEMPLATE_ID_OFFSET = MessageHeaderEncoder.templateIdEncodingOffset();
    private static final int SCHEMA_ID_OFFSET = MessageHeaderEncoder.schemaIdEncodingOffset();
    private static final int VERSION_OFFSET = MessageHeaderEncoder.versionEncodingOffset();

    @TempDir
    Path dataDir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final List<String> replies = new ArrayList<>();

    @Test
    void badFramesAreRejectedWithReasonsAndValidTrafficContinues()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            Subscription replies = aeron.addSubscription("aeron:udp?endpoint=localhost:0", RESPONSE_STREAM_ID);
            ExclusivePublication publication = aeron.addExclusivePublication(harness.ingressChannel(), 1001))
        {
            assertTrue(EngineHarness.await(
                () -> publication.isConnected() && replies.tryResolveChannelEndpointPort() != null, () -> { }, 5_000));

            // An event before Connect: refused, but there is nowhere to reply yet.
            offer(publication, encodeTransaction(1, 100));
            connect(publication, replies.tryResolveChannelEndpointPort());
            assertTrue(awaitReplies(replies, 1));
            assertEquals("connected", this.replies.get(0));

            encodeTransaction(2, 100);
            offer(publication, 5);                                                   // shorter than a header
            offer(publication, withHeaderField(encodeTransaction(3, 100), SCHEMA_ID_OFFSET, 9999));
            offer(publication, withHeaderField(encodeTransaction(4, 100), VERSION_OFFSET, 0));
            offer(publication, withHeaderField(encodeTransaction(5, 100), TEMPLATE_ID_OFFSET, 99));
            offer(publication, encodeTransaction(6, 100) - 20);                      // block beyond the frame
            offer(publication, withHeaderField(encodeTransaction(7, 100), BLOCK_LENGTH_OFFSET, 10));
            offer(publication, encodeDecision());                                    // an outbound message
            offer(publication, encodeTransaction(8, -5));                            // negative amount
            offer(publication, encodeTransaction(9, 100, 77));                       // another client's id
            offer(publication, encodeTransaction(10, 2_000_000));                    // declined by amount rule
            offer(publication, encodeTransaction(11, 100));                          // approved

            assertTrue(awaitReplies(replies, 12), () -> "replies: " + this.replies);
            assertEquals(List.of(
                "connected",
                "reject FRAME_TOO_SHORT seq=0",
                "reject UNKNOWN_SCHEMA seq=3",
                "reject UNSUPPORTED_VERSION seq=4",
                "reject UNKNOWN_TEMPLATE seq=0",                // layout unknown: no sequence to trust
                "reject FRAME_TOO_SHORT seq=6",
                "reject BAD_BLOCK_LENGTH seq=7",
                "reject NOT_ACCEPTED_HERE seq=0",
                "reject INVALID_FIELD seq=8",
                "reject CLIENT_ID_MISMATCH seq=9",
                "decision DECLINE seq=10",
                "decision APPROVE seq=11"), this.replies);

            final EngineCounters counters = harness.engine().counters();
            assertEquals(1, counters.rejects(RejectReason.NOT_CONNECTED).get());
            assertEquals(2, counters.rejects(RejectReason.FRAME_TOO_SHORT).get());
            assertEquals(1, counters.rejects(RejectReason.UNKNOWN_SCHEMA).get());
            assertEquals(1, counters.rejects(RejectReason.UNSUPPORTED_VERSION).get());
            assertEquals(1, counters.rejects(RejectReason.UNKNOWN_TEMPLATE).get());
            assertEquals(1, counters.rejects(RejectReason.BAD_BLOCK_LENGTH).get());
            assertEquals(1, counters.rejects(RejectReason.NOT_ACCEPTED_HERE).get());
            assertEquals(1, counters.rejects(RejectReason.INVALID_FIELD).get());
            assertEquals(1, counters.rejects(RejectReason.CLIENT_ID_MISMATCH).get());
            assertEquals(10, counters.totalRejects());
            assertEquals(1, counters.decisions(Verdict.DECLINE).get());
            assertEquals(1, counters.decisions(Verdict.APPROVE).get());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void oversizeFrameIsRejectedAndEngineKeepsDeciding()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "frame.max.length=128");
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            Subscription replies = aeron.addSubscription("aeron:udp?endpoint=localhost:0", RESPONSE_STREAM_ID);
            ExclusivePublication publication = aeron.addExclusivePublication(harness.ingressChannel(), 1001))
        {
            assertTrue(EngineHarness.await(
                () -> publication.isConnected() && replies.tryResolveChannelEndpointPort() != null, () -> { }, 5_000));
            connect(publication, replies.tryResolveChannelEndpointPort());
            // Events count from Connected on: before it the session is not open.
            assertTrue(awaitReplies(replies, 1), () -> "replies: " + this.replies);

            final int length = encodeTransaction(1, 100);
            final UnsafeBuffer big = new UnsafeBuffer(new byte[4000]);
            big.putBytes(0, buffer, 0, length);
            while (publication.offer(big, 0, big.capacity()) < 0)
            {
                Thread.yield();
            }
            offer(publication, encodeTransaction(2, 100));

            assertTrue(awaitReplies(replies, 3), () -> "replies: " + this.replies);
            assertEquals(List.of("connected", "reject FRAME_TOO_LARGE seq=1", "decision APPROVE seq=2"), this.replies);
            assertEquals(1, harness.engine().counters().rejects(RejectReason.FRAME_TOO_LARGE).get());
        }
    }

    private boolean awaitReplies(final Subscription subscription, final int count)
    {
        return EngineHarness.await(() -> replies.size() >= count, () -> subscription.poll(
            (buf, offset, length, header) ->
            {
                headerDecoder.wrap(buf, offset);
                switch (headerDecoder.templateId())
                {
                    case ConnectedDecoder.TEMPLATE_ID:
                        replies.add("connected");
                        break;
                    case RejectDecoder.TEMPLATE_ID:
                    {
                        final RejectDecoder reject = new RejectDecoder().wrapAndApplyHeader(buf, offset, headerDecoder);
                        replies.add("reject " + reject.reason() + " seq=" + reject.clientSeq());
                        break;
                    }
                    case DecisionDecoder.TEMPLATE_ID:
                    {
                        final DecisionDecoder decision =
                            new DecisionDecoder().wrapAndApplyHeader(buf, offset, headerDecoder);
                        replies.add("decision " + decision.verdict() + " seq=" + decision.clientSeq());
                        break;
                    }
                    default:
                        replies.add("unexpected template " + headerDecoder.templateId());
                }
            }, 10), 10_000);
    }

    private void connect(final ExclusivePublication publication, final String responseChannel)
    {
        final ConnectEncoder connect = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .responseStreamId(RESPONSE_STREAM_ID)
            .responseChannel(responseChannel)
            .putCredentials(new byte[0], 0, 0);
        offer(publication, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());
    }

    private int encodeTransaction(final long clientSeq, final long amount)
    {
        return encodeTransaction(clientSeq, amount, CLIENT_ID);
    }

    private int encodeTransaction(final long clientSeq, final long amount, final long clientId)
    {
        final TransactionEncoder txn = new TransactionEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(1_000_000_000L * clientSeq)
            .clientSendTimeNs(System.nanoTime())
            .txnId(clientSeq)
            .accountId(5)
            .cardId(6)
            .merchantId(7)
            .amountMinor(amount)
            .currency("EUR")
            .country("FR")
            .channel(PaymentChannel.POS);
        return MessageHeaderEncoder.ENCODED_LENGTH + txn.encodedLength();
    }

    private int encodeDecision()
    {
        final DecisionEncoder decision = new DecisionEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .clientSeq(1);
        return MessageHeaderEncoder.ENCODED_LENGTH + decision.encodedLength();
    }

    private int withHeaderField(final int length, final int fieldOffset, final int value)
    {
        buffer.putShort(fieldOffset, (short)value, MessageHeaderEncoder.BYTE_ORDER);
        return length;
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (publication.offer(buffer, 0, length) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("could not offer a frame within 5s");
            }
            Thread.yield();
        }
    }
}
