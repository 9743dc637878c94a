package dev.vigil.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vigil.journal.JournalTestSupport.SMALL_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalTestSupport.appendRange;
import static dev.vigil.journal.JournalTestSupport.context;
import static dev.vigil.journal.JournalTestSupport.longAt;
import static dev.vigil.journal.JournalTestSupport.readAll;
import static dev.vigil.journal.JournalTestSupport.receiveTimeNs;
import static dev.vigil.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class JournalWriterReaderTest
{
    @TempDir
    Path directory;

    @Test
    void roundTripsRecordsOfEveryLengthFrom1To512()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory).segmentLength(4 * 1024 * 1024)))
        {
            appendRange(writer, 1, 3_000);
            assertEquals(3_000, writer.lastSequence());
            assertEquals(1, segments().size(), "all in one segment");
        }

        final JournalTestSupport.Recorded recorded = readAll(directory, 0);
        recorded.assertRange(1, 3_000);
        assertEquals(JournalReader.StopReason.NONE, recorded.stopReason);
    }

    @Test
    void readsFromAMiddleSequence()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, 1, 1_000);
        }
        assertTrue(segments().size() > 3, "several segments");

        readAll(directory, 777).assertRange(777, 1_000);
        readAll(directory, 1_000).assertRange(1_000, 1_000);
        assertEquals(0, readAll(directory, 1_001).size());
    }

    @Test
    void rollsToSegmentsNamedByTheirFirstSequenceAndReadsAcrossThem() throws Exception
    {
        final long bytesWritten;
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, 1, 2_000);
            bytesWritten = writer.bytesWritten();
        }

        final List<Path> segments = segments();
        assertTrue(segments.size() >= 8, "segments: " + segments.size());
        long expectedBase = 1;
        long recordBytes = 0;
        for (final Path segment : segments)
        {
            assertEquals(SMALL_SEGMENT_LENGTH, Files.size(segment));
            assertEquals(JournalDescriptor.segmentFileName(expectedBase), segment.getFileName().toString());
            assertEquals(expectedBase, longAt(segment, JournalDescriptor.BASE_SEQUENCE_OFFSET), "header base");
            assertEquals(expectedBase, longAt(segment, JournalDescriptor.SEGMENT_HEADER_LENGTH +
                JournalDescriptor.SEQUENCE_OFFSET), "first record");
            final int end = JournalTestSupport.endOfRecords(segment);
            recordBytes += end - JournalDescriptor.SEGMENT_HEADER_LENGTH;
            expectedBase = JournalTestSupport.intAt(segment, end) == JournalDescriptor.END_OF_SEGMENT ?
                longAt(segment, end + JournalDescriptor.SEQUENCE_OFFSET) : -1;
        }
        assertEquals(-1, expectedBase, "the last segment is open, the others are sealed");
        assertEquals(bytesWritten, recordBytes);

        final JournalTestSupport.Recorded recorded = readAll(directory, 1);
        recorded.assertRange(1, 2_000);
        assertEquals(JournalReader.StopReason.NONE, recorded.stopReason);
    }

    @Test
    void reopensAndContinuesAfterTheLastRecord()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, 1, 500);
        }

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(500, writer.lastSequence());
            assertEquals(500, report.recordCount());
            assertEquals(1, report.firstSequence());
            assertEquals(500, report.lastSequence());
            assertEquals(segments().size(), report.segmentsScanned());
            assertFalse(report.truncated());
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[8]);
            assertEquals(JournalWriter.NON_INCREASING_SEQUENCE, writer.append(500, 0, frame, 0, 8));
            assertEquals(JournalWriter.SEQUENCE_GAP, writer.append(502, 0, frame, 0, 8));
            appendRange(writer, 501, 1_000);
        }

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            assertEquals(1_000, writer.lastSequence());
            appendRange(writer, 1_001, 1_010);
        }

        readAll(directory, 0).assertRange(1, 1_010);
    }

    @Test
    void refusesSequencesThatDoNotRunOnAndBadLengths()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SMALL_SEGMENT_LENGTH]);
        final JournalWriter writer = JournalWriter.open(context(directory));
        try
        {
            assertEquals(JournalWriter.NON_INCREASING_SEQUENCE, writer.append(0, 1, buffer, 0, 8));
            assertEquals(JournalWriter.NON_INCREASING_SEQUENCE, writer.append(-5, 1, buffer, 0, 8));
            assertTrue(writer.append(5, 1, buffer, 0, 8) > 0, "an empty journal starts at any positive sequence");
            assertEquals(JournalWriter.NON_INCREASING_SEQUENCE, writer.append(5, 1, buffer, 0, 8));
            assertEquals(JournalWriter.NON_INCREASING_SEQUENCE, writer.append(4, 1, buffer, 0, 8));
            assertEquals(JournalWriter.SEQUENCE_GAP, writer.append(7, 1, buffer, 0, 8));
            assertEquals(JournalWriter.INVALID_LENGTH, writer.append(6, 1, buffer, 0, 0));
            assertEquals(JournalWriter.INVALID_LENGTH, writer.append(6, 1, buffer, 0, -1));
            assertEquals(JournalWriter.INVALID_LENGTH, writer.append(6, 1, buffer, 0, writer.maxPayloadLength() + 1));
            assertEquals(5, writer.lastSequence());
            assertTrue(writer.append(6, 1, buffer, 0, writer.maxPayloadLength()) > 0, "largest payload fits");
            assertTrue(writer.append(7, 1, buffer, 0, 1) > 0);
        }
        finally
        {
            writer.close();
        }
        assertEquals(JournalWriter.CLOSED, writer.append(8, 1, buffer, 0, 8));

        final JournalTestSupport.Recorded recorded = readAll(directory, 0);
        assertEquals(List.of(5L, 6L, 7L), recorded.sequences);
        assertEquals(writer.maxPayloadLength(), recorded.payloads.get(1).length);
        assertEquals(3, segments().size(), "a largest payload fills a segment of its own");
    }

    @Test
    void tailerSeesRecordsAppendedAfterItOpened()
    {
        final JournalTestSupport.Recorded recorded = new JournalTestSupport.Recorded();
        try (JournalReader reader = JournalReader.open(directory.resolve("journal"), 1);
            JournalWriter writer = JournalWriter.open(context(directory.resolve("journal"))))
        {
            assertEquals(0, reader.poll(recorded, 100), "nothing written yet");

            long next = 1;
            for (int batch = 0; batch < 40; batch++)
            {
                appendRange(writer, next, next + 49);
                next += 50;
                while (reader.poll(recorded, 7) > 0)
                {
                    recorded.polls++;
                }
                assertEquals(next - 1, recorded.size(), "records seen after batch " + batch);
                assertEquals(next - 1, reader.lastSequence());
                assertEquals(0, reader.poll(recorded, 100), "no new complete record");
                assertEquals(JournalReader.StopReason.NONE, reader.stopReason());
            }
        }

        recorded.assertRange(1, 2_000);
        assertTrue(segments(directory.resolve("journal")).size() > 5, "the tailer followed across segments");
    }

    @Test
    void tailerOnAnotherThreadSeesEveryRecordWhole() throws Exception
    {
        final long records = 20_000;
        final JournalTestSupport.Recorded recorded = new JournalTestSupport.Recorded();
        final JournalReader.StopReason[] stopReason = new JournalReader.StopReason[1];
        final Thread tailer = new Thread(() ->
        {
            try (JournalReader reader = JournalReader.open(directory, 1))
            {
                while (recorded.size() < records && reader.stopReason() == JournalReader.StopReason.NONE)
                {
                    if (reader.poll(recorded, 100) == 0)
                    {
                        Thread.yield();
                    }
                }
                stopReason[0] = reader.stopReason();
            }
        });

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            tailer.start();
            appendRange(writer, 1, records);
            tailer.join();
        }

        assertEquals(JournalReader.StopReason.NONE, stopReason[0]);
        recorded.assertRange(1, records);
    }

    @Test
    void findsTheFirstRecordAtOrAfterAReceiveTime()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, 1, 600);
        }

        final JournalTestSupport.Recorded recorded = new JournalTestSupport.Recorded();
        try (JournalReader reader = JournalReader.openAtReceiveTime(directory, receiveTimeNs(321) - 1))
        {
            while (reader.poll(recorded, 100) > 0)
            {
                recorded.polls++;
            }
        }
        recorded.assertRange(321, 600);
    }

    @Test
    void allowsOneWriterPerDirectory()
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, 1, 3);
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> JournalWriter.open(context(directory)));
            assertTrue(ex.getMessage().contains("already has a writer"), ex.getMessage());
            appendRange(writer, 4, 5);
        }

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            assertEquals(5, writer.lastSequence(), "free again once closed");
        }
    }

    @Test
    void preparesTheNextSegmentAheadAndRemovesItOnClose() throws Exception
    {
        final Path prepared = directory.resolve(JournalDescriptor.PREPARED_SEGMENT_FILE_NAME);
        final int segmentLength = 1024 * 1024;
        final int pages = segmentLength / JournalDescriptor.PAGE_SIZE;
        try (JournalWriter writer =
            JournalWriter.open(context(directory).segmentLength(segmentLength)))
        {
            assertTrue(Files.exists(prepared), "prepared at open");
            assertEquals(segmentLength, Files.size(prepared));
            appendRange(writer, 1, 1);
            assertFalse(Files.exists(prepared), "taken by the first segment");

            int cycles = 0;
            int work = 0;
            for (int cycleWork; (cycleWork = writer.doDutyCycle()) > 0; )
            {
                assertTrue(cycleWork <= 1 + JournalWriter.PRE_TOUCH_PAGES_PER_DUTY_CYCLE, "work " + cycleWork);
                cycles++;
                work += cycleWork;
            }
            // The first cycle follows an append, so it only keeps pace (one page ahead); then idle cycles touch more.
            final int idlePages = pages - JournalWriter.PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY;
            final int idleCycles = (idlePages + JournalWriter.PRE_TOUCH_PAGES_PER_DUTY_CYCLE - 1) /
                JournalWriter.PRE_TOUCH_PAGES_PER_DUTY_CYCLE;
            assertEquals(1 + idleCycles, cycles, "a few pages per cycle");
            assertEquals(1 + pages, work, "created, then every page touched once");
            assertTrue(Files.exists(prepared), "prepared again in idle time");
            assertNull(writer.recoveryReport().truncatedFile());
        }
        assertFalse(Files.exists(prepared), "no records in it, so deleted on close");
    }

    @Test
    void whileAppendingPreTouchesOnlyInStepWithWhatWasAppended() throws Exception
    {
        final int segmentLength = 1024 * 1024;
        try (JournalWriter writer =
            JournalWriter.open(context(directory).segmentLength(segmentLength)))
        {
            appendRange(writer, 1, 1);
            assertEquals(1 + JournalWriter.PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY, writer.doDutyCycle(),
                "a new prepared segment, and one page touched while busy");

            // A few pages of records: the next cycle touches as many pages plus one ahead, not a burst of 16.
            final int before = writer.position();
            appendRange(writer, 2, 40);
            final int appendedPages = (writer.position() - before) / JournalDescriptor.PAGE_SIZE;
            assertTrue(appendedPages >= 1 && appendedPages < JournalWriter.PRE_TOUCH_PAGES_PER_DUTY_CYCLE);
            assertEquals(appendedPages + JournalWriter.PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY, writer.doDutyCycle());
        }
    }

    @Test
    void backgroundPreparationKeepsASegmentReadyAcrossManyRolls() throws Exception
    {
        final int segmentLength = 64 * 1024;
        final Path prepared = directory.resolve(JournalDescriptor.PREPARED_SEGMENT_FILE_NAME);
        try (JournalWriter writer =
            JournalWriter.open(context(directory).segmentLength(segmentLength).prepareInBackground(true)))
        {
            appendRange(writer, 1, 2_000);
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(prepared) && System.nanoTime() < deadlineNs)
            {
                writer.doDutyCycle();
                Thread.yield();
            }
            assertTrue(Files.exists(prepared), "the next segment is prepared in the background");
        }
        assertFalse(Files.exists(prepared), "no records in it, so deleted on close");
        assertTrue(segments().size() > 5, "rolled several times: " + segments());
        assertEquals(2_000, readAll(directory, 1).sequences.size());
    }

    private List<Path> segments()
    {
        return segments(directory);
    }

    private static List<Path> segments(final Path directory)
    {
        try
        {
            return JournalTestSupport.segments(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
