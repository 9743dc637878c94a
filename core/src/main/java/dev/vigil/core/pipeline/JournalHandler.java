package dev.vigil.core.pipeline;

import com.lmax.disruptor.EventHandler;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import org.agrona.concurrent.NanoClock;

/**
 * Journal stage: writes every accepted event to the input journal, write-ahead of its decision. Connects,
 * disconnects and refused frames are transport matters and are not journaled.
 */
public final class JournalHandler implements EventHandler<RingEvent>
{
    private final InputJournal journal;
    private final NanoClock clock;

    /**
     * @param journal where accepted frames go.
     * @param clock   stamps when each frame was journaled.
     */
    public JournalHandler(final InputJournal journal, final NanoClock clock)
    {
        this.journal = journal;
        this.clock = clock;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        if (event.kind() == FrameKind.EVENT)
        {
            journal.append(event.engineSeq(), event.receiveTimeNs(), event.frame(), 0, event.frameLength());
        }
        if (endOfBatch)
        {
            journal.endOfBatch();
        }
        event.journalDone(clock.nanoTime());
    }
}
