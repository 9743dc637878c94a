package dev.vigil.core.ring;

import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.journal.NoInputJournal;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stage's events get the time their batch ends, from one clock read per batch of up to
 * {@link BatchClock#MAX_EVENTS_PER_READ} events.
 */
class BatchClockTest
{
    private final StepClock clock = new StepClock();

    @Test
    void eventsOfABatchGetTheTimeItEndsFromOneRead()
    {
        final BatchClock batchClock = new BatchClock(clock, RingEvent::rulesDone);
        final List<RingEvent> events = events(3);

        for (final RingEvent event : events)
        {
            batchClock.done(event);
            assertEquals(0, event.rulesDoneTimeNs(), "stamped before its batch ended");
        }
        batchClock.endOfBatch();

        assertEquals(1, clock.reads);
        for (final RingEvent event : events)
        {
            assertEquals(1_000, event.rulesDoneTimeNs());
        }

        batchClock.endOfBatch();
        assertEquals(1, clock.reads, "an empty batch reads no clock");
    }

    @Test
    void aLongBatchIsStampedInPartsOfAtMostTheLimit()
    {
        final BatchClock batchClock = new BatchClock(clock, RingEvent::rulesDone);
        final int limit = BatchClock.MAX_EVENTS_PER_READ;
        final List<RingEvent> events = events(2 * limit + 5);

        events.forEach(batchClock::done);
        batchClock.endOfBatch();

        assertEquals(3, clock.reads);
        for (int i = 0; i < events.size(); i++)
        {
            assertEquals(1_000L * (1 + i / limit), events.get(i).rulesDoneTimeNs(), "event " + i);
        }
    }

    @Test
    void theJournalStageStampsEachBatchWhenItEnds()
    {
        final JournalHandler handler = new JournalHandler(NoInputJournal.INSTANCE, clock);
        final List<RingEvent> first = events(2);
        final List<RingEvent> second = events(1);

        handler.onEvent(first.get(0), 1, false);
        handler.onEvent(first.get(1), 2, true);
        handler.onEvent(second.get(0), 3, true);

        assertEquals(2, clock.reads);
        assertEquals(1_000, first.get(0).journalDoneTimeNs());
        assertEquals(1_000, first.get(1).journalDoneTimeNs());
        assertEquals(2_000, second.get(0).journalDoneTimeNs());
    }

    private static List<RingEvent> events(final int count)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[16]);
        final List<RingEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final RingEvent event = new RingEvent(16);
            event.resetForFrame(FrameKind.EVENT, frame, 0, frame.capacity(), 1, i + 1, 0);
            events.add(event);
        }
        return events;
    }

    /**
     * Moves 1 µs on at every read, and counts the reads.
     */
    private static final class StepClock implements NanoClock
    {
        private int reads;

        @Override
        public long nanoTime()
        {
            reads++;
            return 1_000L * reads;
        }
    }
}
