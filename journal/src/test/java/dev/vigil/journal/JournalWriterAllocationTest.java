package dev.vigil.journal;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Appending and ending batches allocates nothing once warm, rolls to new segments included.
 * <p>
 * The just-in-time compilers allocate a few hundred bytes on the measured thread now and then while they swap
 * code in, long after warm-up, so the test measures rounds of 100k appends and passes on the first round under the
 * limit. One allocation per append would put every round in the megabytes.
 */
@Timeout(60)
class JournalWriterAllocationTest
{
    private static final int SEGMENT_LENGTH = 64 * 1024 * 1024;
    private static final int FRAME_LENGTH = 40;
    private static final int WARMUP_APPENDS = 100_000;
    private static final int MEASURED_APPENDS = 100_000;
    private static final int MAX_ROUNDS = 5;
    private static final int BATCH = 16;
    private static final long MAX_ALLOCATED_BYTES = 1024;
    private static final int ROLLING_SEGMENT_LENGTH = JournalDescriptor.MIN_SEGMENT_LENGTH;
    private static final long RECORDS_PER_ROLLING_SEGMENT = JournalDescriptor.maxPayloadLength(ROLLING_SEGMENT_LENGTH) /
        JournalDescriptor.alignedRecordLength(FRAME_LENGTH);

    @TempDir
    Path directory;

    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAME_LENGTH * 2, 64));
    private long nextSequence = 1;

    @Test
    void appendAndEndOfBatchAllocateNothingWhenWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation accounting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        final JournalContext context = new JournalContext()
            .directory(directory)
            .segmentLength(SEGMENT_LENGTH)
            .durability(Durability.NONE);
        try (JournalWriter writer = JournalWriter.open(context))
        {
            assertEquals(0, appendMany(writer, WARMUP_APPENDS));
            final long segmentBase = writer.segmentBaseSequence();

            final List<Long> allocatedPerRound = new ArrayList<>();
            long allocated;
            do
            {
                final long appended = writer.lastSequence();
                final long before = threads.getCurrentThreadAllocatedBytes();
                final long failures = appendMany(writer, MEASURED_APPENDS);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                allocatedPerRound.add(allocated);

                assertEquals(0, failures);
                assertEquals(appended + MEASURED_APPENDS, writer.lastSequence());
            }
            while (allocated > MAX_ALLOCATED_BYTES && allocatedPerRound.size() < MAX_ROUNDS);

            assertEquals(segmentBase, writer.segmentBaseSequence(), "no roll while measuring");
            assertTrue(allocated <= MAX_ALLOCATED_BYTES, "bytes allocated per round: " + allocatedPerRound);
        }
    }

    @Test
    void rollsAllocateNothingOnTheAppendingThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);

        // BATCH adds only the wait for the preparer's force of a sealed tail, and an fsync per batch would make
        // rounds of this size take seconds.
        for (final Durability durability : new Durability[]{Durability.NONE, Durability.PERIODIC})
        {
            final JournalContext context = new JournalContext()
                .directory(directory.resolve(durability.name()))
                .segmentLength(ROLLING_SEGMENT_LENGTH)
                .durability(durability);
            try (JournalWriter writer = JournalWriter.open(context))
            {
                assertEquals(0, appendMany(writer, WARMUP_APPENDS));

                final List<Long> allocatedPerRound = new ArrayList<>();
                long allocated;
                long rolls;
                do
                {
                    final long segmentBase = writer.segmentBaseSequence();
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    final long failures = appendMany(writer, MEASURED_APPENDS);
                    allocated = threads.getCurrentThreadAllocatedBytes() - before;
                    allocatedPerRound.add(allocated);
                    rolls = (writer.segmentBaseSequence() - segmentBase) / RECORDS_PER_ROLLING_SEGMENT;

                    assertEquals(0, failures);
                }
                while (allocated > MAX_ALLOCATED_BYTES && allocatedPerRound.size() < MAX_ROUNDS);

                assertTrue(rolls >= 50, "rolled " + rolls + " times while measuring");
                assertTrue(allocated <= MAX_ALLOCATED_BYTES, durability + ": bytes allocated per round: " +
                    allocatedPerRound);
            }
        }
    }

    private long appendMany(final JournalWriter writer, final int count)
    {
        long failures = 0;
        for (int i = 0; i < count; i++)
        {
            final long sequence = nextSequence++;
            frame.putLong(i & 7, sequence);
            if (writer.append(sequence, sequence, frame, 0, FRAME_LENGTH) <= 0)
            {
                failures++;
            }
            if ((i % BATCH) == BATCH - 1)
            {
                writer.endOfBatch();
                writer.doDutyCycle();
            }
        }
        return failures;
    }
}
