package dev.vigil.journal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalDescriptorTest
{
    @Test
    void alignsRecordsTo32Bytes()
    {
        assertEquals(32, JournalDescriptor.alignedRecordLength(1));
        assertEquals(32, JournalDescriptor.alignedRecordLength(8));
        assertEquals(64, JournalDescriptor.alignedRecordLength(9));
        assertEquals(544, JournalDescriptor.alignedRecordLength(512));
        assertEquals(24, JournalDescriptor.checksummedLength(8));
    }

    @Test
    void largestPayloadFillsAnEmptySegmentUpToTheEndMarker()
    {
        final int segmentLength = 64 * 1024;
        final int max = JournalDescriptor.maxPayloadLength(segmentLength);
        assertEquals(
            JournalDescriptor.recordLimit(segmentLength),
            JournalDescriptor.SEGMENT_HEADER_LENGTH + JournalDescriptor.alignedRecordLength(max));
        assertTrue(
            JournalDescriptor.SEGMENT_HEADER_LENGTH + JournalDescriptor.alignedRecordLength(max + 1) >
            JournalDescriptor.recordLimit(segmentLength));
    }

    @Test
    void segmentNamesSortInSequenceOrderAndParseBack()
    {
        assertEquals("journal-00000000000000000001.seg", JournalDescriptor.segmentFileName(1));
        final long[] sequences = { 1, 9, 10, 4097, 123_456_789_012L, Long.MAX_VALUE };
        final List<String> names = new ArrayList<>();
        for (final long sequence : sequences)
        {
            final String name = JournalDescriptor.segmentFileName(sequence);
            assertEquals(sequence, JournalDescriptor.parseSegmentBaseSequence(name));
            names.add(name);
        }
        final List<String> sorted = new ArrayList<>(names);
        sorted.sort(String::compareTo);
        assertEquals(names, sorted);
    }

    @Test
    void rejectsNamesThatAreNotSegments()
    {
        assertEquals(-1, JournalDescriptor.parseSegmentBaseSequence(JournalDescriptor.PREPARED_SEGMENT_FILE_NAME));
        assertEquals(-1, JournalDescriptor.parseSegmentBaseSequence("journal-00000000000000000001.seg.corrupt"));
        assertEquals(-1, JournalDescriptor.parseSegmentBaseSequence("journal-0000000000000000000x.seg"));
        assertEquals(-1, JournalDescriptor.parseSegmentBaseSequence("journal-99999999999999999999.seg"));
        assertEquals(-1, JournalDescriptor.parseSegmentBaseSequence(JournalDescriptor.LOCK_FILE_NAME));
    }

    @Test
    void validSegmentLengthsArePowersOfTwoInRange()
    {
        assertTrue(JournalDescriptor.isValidSegmentLength(64 * 1024));
        assertTrue(JournalDescriptor.isValidSegmentLength(1L << 30));
        assertFalse(JournalDescriptor.isValidSegmentLength(1L << 31));
        assertFalse(JournalDescriptor.isValidSegmentLength(96 * 1024));
        assertFalse(JournalDescriptor.isValidSegmentLength(32 * 1024));
    }

    @Test
    void checksumIsCrc32cOfTheRange()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 64; i++)
        {
            buffer.put(i, (byte)i);
        }
        final CRC32C expected = new CRC32C();
        final byte[] range = new byte[20];
        buffer.get(8, range);
        expected.update(range);

        assertEquals((int)expected.getValue(), JournalDescriptor.computeChecksum(new CRC32C(), buffer, 8, 20));
        assertEquals(0x4C4E4A56, JournalDescriptor.MAGIC);
    }
}
