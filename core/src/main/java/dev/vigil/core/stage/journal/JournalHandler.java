package dev.vigil.core.stage.journal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.BatchClock;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.InputHold;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Journal stage: writes every accepted event to the input journal, write-ahead of its decision. Connects,
 * disconnects and refused frames are transport matters and are not journaled.
 * <p>
 * Egress is gated on {@link #durableSequence()}, not on how far this stage has read: that sequence only moves once
 * everything up to it is as durable as the journal is configured to make it (at once for page-cache durability,
 * after the batch's fsync for per-batch durability, at the next periodic fsync for periodic durability).
 * <p>
 * When the journal refuses an append (closed, disk full), the stage holds that input in the ring and offers it again
 * on each duty cycle until it is taken: its decision, and everything after it, waits, ingress stops when the ring
 * fills, and publishers feel back-pressure. The refusal is reported once and counted, not thrown per attempt.
 */
public final class JournalHandler implements EventHandler<RingEvent>, InputHold
{
    private final InputJournal journal;
    private final BatchClock journalDone;
    private final AtomicCounter journalBytes;
    private final AtomicCounter journalFsyncs;
    private final AtomicCounter journalLag;
    private final AtomicCounter journalRefused;
    private final ErrorHandler errorHandler;
    private final Sequence durableSequence = new Sequence();
    private long lastSequenceSeen = -1;
    private RingEvent heldEvent;
    private long heldSequence;

    /**
     * @param journal where accepted frames go.
     * @param clock   stamps when frames are handed on, at the end of each batch.
     */
    public JournalHandler(final InputJournal journal, final NanoClock clock)
    {
        this(journal, clock, null, null);
    }

    /**
     * @param journal      where accepted frames go.
     * @param clock        stamps when frames are handed on, at the end of each batch.
     * @param counters     where journal bytes, fsyncs, lag and refusals are published; null for none.
     * @param errorHandler told once of each input the journal refuses; null for none.
     */
    public JournalHandler(
        final InputJournal journal, final NanoClock clock, final EngineCounters counters,
        final ErrorHandler errorHandler)
    {
        this.journal = journal;
        this.journalDone = new BatchClock(clock, RingEvent::journalDone);
        this.journalBytes = counters == null ? null : counters.get(EngineCounter.JOURNAL_BYTES);
        this.journalFsyncs = counters == null ? null : counters.get(EngineCounter.JOURNAL_FSYNCS);
        this.journalLag = counters == null ? null : counters.get(EngineCounter.JOURNAL_LAG);
        this.journalRefused = counters == null ? null : counters.get(EngineCounter.JOURNAL_REFUSED);
        this.errorHandler = errorHandler;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        // A slot offered again, after its end of batch threw, was appended the first time.
        if (sequence > lastSequenceSeen)
        {
            if (event.kind() == FrameKind.EVENT && !append(event))
            {
                hold(event, sequence);
                return;
            }
            journalDone.done(event);
            lastSequenceSeen = sequence;
        }
        if (endOfBatch)
        {
            endBatch();
        }
    }

    /**
     * Offer the held input to the journal again.
     *
     * @return 1 when the journal took it, else 0.
     */
    @Override
    public int resume()
    {
        final RingEvent event = heldEvent;
        if (event == null || !append(event))
        {
            return 0;
        }
        heldEvent = null;
        journalDone.done(event);
        lastSequenceSeen = heldSequence;
        endBatch();
        return 1;
    }

    /**
     * @return true while the journal has refused an input and the stage offers it again.
     */
    @Override
    public boolean holdsInput()
    {
        return heldEvent != null;
    }

    private boolean append(final RingEvent event)
    {
        return journal.append(event.engineSeq(), event.receiveTimeNs(), event.frame(), 0, event.frameLength());
    }

    private void hold(final RingEvent event, final long sequence)
    {
        heldEvent = event;
        heldSequence = sequence;
        if (journalRefused != null)
        {
            journalRefused.incrementOrdered();
        }
        if (errorHandler != null)
        {
            errorHandler.onError(journal.refusal());
        }
        // What the batch took before the refused input goes on.
        endBatch();
    }

    private void endBatch()
    {
        journal.endOfBatch();
        // Before egress may see the batch.
        journalDone.endOfBatch();
        publishIfDurable();
        publishCounters();
    }

    /**
     * Work between batches: lets a periodic fsync happen on time even when no input arrives.
     *
     * @return work done.
     */
    public int doDutyCycle()
    {
        final int workCount = journal.doDutyCycle() + publishIfDurable();
        if (workCount > 0)
        {
            publishCounters();
        }
        return workCount;
    }

    /**
     * @return the ring sequence up to which input is durable: what egress may answer.
     */
    public Sequence durableSequence()
    {
        return durableSequence;
    }

    private int publishIfDurable()
    {
        if (durableSequence.get() < lastSequenceSeen && journal.isDurable())
        {
            durableSequence.set(lastSequenceSeen);
            return 1;
        }
        return 0;
    }

    private void publishCounters()
    {
        if (journalBytes != null)
        {
            journalBytes.setOrdered(journal.bytesWritten());
            journalFsyncs.setOrdered(journal.fsyncCount());
            journalLag.setOrdered(journal.pendingRecords());
        }
    }
}
