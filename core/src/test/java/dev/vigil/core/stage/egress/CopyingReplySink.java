package dev.vigil.core.stage.egress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reply sink for tests that look at what egress sends: a claim hands out a buffer of the sink's own, and the commit
 * passes the reply encoded there to {@link #send}.
 */
public abstract class CopyingReplySink implements ReplySink
{
    private final UnsafeBuffer claimBuffer = new UnsafeBuffer(new byte[512]);
    private int claimedSessionId;
    private int claimedLength;

    @Override
    public final int claim(final int sessionId, final int length)
    {
        final int result = canReply(sessionId);
        if (result == SENT)
        {
            claimedSessionId = sessionId;
            claimedLength = length;
        }
        return result;
    }

    @Override
    public final MutableDirectBuffer claimedBuffer()
    {
        return claimBuffer;
    }

    @Override
    public final int claimedOffset()
    {
        return 0;
    }

    @Override
    public final void commit()
    {
        send(claimedSessionId, claimBuffer, 0, claimedLength);
    }

    /**
     * @param sessionId a session a reply is about to be claimed on.
     * @return {@link #SENT} when a reply to it can be taken, else {@link #NO_SESSION} or {@link #FAILED}.
     */
    protected int canReply(final int sessionId)
    {
        return SENT;
    }

    /**
     * Take one reply, encoded and committed.
     *
     * @param sessionId the session it is for.
     * @param buffer    holding it.
     * @param offset    of the reply.
     * @param length    of the reply.
     */
    protected abstract void send(int sessionId, DirectBuffer buffer, int offset, int length);
}
