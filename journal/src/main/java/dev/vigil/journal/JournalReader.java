package dev.vigil.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vigil.journal.JournalDescriptor.BYTE_ORDER;
import static dev.vigil.journal.JournalDescriptor.END_OF_DATA;
import static dev.vigil.journal.JournalDescriptor.PAYLOAD_OFFSET;
import static dev.vigil.journal.JournalDescriptor.RECEIVE_TIME_OFFSET;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.segmentFileName;

/**
 * Reads the records of a journal in sequence order across segments, from a given sequence or receive time,
 * checking every record's checksum and that sequences run on by one. Payloads are handed over as views of the
 * mapped segment: no copy, no allocation per record.
 * <p>
 * Works on a closed journal and as a tailer of one being written: {@link #poll(JournalRecordHandler, int)} returns
 * 0 when there is no complete new record yet, and picks up where it left off when there is. It reads each length
 * field with acquire order, pairing with the writer's release, so it never sees a partial record. Just after a roll
 * the new segment is still under its temporary name; a tailer that reached the end-of-segment marker waits until
 * the writer's preparer has given it its segment name (moments later).
 * <p>
 * It stops for good at the first bad record, bad segment header or missing segment; {@link #stopReason()} says
 * why and {@link #stopFile()} and {@link #stopOffset()} say where. A journal that was not shut down cleanly should
 * be recovered ({@link JournalWriter#open(JournalContext)} or {@link JournalRecovery}) before it is read.
 * <p>
 * One thread per reader. Opening or moving to a segment touches the file system; polling within a segment does
 * not.
 */
public final class JournalReader implements AutoCloseable
{
    /**
     * Why a reader stopped reading.
     */
    public enum StopReason
    {
        /** Not stopped: it has read all complete records so far. */
        NONE,
        /** A segment header is not valid. */
        BAD_SEGMENT_HEADER,
        /** A record's length field cannot be a record's. */
        BAD_LENGTH,
        /** A record's checksum does not match. */
        BAD_CHECKSUM,
        /** A record's sequence is not the previous one plus one. */
        BAD_SEQUENCE,
        /** A record runs past the end of its file. */
        TORN_RECORD,
        /** A segment ended but the segment it names as next is missing while later ones exist. */
        MISSING_SEGMENT
    }

    private static final long NO_TIME = Long.MIN_VALUE;

    private final Path directory;
    private final long fromSequence;
    private final long fromReceiveTimeNs;
    private final RecordChecker checker = new RecordChecker();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    private MappedByteBuffer mapped;
    private Path segmentFile;
    private int segmentLength;
    private int capacity;
    private int offset;
    private long nextSequence;
    private long lastSequence;
    private boolean skipping = true;
    private StopReason stopReason = StopReason.NONE;
    private Path stopFile;
    private long stopOffset = -1;
    private boolean closed;

    private JournalReader(final Path directory, final long fromSequence, final long fromReceiveTimeNs)
    {
        this.directory = directory;
        this.fromSequence = fromSequence;
        this.fromReceiveTimeNs = fromReceiveTimeNs;
    }

    /**
     * Open a reader that delivers records from a sequence on. The directory may be empty or missing, in which case
     * the reader waits for the first segment.
     *
     * @param directory    of the journal.
     * @param fromSequence first sequence to deliver; records before it are skipped. 0 or 1 for all.
     * @return the reader.
     * @throws UncheckedIOException when the directory cannot be listed or a segment mapped.
     */
    public static JournalReader open(final Path directory, final long fromSequence)
    {
        final JournalReader reader = new JournalReader(directory, fromSequence, NO_TIME);
        reader.openFirstSegment();

        return reader;
    }

    /**
     * Open a reader that delivers records from the first whose receive time is at or after a time, and every
     * record after that one whatever its time. Scans from the start of the journal.
     *
     * @param directory         of the journal.
     * @param fromReceiveTimeNs receive time of the first record to deliver, at the earliest.
     * @return the reader.
     * @throws UncheckedIOException when the directory cannot be listed or a segment mapped.
     */
    public static JournalReader openAtReceiveTime(final Path directory, final long fromReceiveTimeNs)
    {
        final JournalReader reader = new JournalReader(directory, 0, fromReceiveTimeNs);
        reader.openFirstSegment();

        return reader;
    }

    /**
     * Deliver up to a number of records to a handler.
     *
     * @param handler for the records.
     * @param limit   most records to deliver.
     * @return records delivered; 0 when there is no complete new record yet, or the reader has stopped.
     * @throws UncheckedIOException when the next segment cannot be mapped.
     */
    public int poll(final JournalRecordHandler handler, final int limit)
    {
        if (closed || stopReason != StopReason.NONE || (null == mapped && !openFirstSegment()))
        {
            return 0;
        }

        int count = 0;
        while (count < limit)
        {
            final int recordOffset = offset;
            if (recordOffset + Integer.BYTES > capacity)
            {
                break;
            }

            final int length = JournalDescriptor.getLengthAcquire(buffer, recordOffset);
            if (length == END_OF_DATA)
            {
                break;
            }

            final int result =
                checker.check(buffer, mapped, capacity, segmentLength, recordOffset, length, nextSequence);
            if (result > 0)
            {
                final long sequence = nextSequence;
                final long receiveTimeNs = buffer.getLong(recordOffset + RECEIVE_TIME_OFFSET, BYTE_ORDER);
                offset = recordOffset + result;
                nextSequence = sequence + 1;
                if (skipping)
                {
                    if (sequence < fromSequence || receiveTimeNs < fromReceiveTimeNs)
                    {
                        continue;
                    }
                    skipping = false;
                }

                lastSequence = sequence;
                count++;
                handler.onRecord(sequence, receiveTimeNs, buffer, recordOffset + PAYLOAD_OFFSET, length);
            }
            else if (result == RecordChecker.END_MARKER)
            {
                if (!openNextSegment(nextSequence))
                {
                    break;
                }
            }
            else
            {
                stop(stopReasonOf(result), segmentFile, recordOffset);
                break;
            }
        }

        return count;
    }

    /**
     * @return sequence of the last record delivered, 0 for none.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * @return sequence the next record must have, 0 before the first segment was found.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * @return why the reader stopped, {@link StopReason#NONE} while it has not.
     */
    public StopReason stopReason()
    {
        return stopReason;
    }

    /**
     * @return file where the reader stopped, null while it has not.
     */
    public Path stopFile()
    {
        return stopFile;
    }

    /**
     * @return byte offset in {@link #stopFile()} where the reader stopped, -1 while it has not.
     */
    public long stopOffset()
    {
        return stopOffset;
    }

    /**
     * @return directory of the journal.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Unmap the current segment. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            SegmentFiles.unmap(mapped);
            mapped = null;
        }
    }

    private boolean openFirstSegment()
    {
        try
        {
            final List<Path> segments = SegmentFiles.list(directory);
            if (segments.isEmpty())
            {
                return false;
            }

            Path first = segments.get(0);
            if (fromReceiveTimeNs == NO_TIME)
            {
                for (final Path segment : segments)
                {
                    if (SegmentFiles.baseSequence(segment) <= fromSequence)
                    {
                        first = segment;
                    }
                }
            }

            return mapSegment(first, SegmentFiles.baseSequence(first));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal reader could not open a segment in " + directory, ex);
        }
    }

    private boolean openNextSegment(final long baseSequence)
    {
        final Path next = directory.resolve(segmentFileName(baseSequence));
        try
        {
            if (!Files.exists(next))
            {
                // The writer's preparer may name it, and roll on past it, between the two looks: a later segment
                // is named only after this one, so look for this one again before calling it missing.
                if (SegmentFiles.hasSegmentAfter(directory, baseSequence) && !Files.exists(next))
                {
                    stop(StopReason.MISSING_SEGMENT, next, 0);
                }
                return false;
            }

            return mapSegment(next, baseSequence);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal reader could not open " + next, ex);
        }
    }

    private boolean mapSegment(final Path file, final long baseSequence) throws IOException
    {
        final MappedByteBuffer next = SegmentFiles.mapReadOnly(file);
        if (null == next)
        {
            stop(StopReason.BAD_SEGMENT_HEADER, file, 0);
            return false;
        }

        final UnsafeBuffer nextBuffer = new UnsafeBuffer(next);
        if (null != checker.headerProblem(nextBuffer, next, next.capacity(), baseSequence))
        {
            SegmentFiles.unmap(next);
            stop(StopReason.BAD_SEGMENT_HEADER, file, 0);
            return false;
        }

        SegmentFiles.unmap(mapped);
        mapped = next;
        buffer.wrap(next);
        segmentFile = file;
        segmentLength = RecordChecker.segmentLength(buffer);
        capacity = Math.min(next.capacity(), segmentLength);
        offset = SEGMENT_HEADER_LENGTH;
        nextSequence = baseSequence;

        return true;
    }

    private void stop(final StopReason reason, final Path file, final long offset)
    {
        stopReason = reason;
        stopFile = file;
        stopOffset = offset;
    }

    private static StopReason stopReasonOf(final int result)
    {
        switch (result)
        {
            case RecordChecker.BAD_LENGTH:
                return StopReason.BAD_LENGTH;
            case RecordChecker.BAD_CHECKSUM:
                return StopReason.BAD_CHECKSUM;
            case RecordChecker.BAD_SEQUENCE:
                return StopReason.BAD_SEQUENCE;
            default:
                return StopReason.TORN_RECORD;
        }
    }
}
