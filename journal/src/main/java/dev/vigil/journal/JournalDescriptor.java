package dev.vigil.journal;

import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Layout of the journal on disk. The journal stores opaque frames; it never looks inside a payload.
 * <p>
 * <b>Directory.</b> One file per segment, named by the engine sequence of its first record, zero-padded to
 * {@link #SEQUENCE_DIGITS} digits so that lexical order is sequence order:
 * <pre>
 *   journal-00000000000000000001.seg          records 1 .. 4096
 *   journal-00000000000000004097.seg          records 4097 .. (the segment being appended to)
 *   journal-next.seg.tmp                      next segment, created and pre-touched before it is needed
 *   journal.lock                              locked by the one writer
 *   journal-00000000000000009000.seg.corrupt  cut off by a recovery that was allowed to truncate; never deleted
 * </pre>
 * A roll writes the next segment's header into {@code journal-next.seg.tmp} and appending goes on in it at once; the
 * file gets its segment name just after, off the appending thread. A crash in between leaves the segment under the
 * temporary name: recovery knows it by its header and names it.
 * <b>Segment.</b> A file of {@code segmentLength} bytes (a power of two from 64 KiB to 1 GiB): a header, then
 * records back to back from {@link #SEGMENT_HEADER_LENGTH}. Little endian throughout.
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                      Magic ("VJNL")                           |  0
 *   +---------------------------------------------------------------+
 *   |                      Layout Version                           |  4
 *   +---------------------------------------------------------------+
 *   |                   Segment Base Sequence                       |  8
 *   |                 (sequence of the first record)                |
 *   +---------------------------------------------------------------+
 *   |                      Segment Length                           | 16
 *   +---------------------------------------------------------------+
 *   |            Header Checksum (CRC32C of bytes 0 to 19)          | 20
 *   +---------------------------------------------------------------+
 *   |                   Reserved, zero, to byte 64                 ...
 *   +---------------------------------------------------------------+
 *   |                    Records from byte 64                      ...
 *  ...                                                              |
 *   +---------------------------------------------------------------+
 * </pre>
 * <b>Record.</b> Starts at a multiple of {@link #RECORD_ALIGNMENT} and takes
 * {@link #alignedRecordLength(int)} bytes:
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                      Payload Length                           |  0  written last, with release order
 *   +---------------------------------------------------------------+
 *   |     Checksum (CRC32C of bytes 8 to 24 + payload length)       |  4
 *   +---------------------------------------------------------------+
 *   |                      Engine Sequence                          |  8
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |                    Receive Time (ns)                          | 16
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |                         Payload                              ... 24
 *  ...                                                              |
 *   +---------------------------------------------------------------+
 *   |             Padding, zero, to the 32-byte boundary           ...
 *   +---------------------------------------------------------------+
 * </pre>
 * The payload length field also says what follows:
 * <ul>
 *     <li>{@code > 0}: a record;</li>
 *     <li>{@link #END_OF_DATA} ({@code 0}): nothing written here yet, the end of the written data;</li>
 *     <li>{@link #END_OF_SEGMENT} ({@code -1}): the segment is complete. The marker takes
 *     {@link #END_OF_SEGMENT_LENGTH} bytes; its sequence field holds the sequence of the next record, which is
 *     the base sequence of the next segment, its receive time is zero and its checksum covers both. The writer
 *     keeps room for it at the end of every segment.</li>
 * </ul>
 * Sequences are contiguous: every record's sequence is the previous one plus one, across segments too.
 */
public final class JournalDescriptor
{
    /** Byte order of every field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Magic number at the start of each segment: "VJNL" in little endian. */
    public static final int MAGIC = 0x4C4E4A56;

    /** Version of this layout. */
    public static final int LAYOUT_VERSION = 1;

    /** Offset of the magic number in the segment header. */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the layout version in the segment header. */
    public static final int LAYOUT_VERSION_OFFSET = 4;

    /** Offset of the base sequence in the segment header. */
    public static final int BASE_SEQUENCE_OFFSET = 8;

    /** Offset of the segment length in the segment header. */
    public static final int SEGMENT_LENGTH_OFFSET = 16;

    /** Offset of the header checksum in the segment header. */
    public static final int HEADER_CHECKSUM_OFFSET = 20;

    /** Length of the segment header; the first record starts here. */
    public static final int SEGMENT_HEADER_LENGTH = 64;

    /** Records start at multiples of this many bytes. */
    public static final int RECORD_ALIGNMENT = 32;

    /** Offset of the payload length within a record. */
    public static final int LENGTH_OFFSET = 0;

    /** Offset of the checksum within a record. */
    public static final int CHECKSUM_OFFSET = 4;

    /** Offset of the engine sequence within a record. */
    public static final int SEQUENCE_OFFSET = 8;

    /** Offset of the receive time within a record. */
    public static final int RECEIVE_TIME_OFFSET = 16;

    /** Offset of the payload within a record. */
    public static final int PAYLOAD_OFFSET = 24;

    /** Length of the record header (the fields before the payload). */
    public static final int RECORD_HEADER_LENGTH = PAYLOAD_OFFSET;

    /** Payload length value that marks the end of the written data. */
    public static final int END_OF_DATA = 0;

    /** Payload length value of the end-of-segment marker. */
    public static final int END_OF_SEGMENT = -1;

    /** Bytes taken by the end-of-segment marker, kept free at the end of every segment. */
    public static final int END_OF_SEGMENT_LENGTH = RECORD_ALIGNMENT;

    /** Smallest segment length. */
    public static final int MIN_SEGMENT_LENGTH = 64 * 1024;

    /** Largest segment length. */
    public static final int MAX_SEGMENT_LENGTH = 1024 * 1024 * 1024;

    /** Stride of the pre-touch of a new segment: one write per page of this size. */
    public static final int PAGE_SIZE = 4096;

    /** Segment file names start with this. */
    public static final String SEGMENT_FILE_PREFIX = "journal-";

    /** Segment file names end with this. */
    public static final String SEGMENT_FILE_SUFFIX = ".seg";

    /** Digits of the zero-padded base sequence in a segment file name. */
    public static final int SEQUENCE_DIGITS = 20;

    /** Suffix added to segments that a recovery cut off. */
    public static final String CORRUPT_SUFFIX = ".corrupt";

    /**
     * Name of the next segment while it is prepared, before it takes its base sequence; and, from the roll that
     * writes its header until it is renamed to its segment name, of the new segment itself: recovery takes a file
     * of this name with a valid header for the segment the header names.
     */
    public static final String PREPARED_SEGMENT_FILE_NAME = "journal-next.seg.tmp";

    /** Name of the file the writer locks. */
    public static final String LOCK_FILE_NAME = "journal.lock";

    private static final boolean NATIVE_IS_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int SEGMENT_FILE_NAME_LENGTH =
        SEGMENT_FILE_PREFIX.length() + SEQUENCE_DIGITS + SEGMENT_FILE_SUFFIX.length();

    private JournalDescriptor()
    {
    }

    /**
     * Bytes a record with this payload takes in a segment, header and padding included.
     *
     * @param payloadLength of the record.
     * @return aligned length of the record.
     */
    public static int alignedRecordLength(final int payloadLength)
    {
        return BitUtil.align(RECORD_HEADER_LENGTH + payloadLength, RECORD_ALIGNMENT);
    }

    /**
     * Bytes a record's checksum covers: sequence, receive time and payload.
     *
     * @param payloadLength of the record.
     * @return length of the checksummed range, which starts at {@link #SEQUENCE_OFFSET}.
     */
    public static int checksummedLength(final int payloadLength)
    {
        return RECORD_HEADER_LENGTH - SEQUENCE_OFFSET + payloadLength;
    }

    /**
     * Offset in a segment up to which records may extend; the rest is room for the end-of-segment marker.
     *
     * @param segmentLength of the segment.
     * @return end of the record area.
     */
    public static int recordLimit(final int segmentLength)
    {
        return segmentLength - END_OF_SEGMENT_LENGTH;
    }

    /**
     * Largest payload a segment of this length can hold.
     *
     * @param segmentLength of the segment.
     * @return largest payload length.
     */
    public static int maxPayloadLength(final int segmentLength)
    {
        return recordLimit(segmentLength) - SEGMENT_HEADER_LENGTH - RECORD_HEADER_LENGTH;
    }

    /**
     * Whether a segment may have this length.
     *
     * @param segmentLength to check.
     * @return true for a power of two from {@link #MIN_SEGMENT_LENGTH} to {@link #MAX_SEGMENT_LENGTH}.
     */
    public static boolean isValidSegmentLength(final long segmentLength)
    {
        return segmentLength >= MIN_SEGMENT_LENGTH && segmentLength <= MAX_SEGMENT_LENGTH &&
            BitUtil.isPowerOfTwo(segmentLength);
    }

    /**
     * Name of the segment file whose first record has this sequence.
     *
     * @param baseSequence engine sequence of the first record, not negative.
     * @return file name, e.g. {@code journal-00000000000000000001.seg}.
     */
    public static String segmentFileName(final long baseSequence)
    {
        if (baseSequence < 0)
        {
            throw new IllegalArgumentException("baseSequence=" + baseSequence + " must not be negative");
        }

        final String digits = Long.toString(baseSequence);
        final StringBuilder name = new StringBuilder(SEGMENT_FILE_NAME_LENGTH).append(SEGMENT_FILE_PREFIX);
        for (int i = digits.length(); i < SEQUENCE_DIGITS; i++)
        {
            name.append('0');
        }

        return name.append(digits).append(SEGMENT_FILE_SUFFIX).toString();
    }

    /**
     * Base sequence from a segment file name.
     *
     * @param fileName to parse.
     * @return base sequence, or -1 when the name is not a segment file name.
     */
    public static long parseSegmentBaseSequence(final String fileName)
    {
        if (fileName.length() != SEGMENT_FILE_NAME_LENGTH ||
            !fileName.startsWith(SEGMENT_FILE_PREFIX) ||
            !fileName.endsWith(SEGMENT_FILE_SUFFIX))
        {
            return -1;
        }

        long value = 0;
        final int end = SEGMENT_FILE_PREFIX.length() + SEQUENCE_DIGITS;
        for (int i = SEGMENT_FILE_PREFIX.length(); i < end; i++)
        {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9' || value > (Long.MAX_VALUE - (c - '0')) / 10)
            {
                return -1;
            }
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    /**
     * CRC32C of a range of a buffer. Moves the buffer's position and limit; absolute accessors are unaffected.
     *
     * @param crc32c to compute with; reset first.
     * @param buffer holding the range.
     * @param offset of the range.
     * @param length of the range.
     * @return the checksum as stored in a record or header.
     */
    public static int computeChecksum(final CRC32C crc32c, final ByteBuffer buffer, final int offset, final int length)
    {
        crc32c.reset();
        buffer.limit(offset + length).position(offset);
        crc32c.update(buffer);

        return (int)crc32c.getValue();
    }

    static int getLengthAcquire(final AtomicBuffer buffer, final int recordOffset)
    {
        final int value = buffer.getIntAcquire(recordOffset + LENGTH_OFFSET);

        return NATIVE_IS_LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    static void putLengthRelease(final AtomicBuffer buffer, final int recordOffset, final int length)
    {
        final int value = NATIVE_IS_LITTLE_ENDIAN ? length : Integer.reverseBytes(length);
        buffer.putIntRelease(recordOffset + LENGTH_OFFSET, value);
    }
}
