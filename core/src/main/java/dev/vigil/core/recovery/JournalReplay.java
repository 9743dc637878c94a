package dev.vigil.core.recovery;

import com.lmax.disruptor.EventHandler;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalRecordHandler;
import org.agrona.DirectBuffer;
import org.agrona.LangUtil;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Re-runs journaled input through a rules stage, in journal order, to rebuild the state the engine had: window
 * counts, keyed rule state, the retry table. Rules depend only on the input sequence, so the rebuilt state is the
 * state an engine that never stopped would have, and its next decisions are the same.
 * <p>
 * Each record goes through the same {@link RingEvent} a live frame would, minus transport and egress.
 */
public final class JournalReplay implements JournalRecordHandler
{
    /** Transport session of replayed input: none, nothing is answered. */
    public static final int NO_SESSION = 0;

    private static final int BATCH = 4096;
    private static final LongConsumer NO_PROGRESS = records -> { };

    private final EventHandler<RingEvent> stage;
    private final RingEvent event;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private long replayed;
    private long lastSequence;

    /**
     * @param stage          the stage to drive, e.g. the rules stage.
     * @param maxFrameLength slot capacity; a journaled frame longer than this cannot be replayed faithfully.
     */
    public JournalReplay(final EventHandler<RingEvent> stage, final int maxFrameLength)
    {
        this.stage = stage;
        this.event = new RingEvent(maxFrameLength);
    }

    /**
     * Replay every record of a journal from a sequence to its end.
     *
     * @param journalDir   directory of the journal.
     * @param fromSequence first engine sequence to replay.
     * @return the result: records replayed, last sequence, why reading stopped.
     */
    public ReplayResult replay(final Path journalDir, final long fromSequence)
    {
        return replay(journalDir, fromSequence, NO_PROGRESS);
    }

    /**
     * Replay every record of a journal from a sequence to its end, reporting progress along the way.
     *
     * @param journalDir   directory of the journal.
     * @param fromSequence first engine sequence to replay.
     * @param progress     told the records replayed so far after every batch.
     * @return the result: records replayed, last sequence, why reading stopped.
     */
    public ReplayResult replay(final Path journalDir, final long fromSequence, final LongConsumer progress)
    {
        final long startNs = System.nanoTime();
        try (JournalReader reader = JournalReader.open(journalDir, fromSequence))
        {
            while (reader.poll(this, BATCH) > 0)
            {
                progress.accept(replayed);
            }
            return new ReplayResult(replayed, lastSequence, System.nanoTime() - startNs, reader.stopReason().name());
        }
    }

    @Override
    public void onRecord(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > event.maxFrameLength())
        {
            throw new IllegalStateException("journaled frame of engine seq " + engineSeq + " is " + length +
                " bytes, longer than frame.max.length " + event.maxFrameLength());
        }
        event.resetForFrame(FrameKind.EVENT, buffer, offset, length, NO_SESSION, engineSeq, receiveTimeNs);
        header.wrap(buffer, offset);
        event.identify(
            header.templateId(),
            InboundFrameValidator.clientId(buffer, offset, length),
            InboundFrameValidator.clientSeq(buffer, offset, length));
        try
        {
            stage.onEvent(event, engineSeq, false);
        }
        catch (final Exception ex)
        {
            LangUtil.rethrowUnchecked(ex);
        }
        replayed++;
        lastSequence = engineSeq;
    }

    /**
     * What a replay did.
     *
     * @param records      records replayed.
     * @param lastSequence engine sequence of the last record replayed, 0 when none.
     * @param durationNs   how long it took.
     * @param stopReason   why reading stopped: NONE at the journal's end, else the damage found.
     */
    public record ReplayResult(long records, long lastSequence, long durationNs, String stopReason)
    {
    }
}
