package dev.vigil.app.engine;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Feeds hand-laid Aeron data frames, as a term buffer holds them, through the assembler.
 */
class BoundedFragmentAssemblerTest
{
    private static final int MAX_FRAME_LENGTH = 512;
    private static final int SESSION_A = 11;
    private static final int SESSION_B = 22;

    // Each session's image has its own term.
    private final UnsafeBuffer[] terms = {new UnsafeBuffer(new byte[1 << 20]), new UnsafeBuffer(new byte[1 << 20])};
    private final int[] termOffsets = new int[2];
    private final DataHeaderFlyweight frameHeader = new DataHeaderFlyweight();
    private final Header header = new Header(0, 20);
    private final List<byte[]> delivered = new ArrayList<>();
    private final List<Integer> deliveredLengths = new ArrayList<>();
    private final BoundedFragmentAssembler assembler = new BoundedFragmentAssembler(this::onMessage, MAX_FRAME_LENGTH);

    @Test
    void unfragmentedAndFragmentedMessagesWithinTheLimitArriveWhole()
    {
        final byte[] small = message(100, 1);
        final byte[] split = message(500, 2);
        send(SESSION_A, small, 1000);
        send(SESSION_A, split, 200);

        assertEquals(List.of(100, 500), deliveredLengths);
        assertArrayEquals(small, delivered.get(0));
        assertArrayEquals(split, delivered.get(1));
    }

    @Test
    void messageOverTheLimitKeepsOnlyItsFirstBytesAndItsFullLength()
    {
        final byte[] huge = message(100_000, 3);
        send(SESSION_A, huge, 1376);
        final byte[] next = message(300, 4);
        send(SESSION_A, next, 100);

        assertEquals(List.of(100_000, 300), deliveredLengths);
        final byte[] head = new byte[MAX_FRAME_LENGTH];
        System.arraycopy(huge, 0, head, 0, MAX_FRAME_LENGTH);
        assertArrayEquals(head, delivered.get(0));
        assertArrayEquals(next, delivered.get(1));
        assertEquals(MAX_FRAME_LENGTH, assembler.bytesHeld());
    }

    @Test
    void interleavedSessionsAreKeptApartAndFreedWhenTheirImagesClose()
    {
        final byte[] a = message(400, 5);
        final byte[] b = message(450, 6);
        fragment(SESSION_A, a, 0, 200, FrameDescriptor.BEGIN_FRAG_FLAG);
        fragment(SESSION_B, b, 0, 100, FrameDescriptor.BEGIN_FRAG_FLAG);
        fragment(SESSION_B, b, 100, 350, FrameDescriptor.END_FRAG_FLAG);
        fragment(SESSION_A, a, 200, 200, FrameDescriptor.END_FRAG_FLAG);

        assertEquals(List.of(450, 400), deliveredLengths);
        assertArrayEquals(b, delivered.get(0));
        assertArrayEquals(a, delivered.get(1));
        assertEquals(2L * MAX_FRAME_LENGTH, assembler.bytesHeld());

        assembler.freeSession(SESSION_A);
        assembler.freeSession(SESSION_B);
        assertEquals(0, assembler.bytesHeld());
    }

    @Test
    void fragmentsWithoutTheirStartAreSkipped()
    {
        final byte[] message = message(300, 7);
        fragment(SESSION_A, message, 100, 100, (byte)0);
        fragment(SESSION_A, message, 200, 100, FrameDescriptor.END_FRAG_FLAG);
        send(SESSION_A, message(50, 8), 1000);

        assertEquals(List.of(50), deliveredLengths);
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte[] bytes = new byte[Math.min(length, buffer.capacity() - offset)];
        buffer.getBytes(offset, bytes);
        delivered.add(bytes);
        deliveredLengths.add(length);
    }

    private void send(final int sessionId, final byte[] message, final int maxPayload)
    {
        if (message.length <= maxPayload)
        {
            fragment(sessionId, message, 0, message.length, FrameDescriptor.UNFRAGMENTED);
            return;
        }
        for (int from = 0; from < message.length; from += maxPayload)
        {
            final int length = Math.min(maxPayload, message.length - from);
            final byte flags = (byte)((from == 0 ? FrameDescriptor.BEGIN_FRAG_FLAG : 0) |
                (from + length == message.length ? FrameDescriptor.END_FRAG_FLAG : 0));
            fragment(sessionId, message, from, length, flags);
        }
    }

    private void fragment(
        final int sessionId, final byte[] message, final int from, final int length, final byte flags)
    {
        final int image = sessionId == SESSION_A ? 0 : 1;
        final UnsafeBuffer term = terms[image];
        final int termOffset = termOffsets[image];
        frameHeader.wrap(term, termOffset, DataHeaderFlyweight.HEADER_LENGTH);
        frameHeader.frameLength(DataHeaderFlyweight.HEADER_LENGTH + length);
        frameHeader.flags(flags);
        frameHeader.termOffset(termOffset);
        frameHeader.sessionId(sessionId);
        term.putBytes(termOffset + DataHeaderFlyweight.HEADER_LENGTH, message, from, length);

        header.buffer(term);
        header.offset(termOffset);
        assembler.onFragment(term, termOffset + DataHeaderFlyweight.HEADER_LENGTH, length, header);
        termOffsets[image] +=
            BitUtil.align(DataHeaderFlyweight.HEADER_LENGTH + length, FrameDescriptor.FRAME_ALIGNMENT);
    }

    private static byte[] message(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        return bytes;
    }
}
