package dev.vigil.core.stage.journal;

import org.agrona.DirectBuffer;

/**
 * Journal stage with journaling switched off: frames are not written anywhere, so a restart starts from empty
 * state. The stage still runs, so the egress gate and the latency breakdown are the same as with a journal.
 */
public final class NoInputJournal implements InputJournal
{
    /** The one instance; it has no state. */
    public static final NoInputJournal INSTANCE = new NoInputJournal();

    private NoInputJournal()
    {
    }

    @Override
    public boolean append(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        return true;
    }

    @Override
    public void endOfBatch()
    {
    }

    @Override
    public void close()
    {
    }
}
