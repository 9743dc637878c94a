package dev.vigil.journal;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.journal.JournalDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.vigil.journal.JournalDescriptor.BYTE_ORDER;
import static dev.vigil.journal.JournalDescriptor.END_OF_DATA;
import static dev.vigil.journal.JournalDescriptor.PREPARED_SEGMENT_FILE_NAME;
import static dev.vigil.journal.JournalDescriptor.RECORD_ALIGNMENT;
import static dev.vigil.journal.JournalDescriptor.RECORD_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.SEQUENCE_OFFSET;

/**
 * Recovery scan of a journal directory: checks every segment header, the checksum of every record and that
 * sequences run on by one, within and across segments.
 * <ul>
 *     <li>A torn or corrupt <b>tail</b>, a bad record in the last segment followed by nothing valid, is cut: the
 *     bytes from the bad record to the end of the written data are zeroed and the cut is reported.</li>
 *     <li>Damage in the <b>middle</b>, a bad record with valid records after it, a bad record or header in a
 *     segment that is not the last, or a missing segment, throws {@link JournalCorruptionException} and changes
 *     nothing, unless truncating at corruption is allowed: then everything from the damage on is cut and later
 *     segments are renamed with {@link JournalDescriptor#CORRUPT_SUFFIX}, never deleted.</li>
 *     <li>A segment that is not the last but lacks its end-of-segment marker (the writer stopped between creating
 *     the next segment and sealing this one) is sealed.</li>
 *     <li>The prepared next segment, {@link JournalDescriptor#PREPARED_SEGMENT_FILE_NAME}, is a segment once a
 *     roll has written a valid header into it, whether or not the rename to its segment name that follows the
 *     roll has happened: it is scanned as the segment its header names, and given that name. Without a valid
 *     header it holds no records and is deleted; if bytes past the header are not all zero (a header torn by a
 *     power loss before its first force completed, so none of its records were reported durable) it is renamed
 *     with {@link JournalDescriptor#CORRUPT_SUFFIX} instead, never deleted.</li>
 * </ul>
 * Records are never rewritten: only bytes after the last good record are zeroed, and markers go where there is
 * no data.
 */
public final class JournalRecovery
{
    private final Path directory;
    private final boolean truncateAtCorruption;
    private final boolean repair;
    private final RecordChecker checker = new RecordChecker();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final List<Path> quarantined = new ArrayList<>();
    private final List<Seal> seals = new ArrayList<>();
    private final Path preparedFile;

    // The prepared file: a segment (preparedTarget set), or without a valid header, to delete or to quarantine.
    private long preparedBase;
    private Path preparedTarget;
    private boolean deletePrepared;
    private boolean quarantinePrepared;
    private String preparedProblem;

    private int segmentsScanned;
    private long recordCount;
    private long firstSequence;
    private long lastSequence;

    private Path lastSegment;
    private long lastSegmentBase;
    private int lastSegmentLength;
    private int lastSegmentEnd;
    private boolean lastSegmentSealed;
    private long nextSequence;

    private Path cutFile;
    private int cutOffset = -1;
    private int cutEnd;
    private int cutSegmentLength;
    private long cutSequence;
    private String problem;

    private JournalRecovery(final Path directory, final boolean truncateAtCorruption, final boolean repair)
    {
        this.directory = directory;
        this.truncateAtCorruption = truncateAtCorruption;
        this.repair = repair;
        this.preparedFile = directory.resolve(PREPARED_SEGMENT_FILE_NAME);
    }

    /**
     * Scan a journal and repair it: cut a torn tail, seal segments left unsealed, and, if allowed, cut at damage in
     * the middle. {@link JournalWriter#open(JournalContext)} does this itself; the directory must not have a writer.
     *
     * @param directory            of the journal.
     * @param truncateAtCorruption cut at damage in the middle instead of throwing.
     * @return what was found and cut.
     * @throws JournalCorruptionException on damage in the middle when not allowed to cut there.
     * @throws UncheckedIOException       when the files cannot be read or changed.
     */
    public static RecoveryReport recover(final Path directory, final boolean truncateAtCorruption)
    {
        return run(directory, truncateAtCorruption, true).report();
    }

    /**
     * Scan a journal without changing anything: reports what {@link #recover(Path, boolean)} would cut.
     *
     * @param directory            of the journal.
     * @param truncateAtCorruption report a cut at damage in the middle instead of throwing.
     * @return what was found and would be cut.
     * @throws JournalCorruptionException on damage in the middle when not allowed to cut there.
     * @throws UncheckedIOException       when the files cannot be read.
     */
    public static RecoveryReport verify(final Path directory, final boolean truncateAtCorruption)
    {
        return run(directory, truncateAtCorruption, false).report();
    }

    static JournalRecovery run(final Path directory, final boolean truncateAtCorruption, final boolean repair)
    {
        final JournalRecovery recovery = new JournalRecovery(directory, truncateAtCorruption, repair);
        try
        {
            recovery.scan();
            if (repair)
            {
                recovery.apply();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal recovery failed in " + directory, ex);
        }

        return recovery;
    }

    RecoveryReport report()
    {
        return new RecoveryReport(
            segmentsScanned,
            recordCount,
            firstSequence,
            lastSequence,
            cutOffset >= 0 ? cutEnd - cutOffset : 0,
            null != cutFile ? cutSequence : 0,
            cutFile,
            cutOffset,
            quarantined,
            null != problem ? problem : preparedProblem);
    }

    Path lastSegment()
    {
        return lastSegment;
    }

    long lastSegmentBase()
    {
        return lastSegmentBase;
    }

    int lastSegmentLength()
    {
        return lastSegmentLength;
    }

    int lastSegmentEnd()
    {
        return lastSegmentEnd;
    }

    boolean lastSegmentSealed()
    {
        return lastSegmentSealed;
    }

    /**
     * Sequence of the last record, or the one before the base of an empty last segment, 0 for an empty journal.
     */
    long lastSequence()
    {
        return null == lastSegment ? 0 : Math.max(lastSequence, lastSegmentBase - 1);
    }

    private void scan() throws IOException
    {
        final List<Path> segments = SegmentFiles.list(directory);
        inspectPrepared(segments);
        scanSegments(segments);
        if (quarantinePrepared && null == cutFile)
        {
            cutFile = preparedFile;
            cutOffset = 0;
            cutSequence = lastSequence() + 1;
        }
    }

    private void scanSegments(final List<Path> segments) throws IOException
    {
        long expectedSequence = 0;
        for (int i = 0, size = segments.size(); i < size; i++)
        {
            final Path file = segments.get(i);
            final boolean isLast = i == size - 1;
            final long base = baseSequence(file);
            final MappedByteBuffer mapped = SegmentFiles.mapReadOnly(file);
            try
            {
                segmentsScanned++;
                final int capacity = null == mapped ? 0 : mapped.capacity();
                if (null != mapped)
                {
                    buffer.wrap(mapped);
                }

                final String headerProblem = null == mapped ?
                    "empty file" : checker.headerProblem(buffer, mapped, capacity, base);
                if (null != headerProblem)
                {
                    cutSegments(segments, i, "bad segment header: " + headerProblem);
                    return;
                }
                if (base < 1)
                {
                    cutSegments(segments, i, "base sequence " + base + " is not positive");
                    return;
                }
                if (expectedSequence != 0 && base != expectedSequence)
                {
                    cutSegments(segments, i, "segment " + JournalDescriptor.segmentFileName(expectedSequence) +
                        " is missing: next segment starts at sequence " + base + " instead of " + expectedSequence);
                    return;
                }

                if (!scanSegment(segments, i, isLast, file, base, mapped, capacity))
                {
                    return;
                }
                expectedSequence = nextSequence;
            }
            finally
            {
                SegmentFiles.unmap(mapped);
            }
        }
    }

    /**
     * Look at the prepared next segment, if there is one: with a valid header it joins the segments, in order.
     */
    private void inspectPrepared(final List<Path> segments) throws IOException
    {
        if (!Files.isRegularFile(preparedFile))
        {
            return;
        }

        final MappedByteBuffer mapped = SegmentFiles.mapReadOnly(preparedFile);
        try
        {
            if (null == mapped)
            {
                deletePrepared = true;
                return;
            }
            buffer.wrap(mapped);
            final int capacity = mapped.capacity();
            final long base = capacity >= SEGMENT_HEADER_LENGTH ? buffer.getLong(BASE_SEQUENCE_OFFSET, BYTE_ORDER) : 0;
            final String headerProblem = checker.headerProblem(buffer, mapped, capacity, base);
            if (null == headerProblem && base >= 1)
            {
                final Path target = directory.resolve(JournalDescriptor.segmentFileName(base));
                if (Files.exists(target))
                {
                    corruption(preparedFile, 0, "prepared segment holds the header of segment " + base +
                        ", which " + target.getFileName() + " already is");
                    quarantinePrepared = true;
                    quarantined.add(preparedFile);
                    preparedProblem = "prepared segment with the header of existing " + target.getFileName();
                    return;
                }

                preparedTarget = target;
                preparedBase = base;
                int index = 0;
                while (index < segments.size() && SegmentFiles.baseSequence(segments.get(index)) < base)
                {
                    index++;
                }
                segments.add(index, preparedFile);
            }
            else if (isZero(SEGMENT_HEADER_LENGTH, capacity))
            {
                deletePrepared = true;
            }
            else
            {
                quarantinePrepared = true;
                quarantined.add(preparedFile);
                preparedProblem = "prepared segment holds data but no valid header (" +
                    (null == headerProblem ? "base sequence " + base + " is not positive" : headerProblem) + ")";
            }
        }
        finally
        {
            SegmentFiles.unmap(mapped);
        }
    }

    private long baseSequence(final Path file)
    {
        return file.equals(preparedFile) ? preparedBase : SegmentFiles.baseSequence(file);
    }

    private boolean isZero(final int from, final int to)
    {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES)
        {
            if (buffer.getLong(i) != 0)
            {
                return false;
            }
        }
        for (; i < to; i++)
        {
            if (buffer.getByte(i) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Scan the records of one segment whose header is good.
     *
     * @return true to go on to the next segment, false when the scan stopped at damage.
     */
    private boolean scanSegment(
        final List<Path> segments,
        final int index,
        final boolean isLast,
        final Path file,
        final long base,
        final MappedByteBuffer mapped,
        final int capacity) throws IOException
    {
        final int segmentLength = RecordChecker.segmentLength(buffer);
        final int fileLimit = Math.min(capacity, segmentLength);
        int offset = SEGMENT_HEADER_LENGTH;
        long expectedSequence = base;
        int result;
        while (true)
        {
            final int length = offset + Integer.BYTES <= fileLimit ? buffer.getInt(offset, BYTE_ORDER) : END_OF_DATA;
            if (length == END_OF_DATA)
            {
                result = END_OF_DATA;
                break;
            }

            result = checker.check(buffer, mapped, fileLimit, segmentLength, offset, length, expectedSequence);
            if (result <= 0)
            {
                break;
            }

            if (firstSequence == 0)
            {
                firstSequence = expectedSequence;
            }
            lastSequence = expectedSequence;
            recordCount++;
            expectedSequence++;
            offset += result;
        }

        lastSegment = file;
        lastSegmentBase = base;
        lastSegmentLength = segmentLength;
        lastSegmentEnd = offset;
        lastSegmentSealed = result == RecordChecker.END_MARKER;
        nextSequence = expectedSequence;

        if (lastSegmentSealed)
        {
            return true;
        }

        final int dataEnd = writtenDataEnd(offset, fileLimit, segmentLength);
        if (result == END_OF_DATA && dataEnd == offset)
        {
            if (!isLast)
            {
                seals.add(new Seal(file, segmentLength, offset, expectedSequence));
            }
            return true;
        }

        final String badRecord = describe(result, offset, expectedSequence);
        if (isLast)
        {
            final int validAt = findValidRecord(offset, dataEnd, fileLimit, segmentLength, expectedSequence, mapped);
            if (validAt < 0)
            {
                cut(file, offset, dataEnd, segmentLength, expectedSequence, "torn tail: " + badRecord);
                return false;
            }
            corruption(file, offset, badRecord + ", yet a valid record follows at offset " + validAt);
        }
        else
        {
            corruption(file, offset, badRecord + " in a segment that is not the last");
        }

        cut(file, offset, dataEnd, segmentLength, expectedSequence, badRecord);
        quarantineFrom(segments, index + 1);

        return false;
    }

    private String describe(final int result, final int offset, final long expectedSequence)
    {
        final String what;
        switch (result)
        {
            case END_OF_DATA:
                what = "end of data followed by non-zero bytes";
                break;
            case RecordChecker.BAD_LENGTH:
                what = "bad record length " + buffer.getInt(offset, BYTE_ORDER);
                break;
            case RecordChecker.BAD_CHECKSUM:
                what = "record checksum mismatch";
                break;
            case RecordChecker.BAD_SEQUENCE:
                what = "record sequence " + buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER) + " instead of " +
                    expectedSequence;
                break;
            case RecordChecker.TORN:
                what = "record runs past the end of the file";
                break;
            default:
                what = "unexpected result " + result;
                break;
        }

        return what + " at offset " + offset;
    }

    /**
     * End of the written data from an offset: just past the last non-zero byte, aligned to a record boundary.
     */
    private int writtenDataEnd(final int from, final int fileLimit, final int segmentLength)
    {
        int end = from;
        int i = from;
        for (; i + Long.BYTES <= fileLimit; i += Long.BYTES)
        {
            if (buffer.getLong(i) != 0)
            {
                end = i + Long.BYTES;
            }
        }
        for (; i < fileLimit; i++)
        {
            if (buffer.getByte(i) != 0)
            {
                end = i + 1;
            }
        }

        return Math.min(BitUtil.align(end, RECORD_ALIGNMENT), segmentLength);
    }

    /**
     * Look past a bad record for a record, or end-of-segment marker, that is valid and whose sequence could follow
     * the last good one: one more for each record boundary skipped at most.
     *
     * @return offset of the first such record, or -1.
     */
    private int findValidRecord(
        final int badOffset,
        final int dataEnd,
        final int fileLimit,
        final int segmentLength,
        final long expectedSequence,
        final MappedByteBuffer mapped)
    {
        for (int offset = badOffset + RECORD_ALIGNMENT;
            offset < dataEnd && offset + RECORD_HEADER_LENGTH <= fileLimit;
            offset += RECORD_ALIGNMENT)
        {
            final int length = buffer.getInt(offset, BYTE_ORDER);
            if (length == END_OF_DATA)
            {
                continue;
            }

            final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
            final long maxSequence = expectedSequence + ((offset - badOffset) / RECORD_ALIGNMENT);
            if (sequence < expectedSequence || sequence > maxSequence)
            {
                continue;
            }

            final int result = checker.check(buffer, mapped, fileLimit, segmentLength, offset, length, sequence);
            if (result > 0 || result == RecordChecker.END_MARKER)
            {
                return offset;
            }
        }

        return -1;
    }

    private void corruption(final Path file, final long offset, final String reason)
    {
        if (!truncateAtCorruption)
        {
            throw new JournalCorruptionException(file.toString(), offset, lastSequence, reason);
        }
    }

    private void cut(
        final Path file,
        final int offset,
        final int dataEnd,
        final int segmentLength,
        final long sequence,
        final String reason)
    {
        cutFile = file;
        cutOffset = offset;
        cutEnd = Math.max(dataEnd, offset);
        cutSegmentLength = segmentLength;
        cutSequence = sequence;
        problem = reason;
        lastSegmentEnd = offset;
        lastSegmentSealed = false;
    }

    /**
     * Damage at the start of a segment (bad header, missing segment before it): it and all after it are cut.
     */
    private void cutSegments(final List<Path> segments, final int index, final String reason)
    {
        final Path file = segments.get(index);
        corruption(file, 0, reason);
        problem = reason;
        cutFile = file;
        cutOffset = 0;
        cutEnd = 0;
        cutSegmentLength = 0;
        cutSequence = lastSequence + 1;
        quarantineFrom(segments, index);
    }

    private void quarantineFrom(final List<Path> segments, final int index)
    {
        for (int i = index; i < segments.size(); i++)
        {
            quarantined.add(segments.get(i));
        }
    }

    private void apply() throws IOException
    {
        boolean renamed = false;
        if (null != preparedTarget)
        {
            Files.move(preparedFile, preparedTarget);
            renamePrepared();
            renamed = true;
        }
        else if (deletePrepared)
        {
            Files.deleteIfExists(preparedFile);
        }

        for (int i = 0; i < quarantined.size(); i++)
        {
            quarantined.set(i, SegmentFiles.quarantine(quarantined.get(i)));
        }

        for (final Seal seal : seals)
        {
            if (!seal.file.equals(lastSegment) && !quarantined.contains(seal.file))
            {
                final MappedByteBuffer mapped = SegmentFiles.mapReadWrite(seal.file, seal.segmentLength);
                try
                {
                    buffer.wrap(mapped);
                    checker.writeEndOfSegment(buffer, mapped, seal.offset, seal.nextSequence);
                    mapped.force();
                }
                finally
                {
                    SegmentFiles.unmap(mapped);
                }
            }
        }

        if (cutSegmentLength > 0 && cutEnd > cutOffset)
        {
            final MappedByteBuffer mapped = SegmentFiles.mapReadWrite(cutFile, cutSegmentLength);
            try
            {
                buffer.wrap(mapped);
                buffer.setMemory(cutOffset, cutEnd - cutOffset, (byte)0);
                mapped.force();
            }
            finally
            {
                SegmentFiles.unmap(mapped);
            }
        }

        if (renamed || !quarantined.isEmpty())
        {
            SegmentFiles.syncDirectory(directory);
        }
    }

    /**
     * The prepared file now has its segment name: so must every reference to it.
     */
    private void renamePrepared()
    {
        for (int i = 0; i < quarantined.size(); i++)
        {
            if (quarantined.get(i).equals(preparedFile))
            {
                quarantined.set(i, preparedTarget);
            }
        }
        for (int i = 0; i < seals.size(); i++)
        {
            final Seal seal = seals.get(i);
            if (seal.file.equals(preparedFile))
            {
                seals.set(i, new Seal(preparedTarget, seal.segmentLength, seal.offset, seal.nextSequence));
            }
        }
        if (preparedFile.equals(lastSegment))
        {
            lastSegment = preparedTarget;
        }
        if (preparedFile.equals(cutFile))
        {
            cutFile = preparedTarget;
        }
    }

    private static final class Seal
    {
        private final Path file;
        private final int segmentLength;
        private final int offset;
        private final long nextSequence;

        private Seal(final Path file, final int segmentLength, final int offset, final long nextSequence)
        {
            this.file = file;
            this.segmentLength = segmentLength;
            this.offset = offset;
            this.nextSequence = nextSequence;
        }
    }
}
