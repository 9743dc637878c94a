package dev.vigil.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.vigil.journal.JournalDescriptor.END_OF_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalDescriptor.LOCK_FILE_NAME;
import static dev.vigil.journal.JournalDescriptor.PAGE_SIZE;
import static dev.vigil.journal.JournalDescriptor.PREPARED_SEGMENT_FILE_NAME;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.alignedRecordLength;
import static dev.vigil.journal.JournalDescriptor.maxPayloadLength;
import static dev.vigil.journal.JournalDescriptor.recordLimit;
import static dev.vigil.journal.JournalDescriptor.segmentFileName;

/**
 * Appends opaque frames to a segmented, memory-mapped journal laid out as {@link JournalDescriptor} shows, and
 * makes them durable as its {@link Durability} says. One writer per directory (a file lock makes sure), used by
 * one thread.
 * <p>
 * {@link #open(JournalContext)} recovers the directory first ({@link JournalRecovery}) and goes on after the last
 * good record. Sequences must run on by one from the last record; the first record of an empty journal may have
 * any positive sequence.
 * <p>
 * Appending allocates nothing and reports refusals as negative codes. When a record does not fit in the current
 * segment the writer rolls to the next one, which it prepares ahead: created under
 * {@link JournalDescriptor#PREPARED_SEGMENT_FILE_NAME} and pre-touched page by page so the first writes to it
 * take no page faults. {@link #doDutyCycle()} prepares it a few pages at a time when the caller is idle; a roll
 * finishes whatever is left, so a roll without idle time in between costs the whole preparation.
 * <p>
 * Each record's length field is written last with release order, after payload and checksum, so a
 * {@link JournalReader} tailing the journal never sees a partial record.
 */
public final class JournalWriter implements AutoCloseable
{
    /** Refused: the sequence is not greater than {@link #lastSequence()}. */
    public static final long NON_INCREASING_SEQUENCE = -1;

    /** Refused: the sequence skips one or more after {@link #lastSequence()}. */
    public static final long SEQUENCE_GAP = -2;

    /** Refused: the payload is empty or longer than {@link #maxPayloadLength()}. */
    public static final long INVALID_LENGTH = -3;

    /** Refused: the writer is closed. */
    public static final long CLOSED = -4;

    /** Pages of the next segment that one {@link #doDutyCycle()} pre-touches at most when nothing was appended. */
    public static final int PRE_TOUCH_PAGES_PER_DUTY_CYCLE = 16;

    /**
     * Pages pre-touched per {@link #doDutyCycle()} beyond those appended since the last one, while appending. A
     * page fault on a fresh page costs microseconds; touching in step with what the writer consumes spreads that
     * cost evenly instead of stalling a busy engine for tens of milliseconds after each roll.
     */
    public static final int PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY = 1;

    /**
     * Directories with an open writer in this process. The file lock guards against other processes; this set
     * keeps a second writer in the same process from opening, and so from closing, another channel to the lock
     * file, which would drop the process's lock.
     */
    private static final Set<Path> WRITER_DIRECTORIES = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final Path directoryKey;
    private final Path preparedFile;
    private final int segmentLength;
    private final int maxPayloadLength;
    private final Durability durability;
    private final boolean forces;
    private final boolean periodic;
    private final long fsyncIntervalNs;
    private final NanoClock nanoClock;
    private final FileChannel lockChannel;
    private final RecordChecker checker = new RecordChecker();
    private final UnsafeBuffer activeBuffer = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer preparedBuffer = new UnsafeBuffer(new byte[0]);

    private RecoveryReport recoveryReport;
    private MappedByteBuffer activeMapped;
    private long activeBaseSequence;
    private int activeLimit;
    private int position;
    private int dirtyStart;
    private MappedByteBuffer preparedMapped;
    private int preparedTouchOffset;
    private SegmentPreparer preparer;

    private long lastSequence;
    private boolean sequenceFixed;
    private long durableSequence;
    private long bytesWritten;
    private long fsyncCount;
    private long lastForceNs;
    private int positionAtLastDutyCycle;
    private boolean closed;

    private JournalWriter(final JournalContext context, final Path directoryKey, final FileChannel lockChannel)
    {
        this.directory = context.directory();
        this.directoryKey = directoryKey;
        this.preparedFile = directory.resolve(PREPARED_SEGMENT_FILE_NAME);
        this.segmentLength = context.segmentLength();
        this.maxPayloadLength = JournalDescriptor.maxPayloadLength(segmentLength);
        this.durability = context.durability();
        this.forces = durability != Durability.NONE;
        this.periodic = durability == Durability.PERIODIC;
        this.fsyncIntervalNs = context.fsyncIntervalNs();
        this.nanoClock = context.nanoClock();
        this.lockChannel = lockChannel;
    }

    /**
     * Open the journal in a directory, creating the directory if needed: lock it, recover it, prepare the next
     * segment, and be ready to append after the last good record.
     *
     * @param context settings; concluded here.
     * @return the writer.
     * @throws JournalCorruptionException when the journal is damaged in the middle and the context does not allow
     *                                    cutting there.
     * @throws IllegalStateException      when another writer has the directory.
     * @throws UncheckedIOException       when the files cannot be read, created or mapped.
     */
    public static JournalWriter open(final JournalContext context)
    {
        context.conclude();
        final Path directory = context.directory();
        final Path directoryKey = directory.toAbsolutePath().normalize();
        if (!WRITER_DIRECTORIES.add(directoryKey))
        {
            throw new IllegalStateException("journal directory " + directory + " already has a writer");
        }

        FileChannel lockChannel = null;
        JournalWriter writer = null;
        try
        {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(
                directory.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock(lockChannel, directory);
            Files.deleteIfExists(directory.resolve(PREPARED_SEGMENT_FILE_NAME));

            final JournalRecovery recovery = JournalRecovery.run(directory, context.truncateAtCorruption(), true);
            writer = new JournalWriter(context, directoryKey, lockChannel);
            writer.start(recovery);
            if (context.prepareInBackground())
            {
                // The segment after the one prepared at start is prepared on the preparer's thread.
                writer.preparer = new SegmentPreparer(writer.preparedFile, writer.segmentLength);
            }

            return writer;
        }
        catch (final IOException ex)
        {
            closeAfterFailure(writer, directoryKey, lockChannel, ex);
            throw new UncheckedIOException("journal could not be opened in " + directory, ex);
        }
        catch (final RuntimeException ex)
        {
            closeAfterFailure(writer, directoryKey, lockChannel, ex);
            throw ex;
        }
    }

    /**
     * Append a frame as the record with the next sequence. Allocates nothing; may roll to the next segment.
     *
     * @param engineSeq     engine sequence of the frame: {@link #lastSequence()} + 1, or any positive value as the
     *                      first record of an empty journal.
     * @param receiveTimeNs when the frame was received.
     * @param buffer        holding the frame.
     * @param offset        of the frame in the buffer.
     * @param length        of the frame, from 1 to {@link #maxPayloadLength()}.
     * @return the write position in the current segment after the record (positive), or a negative code:
     * {@link #NON_INCREASING_SEQUENCE}, {@link #SEQUENCE_GAP}, {@link #INVALID_LENGTH}, {@link #CLOSED}.
     * @throws UncheckedIOException when rolling to a new segment fails.
     */
    public long append(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed)
        {
            return CLOSED;
        }
        if (engineSeq <= lastSequence)
        {
            return NON_INCREASING_SEQUENCE;
        }
        if (sequenceFixed && engineSeq != lastSequence + 1)
        {
            return SEQUENCE_GAP;
        }
        if (length <= 0 || length > maxPayloadLength)
        {
            return INVALID_LENGTH;
        }

        final int alignedLength = alignedRecordLength(length);
        if (null == activeMapped || position + alignedLength > activeLimit)
        {
            if (null != activeMapped && position == SEGMENT_HEADER_LENGTH)
            {
                return INVALID_LENGTH; // empty segment left by an earlier writer with a smaller segment length
            }
            startSegment(engineSeq);
        }

        final int recordOffset = position;
        checker.writeRecord(activeBuffer, activeMapped, recordOffset, engineSeq, receiveTimeNs, buffer, offset, length);
        position = recordOffset + alignedLength;
        lastSequence = engineSeq;
        sequenceFixed = true;
        bytesWritten += alignedLength;

        return position;
    }

    /**
     * End of a batch of appends: force what was appended as the {@link Durability} says. In {@link Durability#BATCH}
     * mode only the bytes written since the last force are forced.
     */
    public void endOfBatch()
    {
        if (forces && position > dirtyStart)
        {
            if (periodic)
            {
                final long nowNs = nanoClock.nanoTime();
                if (nowNs - lastForceNs >= fsyncIntervalNs)
                {
                    forceDirty(nowNs);
                }
            }
            else
            {
                forceDirty(lastForceNs);
            }
        }
    }

    /**
     * Work for idle time: in {@link Durability#PERIODIC} mode force appended records once the interval has passed,
     * so they become durable on time without another batch; and prepare the next segment a few pages at a time.
     *
     * @return work done, 0 when there was nothing to do.
     * @throws UncheckedIOException when the next segment cannot be created.
     */
    public int doDutyCycle()
    {
        if (closed)
        {
            return 0;
        }

        int workCount = 0;
        if (periodic && position > dirtyStart)
        {
            final long nowNs = nanoClock.nanoTime();
            if (nowNs - lastForceNs >= fsyncIntervalNs)
            {
                forceDirty(nowNs);
                workCount++;
            }
        }

        final int appendedPages = position >= positionAtLastDutyCycle ?
            (position - positionAtLastDutyCycle) / PAGE_SIZE : position / PAGE_SIZE;
        final int pageLimit = position == positionAtLastDutyCycle ?
            PRE_TOUCH_PAGES_PER_DUTY_CYCLE : appendedPages + PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY;
        positionAtLastDutyCycle = position;
        try
        {
            workCount += prepareNextSegment(pageLimit);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not prepare the next segment in " + directory, ex);
        }

        return workCount;
    }

    /**
     * @return sequence of the last record appended or recovered; 0 for an empty journal (one less than the base of
     * an empty last segment).
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * @return sequence of the last record known to be durable as the {@link Durability} defines it: the last
     * appended in {@link Durability#NONE} mode, the last forced otherwise. Recovered records count as durable.
     */
    public long durableSequence()
    {
        return forces ? durableSequence : lastSequence;
    }

    /**
     * @return bytes of records (aligned, headers included) appended since open.
     */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * @return forces of journal files to storage since open: dirty ranges at the end of a batch, on a period, at
     * open, at a roll (new segment header, directory, sealed segment) and at close.
     */
    public long fsyncCount()
    {
        return fsyncCount;
    }

    /**
     * @return write position in the current segment, 0 when there is no current segment yet.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return base sequence of the current segment, 0 when there is no current segment yet.
     */
    public long segmentBaseSequence()
    {
        return null == activeMapped ? 0 : activeBaseSequence;
    }

    /**
     * @return largest payload an append accepts.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * @return durability mode.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @return directory of the journal.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @return what the recovery at open found and cut.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Force what is not yet forced (unless the mode is {@link Durability#NONE}), unmap the segments, delete the
     * prepared next segment, which holds no records, and release the directory. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        try
        {
            if (forces && null != activeMapped && position > dirtyStart)
            {
                forceDirty(lastForceNs);
            }
        }
        finally
        {
            releaseResources();
        }
    }

    private void start(final JournalRecovery recovery) throws IOException
    {
        recoveryReport = recovery.report();
        lastSequence = recovery.lastSequence();
        sequenceFixed = null != recovery.lastSegment();

        if (null != recovery.lastSegment() && !recovery.lastSegmentSealed())
        {
            final int length = recovery.lastSegmentLength();
            activeMapped = SegmentFiles.mapReadWrite(recovery.lastSegment(), length);
            activeBuffer.wrap(activeMapped);
            activeBaseSequence = recovery.lastSegmentBase();
            activeLimit = recordLimit(length);
            position = recovery.lastSegmentEnd();
            if (forces)
            {
                activeMapped.force(0, position);
                fsyncCount++;
            }
            preTouch(activeBuffer, BitUtil.align(position, PAGE_SIZE), length);
        }
        dirtyStart = position;
        durableSequence = lastSequence;
        lastForceNs = nanoClock.nanoTime();

        prepareNextSegment(Integer.MAX_VALUE);
    }

    private void startSegment(final long baseSequence)
    {
        try
        {
            prepareNextSegment(Integer.MAX_VALUE);
            final MappedByteBuffer next = preparedMapped;
            checker.writeHeader(preparedBuffer, next, baseSequence, segmentLength);
            if (forces)
            {
                next.force(0, SEGMENT_HEADER_LENGTH);
                fsyncCount++;
            }
            Files.move(preparedFile, directory.resolve(segmentFileName(baseSequence)));
            preparedMapped = null;
            if (null != preparer)
            {
                preparer.request();
            }
            if (forces)
            {
                SegmentFiles.syncDirectory(directory);
                fsyncCount++;
            }

            if (null != activeMapped)
            {
                checker.writeEndOfSegment(activeBuffer, activeMapped, position, baseSequence);
                if (forces)
                {
                    activeMapped.force(dirtyStart, position + END_OF_SEGMENT_LENGTH - dirtyStart);
                    fsyncCount++;
                    durableSequence = lastSequence;
                }
                if (null != preparer)
                {
                    preparer.retire(activeMapped);
                }
                else
                {
                    SegmentFiles.unmap(activeMapped);
                }
            }

            activeMapped = next;
            activeBuffer.wrap(next);
            activeBaseSequence = baseSequence;
            activeLimit = recordLimit(segmentLength);
            position = SEGMENT_HEADER_LENGTH;
            dirtyStart = SEGMENT_HEADER_LENGTH;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(
                "journal could not start segment " + segmentFileName(baseSequence) + " in " + directory, ex);
        }
    }

    /**
     * Create the next segment under its temporary name if it does not exist, and pre-touch up to a number of its
     * pages.
     *
     * @return work done: 1 for creating it, plus pages touched.
     */
    private int prepareNextSegment(final int pageLimit) throws IOException
    {
        int workCount = 0;
        if (null == preparedMapped && null != preparer)
        {
            final MappedByteBuffer ready = pageLimit == Integer.MAX_VALUE ? preparer.await() : preparer.take();
            if (null == ready)
            {
                return 0;
            }
            preparedMapped = ready;
            preparedBuffer.wrap(ready);
            preparedTouchOffset = segmentLength;
            return 1;
        }
        if (null == preparedMapped)
        {
            preparedMapped = SegmentFiles.createAndMap(preparedFile, segmentLength);
            preparedBuffer.wrap(preparedMapped);
            preparedTouchOffset = 0;
            workCount++;
        }

        final int end = (int)Math.min(segmentLength, preparedTouchOffset + ((long)pageLimit * PAGE_SIZE));
        workCount += preTouch(preparedBuffer, preparedTouchOffset, end);
        preparedTouchOffset = Math.max(preparedTouchOffset, end);

        return workCount;
    }

    private static int preTouch(final UnsafeBuffer buffer, final int from, final int to)
    {
        int pages = 0;
        for (int offset = from; offset < to; offset += PAGE_SIZE)
        {
            buffer.putByte(offset, (byte)0);
            pages++;
        }

        return pages;
    }

    private void forceDirty(final long nowNs)
    {
        activeMapped.force(dirtyStart, position - dirtyStart);
        dirtyStart = position;
        durableSequence = lastSequence;
        lastForceNs = nowNs;
        fsyncCount++;
    }

    private void releaseResources()
    {
        if (null != preparer)
        {
            preparer.close();
            preparer = null;
        }
        SegmentFiles.unmap(activeMapped);
        activeMapped = null;
        SegmentFiles.unmap(preparedMapped);
        preparedMapped = null;
        try
        {
            Files.deleteIfExists(preparedFile);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not delete " + preparedFile, ex);
        }
        finally
        {
            try
            {
                closeLock(lockChannel);
            }
            finally
            {
                WRITER_DIRECTORIES.remove(directoryKey);
            }
        }
    }

    private static void lock(final FileChannel lockChannel, final Path directory) throws IOException
    {
        FileLock lock;
        try
        {
            lock = lockChannel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }

        if (null == lock)
        {
            throw new IllegalStateException("journal directory " + directory + " already has a writer");
        }
    }

    private static void closeLock(final FileChannel lockChannel)
    {
        try
        {
            lockChannel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not release its lock", ex);
        }
    }

    private static void closeAfterFailure(
        final JournalWriter writer, final Path directoryKey, final FileChannel lockChannel, final Exception ex)
    {
        try
        {
            if (null != writer)
            {
                writer.closed = true;
                writer.releaseResources();
            }
            else if (null != lockChannel)
            {
                closeLock(lockChannel);
            }
        }
        catch (final RuntimeException suppressed)
        {
            ex.addSuppressed(suppressed);
        }
        finally
        {
            WRITER_DIRECTORIES.remove(directoryKey);
        }
    }
}
