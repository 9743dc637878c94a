package dev.vigil.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static dev.vigil.journal.JournalDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.vigil.journal.JournalDescriptor.BYTE_ORDER;
import static dev.vigil.journal.JournalDescriptor.CHECKSUM_OFFSET;
import static dev.vigil.journal.JournalDescriptor.END_OF_SEGMENT;
import static dev.vigil.journal.JournalDescriptor.HEADER_CHECKSUM_OFFSET;
import static dev.vigil.journal.JournalDescriptor.LAYOUT_VERSION;
import static dev.vigil.journal.JournalDescriptor.LAYOUT_VERSION_OFFSET;
import static dev.vigil.journal.JournalDescriptor.MAGIC;
import static dev.vigil.journal.JournalDescriptor.MAGIC_OFFSET;
import static dev.vigil.journal.JournalDescriptor.RECEIVE_TIME_OFFSET;
import static dev.vigil.journal.JournalDescriptor.RECORD_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_LENGTH_OFFSET;
import static dev.vigil.journal.JournalDescriptor.SEQUENCE_OFFSET;
import static dev.vigil.journal.JournalDescriptor.alignedRecordLength;
import static dev.vigil.journal.JournalDescriptor.checksummedLength;
import static dev.vigil.journal.JournalDescriptor.computeChecksum;
import static dev.vigil.journal.JournalDescriptor.isValidSegmentLength;
import static dev.vigil.journal.JournalDescriptor.recordLimit;

/**
 * Checks segment headers and records against {@link JournalDescriptor}, and writes headers and end-of-segment
 * markers. One per thread: it holds the CRC32C state. Checks return coded results and allocate nothing, except
 * {@link #headerProblem} which describes a bad header in words.
 */
final class RecordChecker
{
    /** A valid end-of-segment marker. */
    static final int END_MARKER = -1;
    /** A length field that cannot be a record's. */
    static final int BAD_LENGTH = -2;
    /** Checksum does not match. */
    static final int BAD_CHECKSUM = -3;
    /** Checksum matches but the sequence is not the expected one. */
    static final int BAD_SEQUENCE = -4;
    /** The record runs past the end of the file. */
    static final int TORN = -5;

    private static final int MARKER_CHECKSUMMED_LENGTH = RECORD_HEADER_LENGTH - SEQUENCE_OFFSET;

    private final CRC32C crc32c = new CRC32C();

    /**
     * Check the record at an offset.
     *
     * @param buffer           over the segment.
     * @param byteBuffer       the same memory, for the checksum.
     * @param capacity         bytes of the segment that exist in the file.
     * @param segmentLength    from the segment header.
     * @param offset           of the record.
     * @param length           value of its length field, not {@link JournalDescriptor#END_OF_DATA}.
     * @param expectedSequence the sequence the record must have.
     * @return the record's aligned length when it is valid, else one of the codes of this class.
     */
    int check(
        final UnsafeBuffer buffer,
        final ByteBuffer byteBuffer,
        final int capacity,
        final int segmentLength,
        final int offset,
        final int length,
        final long expectedSequence)
    {
        final int result;
        if (length == END_OF_SEGMENT)
        {
            if (offset + RECORD_HEADER_LENGTH > capacity)
            {
                result = TORN;
            }
            else if (computeChecksum(crc32c, byteBuffer, offset + SEQUENCE_OFFSET, MARKER_CHECKSUMMED_LENGTH) !=
                buffer.getInt(offset + CHECKSUM_OFFSET, BYTE_ORDER))
            {
                result = BAD_CHECKSUM;
            }
            else
            {
                result = buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER) == expectedSequence ?
                    END_MARKER : BAD_SEQUENCE;
            }
        }
        else if (length < 0 || length > recordLimit(segmentLength) - offset - RECORD_HEADER_LENGTH)
        {
            result = BAD_LENGTH;
        }
        else if (offset + RECORD_HEADER_LENGTH + length > capacity)
        {
            result = TORN;
        }
        else if (computeChecksum(crc32c, byteBuffer, offset + SEQUENCE_OFFSET, checksummedLength(length)) !=
            buffer.getInt(offset + CHECKSUM_OFFSET, BYTE_ORDER))
        {
            result = BAD_CHECKSUM;
        }
        else if (buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER) != expectedSequence)
        {
            result = BAD_SEQUENCE;
        }
        else
        {
            result = alignedRecordLength(length);
        }

        return result;
    }

    /**
     * Write a record's fields after its length, then its length last with release order.
     */
    void writeRecord(
        final UnsafeBuffer buffer,
        final ByteBuffer byteBuffer,
        final int offset,
        final long sequence,
        final long receiveTimeNs,
        final DirectBuffer source,
        final int sourceOffset,
        final int length)
    {
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putLong(offset + RECEIVE_TIME_OFFSET, receiveTimeNs, BYTE_ORDER);
        buffer.putBytes(offset + RECORD_HEADER_LENGTH, source, sourceOffset, length);
        buffer.putInt(
            offset + CHECKSUM_OFFSET,
            computeChecksum(crc32c, byteBuffer, offset + SEQUENCE_OFFSET, checksummedLength(length)),
            BYTE_ORDER);
        JournalDescriptor.putLengthRelease(buffer, offset, length);
    }

    /**
     * Write an end-of-segment marker naming the sequence of the next record, length last with release order.
     */
    void writeEndOfSegment(
        final UnsafeBuffer buffer, final ByteBuffer byteBuffer, final int offset, final long nextSequence)
    {
        buffer.putLong(offset + SEQUENCE_OFFSET, nextSequence, BYTE_ORDER);
        buffer.putLong(offset + RECEIVE_TIME_OFFSET, 0L, BYTE_ORDER);
        buffer.putInt(
            offset + CHECKSUM_OFFSET,
            computeChecksum(crc32c, byteBuffer, offset + SEQUENCE_OFFSET, MARKER_CHECKSUMMED_LENGTH),
            BYTE_ORDER);
        JournalDescriptor.putLengthRelease(buffer, offset, END_OF_SEGMENT);
    }

    /**
     * Write a segment header.
     */
    void writeHeader(
        final UnsafeBuffer buffer, final ByteBuffer byteBuffer, final long baseSequence, final int segmentLength)
    {
        buffer.putInt(MAGIC_OFFSET, MAGIC, BYTE_ORDER);
        buffer.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION, BYTE_ORDER);
        buffer.putLong(BASE_SEQUENCE_OFFSET, baseSequence, BYTE_ORDER);
        buffer.putInt(SEGMENT_LENGTH_OFFSET, segmentLength, BYTE_ORDER);
        buffer.putInt(
            HEADER_CHECKSUM_OFFSET, computeChecksum(crc32c, byteBuffer, 0, HEADER_CHECKSUM_OFFSET), BYTE_ORDER);
    }

    /**
     * What is wrong with a segment header, if anything.
     *
     * @param buffer       over the segment.
     * @param byteBuffer   the same memory, for the checksum.
     * @param capacity     bytes of the segment that exist in the file.
     * @param baseSequence the header must hold, from the file name.
     * @return null when the header is valid, else the problem in words.
     */
    String headerProblem(
        final UnsafeBuffer buffer, final ByteBuffer byteBuffer, final int capacity, final long baseSequence)
    {
        if (capacity < SEGMENT_HEADER_LENGTH)
        {
            return "file of " + capacity + " bytes is shorter than the segment header";
        }

        final int magic = buffer.getInt(MAGIC_OFFSET, BYTE_ORDER);
        if (magic != MAGIC)
        {
            return "bad magic 0x" + Integer.toHexString(magic);
        }

        final int checksum = computeChecksum(crc32c, byteBuffer, 0, HEADER_CHECKSUM_OFFSET);
        if (checksum != buffer.getInt(HEADER_CHECKSUM_OFFSET, BYTE_ORDER))
        {
            return "segment header checksum mismatch";
        }

        final int version = buffer.getInt(LAYOUT_VERSION_OFFSET, BYTE_ORDER);
        if (version != LAYOUT_VERSION)
        {
            return "layout version " + version + " is not the supported " + LAYOUT_VERSION;
        }

        final int segmentLength = buffer.getInt(SEGMENT_LENGTH_OFFSET, BYTE_ORDER);
        if (!isValidSegmentLength(segmentLength))
        {
            return "segment length " + segmentLength + " is not a power of two from 64 KiB to 1 GiB";
        }

        final long headerBase = buffer.getLong(BASE_SEQUENCE_OFFSET, BYTE_ORDER);
        if (headerBase != baseSequence)
        {
            return "header base sequence " + headerBase + " differs from the file name's " + baseSequence;
        }

        return null;
    }

    static int segmentLength(final UnsafeBuffer buffer)
    {
        return buffer.getInt(SEGMENT_LENGTH_OFFSET, BYTE_ORDER);
    }
}
