package dev.vigil.journal;

import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vigil.journal.JournalDescriptor.CORRUPT_SUFFIX;
import static dev.vigil.journal.JournalDescriptor.END_OF_SEGMENT;
import static dev.vigil.journal.JournalDescriptor.END_OF_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalDescriptor.HEADER_CHECKSUM_OFFSET;
import static dev.vigil.journal.JournalDescriptor.PREPARED_SEGMENT_FILE_NAME;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.segmentFileName;
import static dev.vigil.journal.JournalTestSupport.MAX_TEST_PAYLOAD;
import static dev.vigil.journal.JournalTestSupport.SMALL_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalTestSupport.context;
import static dev.vigil.journal.JournalTestSupport.endOfRecords;
import static dev.vigil.journal.JournalTestSupport.intAt;
import static dev.vigil.journal.JournalTestSupport.payload;
import static dev.vigil.journal.JournalTestSupport.readAll;
import static dev.vigil.journal.JournalTestSupport.receiveTimeNs;
import static dev.vigil.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The states a roll leaves files in, as a crash at each point would find them, and the roll's work off the
 * appending thread.
 * <p>
 * A roll writes the new segment's header into the prepared file and seals the current segment, and appending goes
 * on into the prepared file at once; renaming it to the segment's name comes after. Without a background preparer
 * the writer does that rename in the next {@code endOfBatch}, so appending past a roll without ending the batch,
 * then copying the directory while the writer is open (the copy reads the page cache, as a restarted process
 * would after a kill), gives the image of a crash between the roll and the rename. The other states are made
 * from that image by undoing a step.
 */
@Timeout(60)
class JournalRollTest
{
    @TempDir
    Path directory;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[MAX_TEST_PAYLOAD]);

    @Test
    void recordsInAPreparedFileNotYetRenamedAreRecovered() throws Exception
    {
        final Image image = crashAfterRoll(Durability.NONE);
        assertTrue(SegmentFiles.holdsSegmentHeader(image.prepared()), "the new segment is still the prepared file");
        assertFalse(Files.exists(image.newSegment()));

        try (JournalWriter writer = JournalWriter.open(context(image.directory)))
        {
            assertEquals(image.lastSequence, writer.lastSequence());
            assertEquals(image.newBase, writer.segmentBaseSequence(), "appends go on in the recovered segment");
            assertFalse(writer.recoveryReport().truncated());
            assertTrue(Files.exists(image.newSegment()), "named by recovery");
            append(writer, image.lastSequence + 1, image.lastSequence + 5);
            writer.endOfBatch();
        }

        readAll(image.directory, 1).assertRange(1, image.lastSequence + 5);
    }

    @Test
    void recordsInAPreparedFileAreRecoveredInEveryDurabilityMode() throws Exception
    {
        for (final Durability durability : Durability.values())
        {
            final Image image = crashAfterRoll(durability, directory.resolve(durability.name()));
            try (JournalWriter writer = JournalWriter.open(context(image.directory).durability(durability)))
            {
                assertEquals(image.lastSequence, writer.lastSequence(), durability.name());
                assertEquals(image.lastSequence, writer.durableSequence(), "recovered records are durable");
            }
            readAll(image.directory, 1).assertRange(1, image.lastSequence);
        }
    }

    @Test
    void aRollCutBeforeTheSealedSegmentGotItsMarkerIsRecovered() throws Exception
    {
        final Image image = crashAfterRoll(Durability.NONE);
        final int markerOffset = endOfRecords(image.sealedSegment());
        assertEquals(END_OF_SEGMENT, intAt(image.sealedSegment(), markerOffset));
        JournalTestSupport.write(image.sealedSegment(), markerOffset, new byte[END_OF_SEGMENT_LENGTH]);

        try (JournalWriter writer = JournalWriter.open(context(image.directory)))
        {
            assertEquals(image.lastSequence, writer.lastSequence());
            assertFalse(writer.recoveryReport().truncated());
        }
        assertEquals(END_OF_SEGMENT, intAt(image.sealedSegment(), markerOffset), "sealed by recovery");
        readAll(image.directory, 1).assertRange(1, image.lastSequence);
    }

    @Test
    void aPreparedFileHoldingOnlyAHeaderBecomesAnEmptyLastSegment() throws Exception
    {
        final Image image = crashAfterRoll(Durability.NONE);
        final int length = (int)Files.size(image.prepared());
        JournalTestSupport.write(image.prepared(), SEGMENT_HEADER_LENGTH, new byte[length - SEGMENT_HEADER_LENGTH]);

        try (JournalWriter writer = JournalWriter.open(context(image.directory)))
        {
            assertEquals(image.newBase - 1, writer.lastSequence());
            assertEquals(image.newBase, writer.segmentBaseSequence());
            assertFalse(writer.recoveryReport().truncated());
            append(writer, image.newBase, image.newBase + 2);
            writer.endOfBatch();
        }
        assertTrue(Files.exists(image.newSegment()));
        readAll(image.directory, 1).assertRange(1, image.newBase + 2);
    }

    @Test
    void aPreparedFileWithoutAHeaderHoldsNoRecordsAndIsDeleted() throws Exception
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            append(writer, 1, 10);
            writer.endOfBatch();
        }
        final Path prepared = directory.resolve(PREPARED_SEGMENT_FILE_NAME);
        Files.write(prepared, new byte[SMALL_SEGMENT_LENGTH]); // left by a crash while it was being prepared

        final RecoveryReport report = JournalRecovery.recover(directory, false);
        assertFalse(report.truncated());
        assertEquals(10, report.lastSequence());
        assertFalse(Files.exists(prepared));
        assertEquals(List.of(directory.resolve(segmentFileName(1))), segments(directory));
    }

    @Test
    void aPreparedFileWithDataButATornHeaderIsQuarantinedNotDeleted() throws Exception
    {
        final Image image = crashAfterRoll(Durability.NONE);
        JournalTestSupport.flipBit(image.prepared(), HEADER_CHECKSUM_OFFSET, 3);

        final RecoveryReport report;
        try (JournalWriter writer = JournalWriter.open(context(image.directory)))
        {
            report = writer.recoveryReport();
            assertEquals(image.newBase - 1, writer.lastSequence(), "its records were never reported durable");
            append(writer, image.newBase, image.newBase + 1);
            writer.endOfBatch();
        }

        final Path quarantined = image.directory.resolve(PREPARED_SEGMENT_FILE_NAME + CORRUPT_SUFFIX);
        assertTrue(report.truncated());
        assertEquals(List.of(quarantined), report.quarantinedSegments());
        assertTrue(report.problem().contains("prepared segment holds data but no valid header"), report.problem());
        assertTrue(Files.exists(quarantined));
        readAll(image.directory, 1).assertRange(1, image.newBase + 1);
    }

    @Test
    void aPreparedFileWithTheHeaderOfAnExistingSegmentIsDamage() throws Exception
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            append(writer, 1, 10);
            writer.endOfBatch();
        }
        final Path prepared = directory.resolve(PREPARED_SEGMENT_FILE_NAME);
        Files.copy(directory.resolve(segmentFileName(1)), prepared);

        assertThrows(JournalCorruptionException.class, () -> JournalRecovery.recover(directory, false));
        assertTrue(Files.exists(prepared), "nothing changed");

        final RecoveryReport report = JournalRecovery.recover(directory, true);
        assertEquals(10, report.lastSequence());
        assertEquals(List.of(directory.resolve(PREPARED_SEGMENT_FILE_NAME + CORRUPT_SUFFIX)),
            report.quarantinedSegments());
        readAll(directory, 1).assertRange(1, 10);
    }

    @Test
    void verifyReadsAPreparedFileAsItsSegmentWithoutRenamingIt() throws Exception
    {
        final Image image = crashAfterRoll(Durability.NONE);

        final RecoveryReport report = JournalRecovery.verify(image.directory, false);
        assertEquals(image.lastSequence, report.lastSequence());
        assertEquals(image.lastSequence, report.recordCount());
        assertFalse(report.truncated());
        assertTrue(Files.exists(image.prepared()), "verify changes nothing");
        assertFalse(Files.exists(image.newSegment()));
    }

    @Test
    void withoutAPreparerTheRollIsRenamedAtTheEndOfItsBatch() throws Exception
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            final long newBase = appendUntilRoll(writer, 1);
            append(writer, newBase + 1, newBase + 3);
            assertFalse(Files.exists(directory.resolve(segmentFileName(newBase))));
            assertTrue(SegmentFiles.holdsSegmentHeader(directory.resolve(PREPARED_SEGMENT_FILE_NAME)));

            writer.endOfBatch();
            assertTrue(Files.exists(directory.resolve(segmentFileName(newBase))));
            assertFalse(Files.exists(directory.resolve(PREPARED_SEGMENT_FILE_NAME)), "the next one is not made yet");
        }
    }

    @Test
    void closeGivesTheLastSegmentItsNameAndDeletesOnlyAnUnusedPreparedFile() throws Exception
    {
        final long newBase;
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            newBase = appendUntilRoll(writer, 1);
        }
        assertTrue(Files.exists(directory.resolve(segmentFileName(newBase))));
        assertFalse(Files.exists(directory.resolve(PREPARED_SEGMENT_FILE_NAME)));
        readAll(directory, 1).assertRange(1, newBase);
    }

    @Test
    void inTheBackgroundEveryBatchIsDurableWhenEndOfBatchReturnsAcrossRolls() throws Exception
    {
        final JournalContext context = context(directory).durability(Durability.BATCH).prepareInBackground(true);
        long sequence = 0;
        try (JournalWriter writer = JournalWriter.open(context))
        {
            for (int batch = 0; batch < 400; batch++)
            {
                final int size = 1 + (batch % 13);
                append(writer, sequence + 1, sequence + size);
                sequence += size;
                writer.endOfBatch();
                assertEquals(sequence, writer.durableSequence(), "batch " + batch);
                writer.doDutyCycle();
            }
        }

        assertNamedSegmentsOnly();
        assertTrue(segments(directory).size() > 5, "rolled several times");
        readAll(directory, 1).assertRange(1, sequence);
    }

    @Test
    void inTheBackgroundPeriodicDurabilityWaitsForTheSealedTailThenCoversTheNewSegment() throws Exception
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final JournalContext context = context(directory)
            .durability(Durability.PERIODIC)
            .prepareInBackground(true)
            .nanoClock(clock);
        final long newLast;
        try (JournalWriter writer = JournalWriter.open(context))
        {
            final long newBase = appendUntilRoll(writer, 1);
            append(writer, newBase + 1, newBase + 4);
            writer.endOfBatch();
            assertTrue(writer.durableSequence() < newBase - 1, "nothing forced: the interval has not passed");

            clock.advance(JournalContext.FSYNC_INTERVAL_NS_DEFAULT);
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (writer.durableSequence() != newBase + 4 && System.nanoTime() < deadlineNs)
            {
                writer.doDutyCycle();
                final long durable = writer.durableSequence();
                assertTrue(durable == newBase + 4 || durable < newBase, "never part of a segment: " + durable);
                Thread.yield();
            }
            assertEquals(newBase + 4, writer.durableSequence());
            newLast = newBase + 4;
        }
        assertNamedSegmentsOnly();
        readAll(directory, 1).assertRange(1, newLast);
    }

    private void assertNamedSegmentsOnly() throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                assertTrue(JournalDescriptor.parseSegmentBaseSequence(name) > 0 ||
                    name.equals(JournalDescriptor.LOCK_FILE_NAME), "unexpected file " + name);
            }
        }
    }

    /**
     * A writer without a preparer appends until it rolls and a few records after, without ending the batch; the
     * directory is copied then, before the writer renames the new segment.
     */
    private Image crashAfterRoll(final Durability durability) throws IOException
    {
        return crashAfterRoll(durability, directory);
    }

    private Image crashAfterRoll(final Durability durability, final Path base) throws IOException
    {
        final Path live = base.resolve("live");
        final Path image = base.resolve("image");
        try (JournalWriter writer = JournalWriter.open(context(live).durability(durability)))
        {
            final long firstRoll = appendUntilRoll(writer, 1);
            append(writer, firstRoll + 1, firstRoll + 20);
            writer.endOfBatch();
            writer.doDutyCycle();

            final long newBase = appendUntilRoll(writer, firstRoll + 21);
            append(writer, newBase + 1, newBase + 6);
            copyDirectory(live, image);
            return new Image(image, firstRoll, newBase, newBase + 6);
        }
    }

    /**
     * Append one record per call from a sequence on, ending batches, until a record starts a new segment; that
     * batch is left open.
     *
     * @return the sequence of that record: the new segment's base.
     */
    private long appendUntilRoll(final JournalWriter writer, final long from)
    {
        long sequence = from;
        if (writer.segmentBaseSequence() == 0)
        {
            append(writer, sequence, sequence);
            writer.endOfBatch();
            sequence++;
        }

        final long base = writer.segmentBaseSequence();
        while (true)
        {
            append(writer, sequence, sequence);
            if (writer.segmentBaseSequence() != base)
            {
                return sequence;
            }
            writer.endOfBatch();
            sequence++;
        }
    }

    private void append(final JournalWriter writer, final long from, final long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            final byte[] payload = payload(sequence);
            frame.putBytes(0, payload);
            final long result = writer.append(sequence, receiveTimeNs(sequence), frame, 0, payload.length);
            assertTrue(result > 0, "append of " + sequence + " refused with " + result);
        }
    }

    private static void copyDirectory(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from))
        {
            for (final Path file : files)
            {
                if (!file.getFileName().toString().equals(JournalDescriptor.LOCK_FILE_NAME))
                {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    private static final class Image
    {
        private final Path directory;
        private final long sealedBase;
        private final long newBase;
        private final long lastSequence;

        private Image(final Path directory, final long sealedBase, final long newBase, final long lastSequence)
        {
            this.directory = directory;
            this.sealedBase = sealedBase;
            this.newBase = newBase;
            this.lastSequence = lastSequence;
        }

        Path prepared()
        {
            return directory.resolve(PREPARED_SEGMENT_FILE_NAME);
        }

        Path newSegment()
        {
            return directory.resolve(segmentFileName(newBase));
        }

        Path sealedSegment()
        {
            return directory.resolve(segmentFileName(sealedBase));
        }
    }
}
