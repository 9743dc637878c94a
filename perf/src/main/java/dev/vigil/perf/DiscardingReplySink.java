package dev.vigil.perf;

import dev.vigil.core.stage.egress.ReplySink;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reply sink with no transport behind it: every session opens, every reply and alert is taken and dropped, so a
 * benchmark measures the engine's stages and not a transport. Counts what it was given, in plain fields, so a
 * benchmark can check afterwards that every event was answered; single-threaded, owned by the egress thread.
 */
final class DiscardingReplySink implements ReplySink
{
    /** Where replies are encoded, as they would be in a publication's term: written, then dropped. */
    private final UnsafeBuffer claimBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
    private long sessionsOpened;
    private long replies;
    private long alerts;

    @Override
    public boolean openSession(final int sessionId, final long clientId)
    {
        sessionsOpened++;
        return true;
    }

    @Override
    public void closeSession(final int sessionId)
    {
    }

    @Override
    public int claim(final int sessionId, final int length)
    {
        return SENT;
    }

    @Override
    public MutableDirectBuffer claimedBuffer()
    {
        return claimBuffer;
    }

    @Override
    public int claimedOffset()
    {
        return 0;
    }

    @Override
    public void commit()
    {
        replies++;
    }

    @Override
    public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
    {
        alerts++;
        return SENT;
    }

    long sessionsOpened()
    {
        return sessionsOpened;
    }

    /**
     * @return replies taken, Connected and Reject included.
     */
    long replies()
    {
        return replies;
    }

    long alerts()
    {
        return alerts;
    }
}
