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
 * segment the writer rolls to the next one, which is prepared ahead under
 * {@link JournalDescriptor#PREPARED_SEGMENT_FILE_NAME}: created, filled and pre-touched page by page so the first
 * writes to it take no page faults. A roll on the writer's thread only writes the new segment's header into that
 * mapping, seals the current segment with its end-of-segment marker and swaps the mappings; the file work of the
 * roll comes after it, off the appending path:
 * <ul>
 *     <li>the prepared file is renamed to the segment's name; until then recovery recognises it as the segment by
 *     its header, so the rename needs no directory sync;</li>
 *     <li>in forcing modes the sealed segment's tail not yet forced is forced: in {@link Durability#BATCH} mode by
 *     this thread in the {@link #endOfBatch()} of the batch the roll fell in, before the batch's own force (a
 *     segment with little room left is rolled between batches instead, so this is rare); in
 *     {@link Durability#PERIODIC} mode by the preparer. Records of the new segment count as durable only once that
 *     is done ({@link #durableSequence()}), and the writer forces none of them before, so a segment never reaches
 *     storage ahead of the one before it by the writer's doing;</li>
 *     <li>the sealed segment is unmapped.</li>
 * </ul>
 * With {@link JournalContext#prepareInBackground(boolean)} (the default) a {@link SegmentPreparer} thread does the
 * preparation and that work; otherwise this thread does the roll's work in the next {@link #endOfBatch()} and the
 * preparation in {@link #doDutyCycle()}, a few pages at a time in idle time, and a roll first finishes whatever is
 * left of both.
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
     * In {@link Durability#BATCH} mode a segment with less room than this left (at most a sixteenth of the segment
     * length) is rolled at the end of a batch, after the batch's force, so that a roll seldom falls inside a batch,
     * where the batch would need a second force for the sealed segment's tail.
     */
    public static final int BATCH_ROLL_AHEAD_BYTES = 64 * 1024;

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
    private final int rollAheadBytes;
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

    // A roll this thread still holds, with its sealed segment: without a preparer until its file work is done, in
    // BATCH mode until the end of the batch has forced the sealed segment's tail.
    private boolean rollHeld;
    private long rollBaseSequence;
    private MappedByteBuffer sealedMapped;
    private int sealedForceFrom;
    private int sealedForceTo;

    // Forcing modes: the sealed segment's tail is not yet known to be forced.
    private boolean sealedPending;
    private long sealedLastSequence;

    private long lastSequence;
    private boolean sequenceFixed;
    private long forcedSequence;
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
        this.rollAheadBytes = durability == Durability.BATCH ?
            Math.min(BATCH_ROLL_AHEAD_BYTES, segmentLength / 16) : 0;
        this.fsyncIntervalNs = context.fsyncIntervalNs();
        this.nanoClock = context.nanoClock();
        this.lockChannel = lockChannel;
    }

    /**
     * Open the journal in a directory, creating the directory if needed: lock it, recover it (which also gives a
     * prepared file holding records its segment name), prepare the next segment, and be ready to append after the
     * last good record. When there is no segment to append to yet the first is prepared before this returns.
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

            final JournalRecovery recovery = JournalRecovery.run(directory, context.truncateAtCorruption(), true);
            writer = new JournalWriter(context, directoryKey, lockChannel);
            writer.start(recovery, context.prepareInBackground());

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
     * Append a frame as the record with the next sequence. Allocates nothing; may roll to the next segment, which
     * costs a header, a marker and a swap of mappings when the next segment is ready, and waits for it when not.
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
     * mode the bytes written since the last force are forced, after a roll in the batch the sealed segment's tail
     * first, so the batch is durable when this returns; then the roll's file work is handed to the preparer; and a
     * segment with less than {@link #BATCH_ROLL_AHEAD_BYTES} left is rolled here, between batches. Without a
     * preparer, the file work of a roll in the batch is done here.
     *
     * @throws UncheckedIOException when a roll's file work or a force failed.
     */
    public void endOfBatch()
    {
        if (null != preparer)
        {
            preparer.writerPosition(position);
        }

        if (periodic)
        {
            if (rollHeld)
            {
                releaseRollUnchecked();
            }
            if (position > dirtyStart)
            {
                final long nowNs = nanoClock.nanoTime();
                if (nowNs - lastForceNs >= fsyncIntervalNs && sealedForced())
                {
                    forceDirty(nowNs);
                }
            }
        }
        else if (forces)
        {
            if (sealedPending)
            {
                forceSealed();
            }
            if (position > dirtyStart)
            {
                forceDirty(lastForceNs);
            }
            if (rollHeld)
            {
                releaseRollUnchecked();
            }
            if (activeLimit - position < rollAheadBytes && position > SEGMENT_HEADER_LENGTH)
            {
                startSegment(lastSequence + 1); // everything in the sealed segment is forced: nothing held
                if (rollHeld)
                {
                    releaseRollUnchecked();
                }
            }
        }
        else if (rollHeld)
        {
            releaseRollUnchecked();
        }
    }

    /**
     * Work for idle time: in {@link Durability#PERIODIC} mode force appended records once the interval has passed,
     * so they become durable on time without another batch; count the sealed segment's records durable once the
     * preparer has forced them; finish a roll the end of its batch did not; and without a preparer prepare the next
     * segment a few pages at a time.
     *
     * @return work done, 0 when there was nothing to do.
     * @throws UncheckedIOException when the next segment cannot be prepared or a roll's file work failed.
     */
    public int doDutyCycle()
    {
        if (closed)
        {
            return 0;
        }

        int workCount = 0;
        try
        {
            if (null != preparer)
            {
                preparer.writerPosition(position);
            }
            if (rollHeld)
            {
                workCount += releaseRoll();
            }

            if (periodic && position > dirtyStart && sealedForced())
            {
                final long nowNs = nanoClock.nanoTime();
                if (nowNs - lastForceNs >= fsyncIntervalNs)
                {
                    forceDirty(nowNs);
                    workCount++;
                }
            }
            if (sealedPending && sealedForced())
            {
                workCount++; // the new segment's forced records count as durable from now on
            }

            final int appendedPages = position >= positionAtLastDutyCycle ?
                (position - positionAtLastDutyCycle) / PAGE_SIZE : position / PAGE_SIZE;
            final int pageLimit = position == positionAtLastDutyCycle ?
                PRE_TOUCH_PAGES_PER_DUTY_CYCLE : appendedPages + PRE_TOUCH_PAGES_AHEAD_WHEN_BUSY;
            positionAtLastDutyCycle = position;
            workCount += prepareNextSegment(pageLimit);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not roll or prepare the next segment in " + directory, ex);
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
     * appended in {@link Durability#NONE} mode, the last forced otherwise, where after a roll the new segment's
     * records count only once the sealed segment's tail is forced too. Recovered records count as durable.
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
     * @return forces of journal files and syncs of the directory since open, on this thread and the preparer's:
     * dirty ranges at the end of a batch, on a period, at open and at close; per roll the sealed segment's tail
     * when it was not forced yet, and the directory once the next segment's file was created.
     */
    public long fsyncCount()
    {
        return null == preparer ? fsyncCount : fsyncCount + preparer.forceCount();
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
     * Force what is not yet forced (unless the mode is {@link Durability#NONE}), finish the last roll's file work
     * (the current segment gets its name), unmap the segments, delete the prepared next segment, which holds no
     * records, and release the directory. Idempotent.
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
            if (forces && null != activeMapped)
            {
                if (sealedPending)
                {
                    forceSealed();
                }
                if (position > dirtyStart)
                {
                    forceDirty(lastForceNs);
                }
            }
            if (rollHeld)
            {
                releaseRoll();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not finish its last roll in " + directory, ex);
        }
        finally
        {
            releaseResources();
        }
    }

    private void start(final JournalRecovery recovery, final boolean prepareInBackground) throws IOException
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
        forcedSequence = lastSequence;
        durableSequence = lastSequence;
        lastForceNs = nanoClock.nanoTime();

        if (prepareInBackground)
        {
            preparer = new SegmentPreparer(directory, segmentLength, forces);
            if (null == activeMapped)
            {
                takePrepared(preparer.await()); // the first append needs it
            }
        }
        else
        {
            prepareNextSegment(Integer.MAX_VALUE);
        }
    }

    private void startSegment(final long baseSequence)
    {
        try
        {
            if (rollHeld)
            {
                releaseRoll(); // the prepared file's name must be free for the next one
            }
            if (null == preparer)
            {
                prepareNextSegment(Integer.MAX_VALUE);
            }
            else if (null == preparedMapped)
            {
                takePrepared(preparer.await());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(
                "journal could not start segment " + segmentFileName(baseSequence) + " in " + directory, ex);
        }

        final MappedByteBuffer next = preparedMapped;
        checker.writeHeader(preparedBuffer, next, baseSequence, segmentLength);

        final MappedByteBuffer sealed = activeMapped;
        int forceFrom = 0;
        int forceTo = 0;
        if (null != sealed)
        {
            checker.writeEndOfSegment(activeBuffer, sealed, position, baseSequence);
            sealedLastSequence = lastSequence;
            sealedPending = forces && lastSequence > forcedSequence;
            if (sealedPending)
            {
                // The marker need not be forced for its own sake: recovery seals a segment that lacks one.
                forceFrom = dirtyStart;
                forceTo = position + END_OF_SEGMENT_LENGTH;
            }
        }

        if (null != preparer && (periodic || !sealedPending))
        {
            // Nothing to force, or PERIODIC: the preparer forces the sealed tail and nobody waits for it.
            preparer.rolled(sealed, forceFrom, forceTo, lastSequence, baseSequence);
        }
        else
        {
            // BATCH forces the tail itself at the end of the batch: waking the preparer to do it and waiting would
            // only add the wake-ups to the same fsync.
            rollHeld = true;
            rollBaseSequence = baseSequence;
            sealedMapped = sealed;
            sealedForceFrom = forceFrom;
            sealedForceTo = forceTo;
        }

        preparedMapped = null;
        activeMapped = next;
        activeBuffer.wrap(next);
        activeBaseSequence = baseSequence;
        activeLimit = recordLimit(segmentLength);
        position = SEGMENT_HEADER_LENGTH;
        dirtyStart = 0; // the header goes to storage with the first force of the segment's records
    }

    /**
     * Let go of a held roll: force the sealed segment's tail if it is not yet, then hand the rest of the roll's work
     * to the preparer, or without one do it here: unmap the sealed segment and rename the prepared file, which holds
     * the new segment, to the segment's name. No directory sync: recovery takes a prepared file with a valid header
     * for its segment, so the new name need not be durable.
     *
     * @return 1.
     */
    private int releaseRoll() throws IOException
    {
        rollHeld = false;
        if (sealedPending)
        {
            forceSealed();
        }
        final MappedByteBuffer sealed = sealedMapped;
        sealedMapped = null;
        if (null != preparer)
        {
            preparer.rolled(sealed, 0, 0, sealedLastSequence, rollBaseSequence);
        }
        else
        {
            SegmentFiles.unmap(sealed);
            Files.move(preparedFile, directory.resolve(segmentFileName(rollBaseSequence)));
        }

        return 1;
    }

    private void releaseRollUnchecked()
    {
        try
        {
            releaseRoll();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal could not finish the roll to segment " +
                segmentFileName(rollBaseSequence) + " in " + directory, ex);
        }
    }

    /**
     * Make sure the sealed segment's tail is forced: force it here while this thread holds the sealed segment, else
     * wait until the preparer has forced it.
     */
    private void forceSealed()
    {
        if (null != sealedMapped)
        {
            sealedMapped.force(sealedForceFrom, sealedForceTo - sealedForceFrom);
            fsyncCount++;
        }
        else
        {
            preparer.awaitSealedDurable(sealedLastSequence);
        }
        sealedIsForced();
    }

    /**
     * @return whether no sealed segment's tail is waiting to be forced; ends the wait once the preparer forced it.
     */
    private boolean sealedForced()
    {
        if (sealedPending && null != preparer)
        {
            if (preparer.sealedDurableSequence() >= sealedLastSequence)
            {
                sealedIsForced();
            }
            else
            {
                preparer.checkFailure();
            }
        }

        return !sealedPending;
    }

    private void sealedIsForced()
    {
        sealedPending = false;
        forcedSequence = Math.max(forcedSequence, sealedLastSequence);
        durableSequence = forcedSequence;
    }

    private void takePrepared(final MappedByteBuffer ready)
    {
        preparedMapped = ready;
        preparedBuffer.wrap(ready);
        preparedTouchOffset = segmentLength;
    }

    /**
     * With a preparer: take the next segment when it is ready. Without one: create it under its temporary name if
     * it does not exist (in forcing modes syncing the directory, so the name is durable before records go in), and
     * pre-touch up to a number of its pages.
     *
     * @return work done: 1 for taking or creating it, plus pages touched.
     */
    private int prepareNextSegment(final int pageLimit) throws IOException
    {
        if (null != preparer)
        {
            if (null == preparedMapped)
            {
                final MappedByteBuffer ready = preparer.take();
                if (null != ready)
                {
                    takePrepared(ready);
                    return 1;
                }
            }
            return 0;
        }

        int workCount = 0;
        if (null == preparedMapped)
        {
            preparedMapped = SegmentFiles.createAndMap(preparedFile, segmentLength);
            preparedBuffer.wrap(preparedMapped);
            preparedTouchOffset = 0;
            if (forces)
            {
                SegmentFiles.syncDirectory(directory);
                fsyncCount++;
            }
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
        forcedSequence = lastSequence;
        if (!sealedPending)
        {
            durableSequence = forcedSequence;
        }
        lastForceNs = nowNs;
        fsyncCount++;
    }

    private void releaseResources()
    {
        try
        {
            if (null != preparer)
            {
                preparer.close(); // finishes a roll in hand: the current segment gets its name
                fsyncCount += preparer.forceCount();
                preparer = null;
            }
            SegmentFiles.unmap(activeMapped);
            activeMapped = null;
            SegmentFiles.unmap(sealedMapped);
            sealedMapped = null;
            SegmentFiles.unmap(preparedMapped);
            preparedMapped = null;
            if (!SegmentFiles.holdsSegmentHeader(preparedFile))
            {
                Files.deleteIfExists(preparedFile);
            }
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
