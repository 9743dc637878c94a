package dev.vigil.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static dev.vigil.journal.JournalDescriptor.PAYLOAD_OFFSET;
import static dev.vigil.journal.JournalDescriptor.RECORD_ALIGNMENT;
import static dev.vigil.journal.JournalDescriptor.alignedRecordLength;
import static dev.vigil.journal.JournalTestSupport.appendRange;
import static dev.vigil.journal.JournalTestSupport.bytes;
import static dev.vigil.journal.JournalTestSupport.context;
import static dev.vigil.journal.JournalTestSupport.endOfRecords;
import static dev.vigil.journal.JournalTestSupport.flipBit;
import static dev.vigil.journal.JournalTestSupport.intAt;
import static dev.vigil.journal.JournalTestSupport.payload;
import static dev.vigil.journal.JournalTestSupport.readAll;
import static dev.vigil.journal.JournalTestSupport.recordOffset;
import static dev.vigil.journal.JournalTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class JournalRecoveryTest
{
    @TempDir
    Path directory;

    @Test
    void cutsATailTornByTruncatingTheFileMidRecord() throws Exception
    {
        writeJournal(1, 100);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 100);
        JournalTestSupport.truncate(segment, offset + PAYLOAD_OFFSET + (payload(100).length / 2));

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertTrue(report.truncated());
            assertEquals(99, report.lastSequence());
            assertEquals(99, report.recordCount());
            assertEquals(100, report.truncatedSequence());
            assertEquals(segment, report.truncatedFile());
            assertEquals(offset, report.truncatedOffset());
            assertTrue(report.truncatedBytes() > 0, "truncated " + report.truncatedBytes());
            assertTrue(report.truncatedBytes() <= alignedRecordLength(payload(100).length));
            assertEquals(99, writer.lastSequence());
            appendRange(writer, 100, 150);
        }

        assertAllReadable(1, 150);
    }

    @Test
    void cutsGarbageWrittenAfterTheLastGoodRecord() throws Exception
    {
        writeJournal(1, 50);
        final Path segment = lastSegment();
        final int end = endOfRecords(segment);
        final byte[] garbage = new byte[300];
        final Random random = new Random(7);
        for (int i = 0; i < garbage.length; i++)
        {
            garbage[i] = (byte)(1 + random.nextInt(255));
        }
        JournalTestSupport.write(segment, end, garbage);

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(50, report.lastSequence());
            assertEquals(51, report.truncatedSequence());
            assertEquals(end, report.truncatedOffset());
            assertEquals(320, report.truncatedBytes(), "300 bytes, to the record alignment");
            assertTrue(report.problem().contains("torn tail"), report.problem());
            assertArrayEquals(new byte[320], Arrays.copyOfRange(bytes(segment), end, end + 320), "zeroed");
            appendRange(writer, 51, 80);
        }

        assertAllReadable(1, 80);
    }

    @Test
    void cutsAHalfWrittenRecordWhoseLengthIsStillZero() throws Exception
    {
        writeJournal(1, 40);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 40);
        final int length = payload(40).length;
        JournalTestSupport.write(segment, offset, new byte[4]);
        JournalTestSupport.write(segment, offset + PAYLOAD_OFFSET + (length / 2), new byte[length - (length / 2)]);

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(39, report.lastSequence());
            assertEquals(40, report.truncatedSequence());
            assertEquals(offset, report.truncatedOffset());
            assertTrue(report.truncatedBytes() >= RECORD_ALIGNMENT, "truncated " + report.truncatedBytes());
            assertEquals(0, intAt(segment, offset + JournalDescriptor.SEQUENCE_OFFSET), "zeroed");
            appendRange(writer, 40, 60);
        }

        assertAllReadable(1, 60);
    }

    @Test
    void refusesToCutAFlippedBitInAMiddleRecord() throws Exception
    {
        writeJournal(1, 100);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 50);
        flipBit(segment, offset + PAYLOAD_OFFSET, 3);
        final byte[] before = bytes(segment);

        final JournalCorruptionException ex =
            assertThrows(JournalCorruptionException.class, () -> JournalWriter.open(context(directory)));
        assertEquals(segment.toString(), ex.file());
        assertEquals(offset, ex.offset());
        assertEquals(49, ex.lastGoodSequence());
        assertTrue(ex.getMessage().contains(segment.getFileName().toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("offset " + offset), ex.getMessage());
        assertTrue(ex.getMessage().contains("last good sequence 49"), ex.getMessage());
        assertArrayEquals(before, bytes(segment), "nothing changed");

        try (JournalWriter writer = JournalWriter.open(context(directory).truncateAtCorruption(false)))
        {
            throw new AssertionError("opened " + writer.lastSequence());
        }
        catch (final JournalCorruptionException expected)
        {
            assertEquals(49, expected.lastGoodSequence(), "and the lock was released after the first failure");
        }
    }

    @Test
    void cutsAtAFlippedBitInAMiddleRecordWhenAllowed() throws Exception
    {
        writeJournal(1, 100);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 50);
        final int end = endOfRecords(segment);
        flipBit(segment, offset + PAYLOAD_OFFSET + 1, 0);

        try (JournalWriter writer = JournalWriter.open(context(directory).truncateAtCorruption(true)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(49, report.lastSequence());
            assertEquals(50, report.truncatedSequence());
            assertEquals(offset, report.truncatedOffset());
            assertEquals(end - offset, report.truncatedBytes());
            assertTrue(report.problem().contains("checksum"), report.problem());
            assertEquals(49, writer.lastSequence());
            appendRange(writer, 50, 70);
        }

        assertAllReadable(1, 70);
    }

    @Test
    void treatsABadRecordInASegmentThatIsNotTheLastAsCorruption() throws Exception
    {
        writeJournal(1, 1_000);
        final List<Path> segments = segments(directory);
        assertTrue(segments.size() >= 4);
        final Path second = segments.get(1);
        final long lastOfFirst = JournalDescriptor.parseSegmentBaseSequence(second.getFileName().toString()) - 1;
        final long lastOfSecond =
            JournalDescriptor.parseSegmentBaseSequence(segments.get(2).getFileName().toString()) - 1;
        final int offset = recordOffset(second, lastOfSecond);
        flipBit(second, offset + JournalDescriptor.RECEIVE_TIME_OFFSET, 5);

        final JournalCorruptionException ex =
            assertThrows(JournalCorruptionException.class, () -> JournalWriter.open(context(directory)));
        assertEquals(second.toString(), ex.file());
        assertEquals(offset, ex.offset());
        assertEquals(lastOfSecond - 1, ex.lastGoodSequence());
        assertTrue(lastOfSecond - 1 > lastOfFirst);

        try (JournalWriter writer = JournalWriter.open(context(directory).truncateAtCorruption(true)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(lastOfSecond - 1, report.lastSequence());
            assertEquals(segments.size() - 2, report.quarantinedSegments().size());
            for (final Path cut : segments.subList(2, segments.size()))
            {
                assertFalse(Files.exists(cut), "renamed: " + cut);
                assertTrue(Files.exists(cut.resolveSibling(cut.getFileName() + JournalDescriptor.CORRUPT_SUFFIX)));
            }
            appendRange(writer, lastOfSecond, lastOfSecond + 100);
        }

        assertAllReadable(1, lastOfSecond + 100);
    }

    @Test
    void treatsAMissingMiddleSegmentAsCorruption() throws Exception
    {
        writeJournal(1, 1_000);
        final List<Path> segments = segments(directory);
        assertTrue(segments.size() >= 4);
        final long baseOfThird = JournalDescriptor.parseSegmentBaseSequence(segments.get(2).getFileName().toString());
        final long lastOfFirst =
            JournalDescriptor.parseSegmentBaseSequence(segments.get(1).getFileName().toString()) - 1;
        Files.delete(segments.get(1));

        final JournalCorruptionException ex =
            assertThrows(JournalCorruptionException.class, () -> JournalWriter.open(context(directory)));
        assertEquals(segments.get(2).toString(), ex.file());
        assertEquals(0, ex.offset());
        assertEquals(lastOfFirst, ex.lastGoodSequence());
        assertTrue(ex.getMessage().contains("missing"), ex.getMessage());

        final JournalTestSupport.Recorded beforeRecovery = readAll(directory, 0);
        beforeRecovery.assertRange(1, lastOfFirst);
        assertEquals(JournalReader.StopReason.MISSING_SEGMENT, beforeRecovery.stopReason, "a reader stops there too");

        try (JournalWriter writer = JournalWriter.open(context(directory).truncateAtCorruption(true)))
        {
            final RecoveryReport report = writer.recoveryReport();
            assertEquals(lastOfFirst, report.lastSequence());
            assertEquals(lastOfFirst + 1, report.truncatedSequence());
            assertEquals(segments.get(2), report.truncatedFile());
            assertEquals(segments.size() - 2, report.quarantinedSegments().size());
            assertEquals(baseOfThird, JournalDescriptor.parseSegmentBaseSequence(
                report.quarantinedSegments().get(0).getFileName().toString().replace(".corrupt", "")));
            appendRange(writer, lastOfFirst + 1, lastOfFirst + 300);
        }

        assertAllReadable(1, lastOfFirst + 300);
    }

    @Test
    void sealsASegmentLeftWithoutItsEndMarker() throws Exception
    {
        writeJournal(1, 600);
        final List<Path> segments = segments(directory);
        final Path first = segments.get(0);
        final int end = endOfRecords(first);
        assertEquals(JournalDescriptor.END_OF_SEGMENT, intAt(first, end));
        JournalTestSupport.write(first, end, new byte[RECORD_ALIGNMENT]);

        final JournalTestSupport.Recorded unsealed = readAll(directory, 0);
        assertEquals(
            JournalDescriptor.parseSegmentBaseSequence(segments.get(1).getFileName().toString()) - 1, unsealed.size(),
            "a reader cannot go past an unsealed segment");

        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            assertFalse(writer.recoveryReport().truncated());
            assertEquals(600, writer.lastSequence());
        }
        assertEquals(JournalDescriptor.END_OF_SEGMENT, intAt(first, end), "sealed again");
        assertAllReadable(1, 600);
    }

    @Test
    void verifyReportsWithoutChangingAnything() throws Exception
    {
        writeJournal(1, 30);
        final Path segment = lastSegment();
        final int end = endOfRecords(segment);
        JournalTestSupport.write(segment, end, new byte[]{ 9, 9, 9 });
        final byte[] before = bytes(segment);

        final RecoveryReport report = JournalRecovery.verify(directory, false);
        assertEquals(30, report.lastSequence());
        assertEquals(end, report.truncatedOffset());
        assertEquals(RECORD_ALIGNMENT, report.truncatedBytes());
        assertArrayEquals(before, bytes(segment));

        final RecoveryReport recovered = JournalRecovery.recover(directory, false);
        assertEquals(report, recovered);
        assertFalse(Arrays.equals(before, bytes(segment)), "recover cut it");
        assertFalse(JournalRecovery.verify(directory, false).truncated(), "nothing left to cut");
    }

    @Test
    void treatsAWellFormedRecordWithTheWrongSequenceAsCorruption() throws Exception
    {
        writeJournal(1, 100);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 50);
        final int length = payload(50).length;
        final ByteBuffer record = ByteBuffer.wrap(bytes(segment), offset, PAYLOAD_OFFSET + length)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(JournalDescriptor.SEQUENCE_OFFSET, 5_000);
        final CRC32C crc32c = new CRC32C();
        crc32c.update(record.duplicate().position(JournalDescriptor.SEQUENCE_OFFSET));
        record.putInt(JournalDescriptor.CHECKSUM_OFFSET, (int)crc32c.getValue());
        final byte[] rewritten = new byte[PAYLOAD_OFFSET + length];
        record.get(0, rewritten);
        JournalTestSupport.write(segment, offset, rewritten);

        final JournalTestSupport.Recorded recorded = readAll(directory, 0);
        recorded.assertRange(1, 49);
        assertEquals(JournalReader.StopReason.BAD_SEQUENCE, recorded.stopReason);

        final JournalCorruptionException ex =
            assertThrows(JournalCorruptionException.class, () -> JournalWriter.open(context(directory)));
        assertEquals(offset, ex.offset());
        assertTrue(ex.getMessage().contains("sequence 5000 instead of 50"), ex.getMessage());
    }

    @Test
    void readerStopsAtTheFirstBadRecord() throws Exception
    {
        writeJournal(1, 100);
        final Path segment = lastSegment();
        final int offset = recordOffset(segment, 61);
        flipBit(segment, offset + JournalDescriptor.CHECKSUM_OFFSET, 7);

        final JournalTestSupport.Recorded recorded = readAll(directory, 0);
        recorded.assertRange(1, 60);
        assertEquals(JournalReader.StopReason.BAD_CHECKSUM, recorded.stopReason);
        assertEquals(offset, recorded.stopOffset);
    }

    private void writeJournal(final long from, final long to)
    {
        try (JournalWriter writer = JournalWriter.open(context(directory)))
        {
            appendRange(writer, from, to);
        }
    }

    private Path lastSegment() throws Exception
    {
        final List<Path> segments = segments(directory);
        return segments.get(segments.size() - 1);
    }

    private void assertAllReadable(final long from, final long to)
    {
        final JournalTestSupport.Recorded recorded = readAll(directory, 0);
        recorded.assertRange(from, to);
        assertEquals(JournalReader.StopReason.NONE, recorded.stopReason);
    }
}
