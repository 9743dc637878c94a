package dev.vigil.journal;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.vigil.journal.JournalTestSupport.appendRange;
import static dev.vigil.journal.JournalTestSupport.context;
import static dev.vigil.journal.JournalTestSupport.readAll;
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
            assertEquals(1, writer.fsyncCount(), "the directory, once the prepared segment's file was created");
            append(writer, 1, 3);
            assertEquals(1, writer.fsyncCount(), "a roll forces nothing itself");
            assertEquals(0, writer.durableSequence(), "not durable before the end of the batch");

            writer.endOfBatch();
            assertEquals(2, writer.fsyncCount(), "the records with the header; the rename needs no directory sync");
            assertEquals(3, writer.durableSequence());
            final long afterFirstBatch = writer.fsyncCount();

            writer.endOfBatch();
            assertEquals(afterFirstBatch, writer.fsyncCount(), "nothing new, no force");

            append(writer, 4, 4);
            writer.doDutyCycle();
            assertEquals(afterFirstBatch + 1, writer.fsyncCount(), "the directory, once the next file was created");
            assertEquals(3, writer.durableSequence(), "batch mode forces records at the end of a batch only");
            writer.endOfBatch();
            assertEquals(afterFirstBatch + 2, writer.fsyncCount());
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
        assertEquals(batches + segments, fsyncs, "one per batch; per segment the directory after creating its " +
            "file; no sealed tail to force, as every batch was forced");
    }

    @Test
    void batchForcesTheSealedTailOfARollWithinTheBatchBeforeItReturns() throws Exception
    {
        // Batches of 100 records of 64 bytes (96 aligned) are 9,600 bytes, more than the 4 KiB of room under which
        // a 64 KiB segment is rolled between batches: so some rolls fall inside a batch.
        try (JournalWriter writer = JournalWriter.open(context(directory).durability(Durability.BATCH)))
        {
            long sequence = 0;
            int rolls = 0;
            for (int batch = 0; batch < 200 && rolls < 4; batch++)
            {
                final long base = writer.segmentBaseSequence();
                final long fsyncs = writer.fsyncCount();
                append(writer, sequence + 1, sequence + 100);
                sequence += 100;
                final boolean rolled = base != 0 && writer.segmentBaseSequence() != base;
                assertEquals(fsyncs, writer.fsyncCount(), "appends, rolls included, force nothing");
                assertTrue(writer.durableSequence() < sequence);

                writer.endOfBatch();
                assertEquals(sequence, writer.durableSequence(), "durable when endOfBatch returns");
                if (rolled)
                {
                    rolls++;
                    assertEquals(fsyncs + 2, writer.fsyncCount(),
                        "the sealed tail, then the records of the new segment");
                }
                writer.doDutyCycle();
            }
            assertEquals(4, rolls, "rolls inside a batch");
        }
    }

    @Test
    void batchRollsBetweenBatchesWhenLittleRoomIsLeftSoTheRollNeedsNoForceOfItsOwn() throws Exception
    {
        final int rollAhead = JournalTestSupport.SMALL_SEGMENT_LENGTH / 16;
        long sequence = 0;
        try (JournalWriter writer = JournalWriter.open(context(directory).durability(Durability.BATCH)))
        {
            final long firstBase = 1;
            while (writer.segmentBaseSequence() <= firstBase)
            {
                final long fsyncs = writer.fsyncCount();
                sequence++;
                append(writer, sequence, sequence);
                assertEquals(firstBase, writer.segmentBaseSequence(), "one record never rolls inside its batch");

                final int roomBefore = JournalDescriptor.recordLimit(JournalTestSupport.SMALL_SEGMENT_LENGTH) -
                    writer.position();
                writer.endOfBatch();
                assertEquals(sequence, writer.durableSequence());
                if (writer.segmentBaseSequence() != firstBase)
                {
                    assertTrue(roomBefore < rollAhead, "rolled with " + roomBefore + " bytes of room left");
                    assertEquals(sequence + 1, writer.segmentBaseSequence(), "the next record starts the new one");
                    assertEquals(JournalDescriptor.SEGMENT_HEADER_LENGTH, writer.position());
                }
                else
                {
                    assertTrue(roomBefore >= rollAhead);
                }
                assertEquals(fsyncs + 1, writer.fsyncCount(), "one force per batch, roll or not");
                writer.doDutyCycle();
            }
        }
        assertEquals(sequence, readAll(directory, 1).size());
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
                assertEquals(0, writer.durableSequence(), "renaming, preparing the next segment, interval not passed");
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
            assertEquals(2, reopened.fsyncCount(),
                "the recovered segment is forced once at open, the directory once the next file was created");
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
