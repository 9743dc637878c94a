package dev.vigil.app.engine;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reassembles fragmented ingress messages while holding at most {@code maxFrameLength} bytes per session.
 * <p>
 * Aeron's {@code FragmentAssembler} grows a buffer per session to the largest message that session ever sent (up
 * to an eighth of a term length the client chooses, 128 MiB at most) and keeps it while the subscription lives, so
 * a few clients sending huge messages could exhaust the engine's heap. Here a message that grows past the limit is
 * not buffered further: its first bytes (header, client id, client sequence) are kept and the rest is skipped as it
 * arrives, then the delegate gets those first bytes with the message's full length, which is over the limit, so it
 * refuses the message as too large without reading past them. A session's buffer is freed when its image closes.
 * Owned by the ingress thread.
 */
final class BoundedFragmentAssembler implements FragmentHandler
{
    private final FragmentHandler delegate;
    private final int maxFrameLength;
    private final Int2ObjectHashMap<SessionBuffer> bufferBySession = new Int2ObjectHashMap<>();

    /**
     * @param delegate       receives whole messages; for one over the limit, only its first bytes are readable.
     * @param maxFrameLength longest message buffered in full.
     */
    BoundedFragmentAssembler(final FragmentHandler delegate, final int maxFrameLength)
    {
        this.delegate = delegate;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            delegate.onFragment(buffer, offset, length, header);
            return;
        }

        final int sessionId = header.sessionId();
        SessionBuffer session = bufferBySession.get(sessionId);
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == FrameDescriptor.BEGIN_FRAG_FLAG)
        {
            if (session == null)
            {
                session = new SessionBuffer(maxFrameLength);
                bufferBySession.put(sessionId, session);
            }
            session.begin();
        }
        else if (session == null || !session.inMessage || session.nextTermOffset != header.termOffset())
        {
            // A fragment of a message whose start this subscriber never saw, or after a gap: skip the message.
            if (session != null)
            {
                session.inMessage = false;
            }
            return;
        }

        session.append(buffer, offset, length, header.nextTermOffset());
        if ((flags & FrameDescriptor.END_FRAG_FLAG) == FrameDescriptor.END_FRAG_FLAG)
        {
            session.inMessage = false;
            delegate.onFragment(session.buffer, 0, session.messageLength, header);
        }
    }

    /**
     * @param sessionId a session whose image closed: its buffer goes.
     */
    void freeSession(final int sessionId)
    {
        bufferBySession.remove(sessionId);
    }

    /**
     * @return bytes of buffer held for all sessions.
     */
    long bytesHeld()
    {
        return (long)bufferBySession.size() * maxFrameLength;
    }

    private static final class SessionBuffer
    {
        private final UnsafeBuffer buffer;
        private boolean inMessage;
        private int messageLength;
        private int nextTermOffset;

        SessionBuffer(final int capacity)
        {
            buffer = new UnsafeBuffer(new byte[capacity]);
        }

        void begin()
        {
            inMessage = true;
            messageLength = 0;
        }

        void append(final DirectBuffer src, final int offset, final int length, final int nextTermOffset)
        {
            final int room = buffer.capacity() - messageLength;
            if (room > 0)
            {
                buffer.putBytes(messageLength, src, offset, Math.min(room, length));
            }
            // Saturates: a message can be no longer than an eighth of a term, so it never overflows in practice.
            messageLength = (int)Math.min(Integer.MAX_VALUE, (long)messageLength + length);
            this.nextTermOffset = nextTermOffset;
        }
    }
}
