package dev.vigil.journal;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.vigil.journal.JournalTestSupport.appendRange;
import static dev.vigil.journal.JournalTestSupport.context;
import static dev.vigil.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class JournalDurabilityTest
{
    private static final long INTERVAL_NS = 1_000_000L;

    @TempDir
    Path directory;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);

    @Test
    void noneNeverForcesAndCountsEverythingAppendedAsDurable()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory).durability(Durability.NONE)))
        {
            append(writer, 1, 10);
            writer.endOfBatch();
            assertEquals(10, writer.durableSequence());
            append(writer, 11, 11);
            assertEquals(11, writer.durableSequence());
            writer.doDutyCycle();
            assertEquals(0, writer.fsyncCount());
        }
    }

    @Test
    void batchForcesTheBytesWrittenSinceTheLastForceAtEveryEndOfBatch()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory).durability(Durability.BATCH)))
        {
            assertEquals(0, writer.fsyncCount(), "empty journal, nothing to force at open");
            append(writer, 1, 3);
            assertEquals(0, writer.durableSequence(), "not durable before the end of the batch");
            final long afterFirstSegment = writer.fsyncCount();
            assertEquals(2, afterFirstSegment, "new segment header and directory");

            writer.endOfBatch();
            assertEquals(afterFirstSegment + 1, writer.fsyncCount());
            assertEquals(3, writer.durableSequence());

            writer.endOfBatch();
            assertEquals(afterFirstSegment + 1, writer.fsyncCount(), "nothing new, no force");

            append(writer, 4, 4);
            writer.doDutyCycle();
            assertEquals(afterFirstSegment + 1, writer.fsyncCount(), "batch mode forces at the end of a batch only");
            writer.endOfBatch();
            assertEquals(afterFirstSegment + 2, writer.fsyncCount());
            assertEquals(4, writer.durableSequence());
        }
    }

    @Test
    void batchForcesAtEveryRollToo() throws Exception
    {
        final int batches = 1_000;
        final long fsyncs;
        try (JournalWriter writer = JournalWriter.open(context(directory).durability(Durability.BATCH)))
        {
            appendRange(writer, 1, batches);
            fsyncs = writer.fsyncCount();
            assertEquals(batches, writer.durableSequence());
        }

        final int segments = segments(directory).size();
        assertTrue(segments > 3);
        assertEquals(batches + 2 + (3L * (segments - 1)), fsyncs,
            "one per batch; header and directory per segment; and the sealed tail per roll");
    }

    @Test
    void periodicForcesOnceTheIntervalHasPassedAtEndOfBatchOrInIdleTime()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(5_000_000L);
        final JournalContext context = context(directory)
            .durability(Durability.PERIODIC)
            .fsyncIntervalNs(INTERVAL_NS)
            .nanoClock(clock);

        try (JournalWriter writer = JournalWriter.open(context))
        {
            append(writer, 1, 1);
            while (writer.doDutyCycle() > 0)
            {
                assertEquals(0, writer.durableSequence(), "preparing the next segment, interval not passed");
            }
            final long base = writer.fsyncCount();
            writer.endOfBatch();
            assertEquals(base, writer.fsyncCount(), "interval not passed since open");
            assertEquals(0, writer.durableSequence());

            clock.advance(INTERVAL_NS - 1);
            writer.endOfBatch();
            assertEquals(base, writer.fsyncCount(), "one nanosecond short");

            clock.advance(1);
            writer.endOfBatch();
            assertEquals(base + 1, writer.fsyncCount());
            assertEquals(1, writer.durableSequence());

            append(writer, 2, 5);
            writer.endOfBatch();
            assertEquals(0, writer.doDutyCycle(), "just forced, and the next segment is prepared");
            assertEquals(base + 1, writer.fsyncCount());
            assertEquals(1, writer.durableSequence());

            clock.advance(INTERVAL_NS);
            assertEquals(1, writer.doDutyCycle(), "an idle writer forces on time");
            assertEquals(base + 2, writer.fsyncCount());
            assertEquals(5, writer.durableSequence());

            clock.advance(10 * INTERVAL_NS);
            writer.endOfBatch();
            assertEquals(0, writer.doDutyCycle());
            assertEquals(base + 2, writer.fsyncCount(), "nothing new, no force");

            append(writer, 6, 6);
            writer.endOfBatch();
            assertEquals(base + 3, writer.fsyncCount(), "long since the last force: forced at once");
            assertEquals(6, writer.durableSequence());
        }
    }

    @Test
    void closeForcesWhatIsLeftAndReopenCountsRecoveredRecordsAsDurable()
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final JournalContext context = context(directory).durability(Durability.PERIODIC).nanoClock(clock);
        final long fsyncsBeforeClose;
        final JournalWriter writer = JournalWriter.open(context);
        append(writer, 1, 7);
        writer.endOfBatch();
        assertEquals(0, writer.durableSequence());
        fsyncsBeforeClose = writer.fsyncCount();
        writer.close();
        assertEquals(fsyncsBeforeClose + 1, writer.fsyncCount());
        assertEquals(7, writer.durableSequence());

        try (JournalWriter reopened = JournalWriter.open(context))
        {
            assertEquals(7, reopened.durableSequence());
            assertEquals(1, reopened.fsyncCount(), "the recovered segment is forced once at open");
        }
    }

    private void append(final JournalWriter writer, final long from, final long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            frame.putLong(0, sequence);
            assertTrue(writer.append(sequence, sequence, frame, 0, frame.capacity()) > 0);
        }
    }
}
