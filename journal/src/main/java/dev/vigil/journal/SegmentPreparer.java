package dev.vigil.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.vigil.journal.JournalDescriptor.END_OF_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalDescriptor.PAGE_SIZE;
import static dev.vigil.journal.JournalDescriptor.PREPARED_SEGMENT_FILE_NAME;
import static dev.vigil.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;
import static dev.vigil.journal.JournalDescriptor.segmentFileName;

/**
 * Does the file system work of segment rolls on its own thread, so that a roll on the writer's thread is only a
 * segment header, an end-of-segment marker and a swap of mappings:
 * <ul>
 *     <li><b>Before a roll</b> it prepares the next segment under {@link JournalDescriptor#PREPARED_SEGMENT_FILE_NAME}:
 *     creates the file, maps it and touches every page of the mapping so the writer takes no page faults. The work
 *     is paced by how far the writer has filled its current segment, keeping the prepared part ahead of twice that,
 *     so it is spread over the segment's life instead of competing for the cores in a burst after each roll. In
 *     {@link Durability#NONE} mode each chunk is first filled with zeros through the file channel: bulk writes put
 *     the pages in the page cache for a fraction of the CPU of a page fault each. Not in forcing modes: the page
 *     cache then holds the file in large folios, and a force of a few records writes back whole folios (about four
 *     times the bytes per batch measured here, and slower forces). In forcing modes it then syncs the directory,
 *     so the file's name is durable before any record goes in.</li>
 *     <li><b>After a roll</b> ({@link #rolled}) it forces the range of the sealed segment the writer asks it to (in
 *     {@link Durability#PERIODIC} mode the tail the writer had not forced), renames the prepared file, which now
 *     holds the new segment, to the segment's name, and unmaps the sealed segment (milliseconds for a large
 *     mapping of dirty pages).</li>
 * </ul>
 * Hand-off: the writer {@link #take()}s the prepared mapping, and at the roll that uses it hands the work of that
 * roll back with {@link #rolled}. The next segment is prepared only after that work is done, and the writer cannot
 * roll again before it has a prepared segment, so the prepared file's name never stands for two files at once and
 * at most one roll is in hand. The thread sleeps when there is nothing to do, looking for a roll every millisecond;
 * it never spins. Once, when it is first idle, it runs the writer's header and marker code on a scratch buffer so
 * the JIT compiles it: a roll would otherwise run it interpreted, with cold caches, once per segment.
 */
final class SegmentPreparer implements AutoCloseable
{
    /** Bytes prepared (zero-filled in {@link Durability#NONE} mode, touched) in one step of the preparation. */
    static final int CHUNK_LENGTH = 1024 * 1024;

    /** While the writer is idle, the preparation still moves on by at least one chunk per this interval. */
    static final long MIN_PACE_NS_PER_CHUNK = TimeUnit.MILLISECONDS.toNanos(50);

    /** Rounds of the writer's part of a roll run on a scratch buffer, enough for the JIT to compile it. */
    static final int WARM_UP_ROUNDS = 20_000;

    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long AWAIT_PARK_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long NOT_DURABLE = -1;

    private final Path directory;
    private final Path file;
    private final int segmentLength;
    private final int chunkLength;
    private final int chunks;
    private final boolean forces;
    private final ByteBuffer zeros;
    private final Thread thread;
    private final AtomicInteger writerPosition = new AtomicInteger();

    private volatile boolean closed;
    private volatile boolean prepareRequested = true;
    private volatile boolean hurry;
    private volatile MappedByteBuffer ready;
    private volatile Throwable failure;
    private volatile long forceCount;
    private volatile long sealedDurableSequence = NOT_DURABLE;

    // The roll in hand: written by the writer before rollPending is set, read by this thread after it sees it set.
    private volatile boolean rollPending;
    private MappedByteBuffer rollSealed;
    private int rollForceFrom;
    private int rollForceTo;
    private long rollSealedLastSequence;
    private long rollBaseSequence;

    // This thread's own: the segment being prepared.
    private FileChannel preparingChannel;
    private MappedByteBuffer preparing;
    private int preparedChunks;
    private long preparingSinceNs;
    private boolean warmedUp;

    /**
     * Start the thread, which begins preparing a segment at once.
     *
     * @param directory     of the journal.
     * @param segmentLength of new segments.
     * @param forces        whether the durability mode forces: then the directory is synced once a prepared file
     *                      is created, and pages are touched without zero-filling them first.
     */
    SegmentPreparer(final Path directory, final int segmentLength, final boolean forces)
    {
        this.directory = directory;
        this.file = directory.resolve(PREPARED_SEGMENT_FILE_NAME);
        this.segmentLength = segmentLength;
        this.chunkLength = Math.min(CHUNK_LENGTH, segmentLength);
        this.chunks = segmentLength / chunkLength;
        this.forces = forces;
        this.zeros = forces ? null : ByteBuffer.allocateDirect(chunkLength);
        this.thread = new Thread(this::run, "vigil-journal-preparer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Tell the pacing how far the writer has filled its current segment. A plain ordered store, for every batch.
     *
     * @param position write position in the writer's current segment.
     */
    void writerPosition(final int position)
    {
        writerPosition.lazySet(position);
    }

    /**
     * @return the prepared, fully touched mapping of the next segment, or null while it is not ready.
     * @throws UncheckedIOException when preparing it or the last roll's work failed.
     */
    MappedByteBuffer take()
    {
        checkFailure();
        final MappedByteBuffer mapped = ready;
        if (null != mapped)
        {
            ready = null;
        }
        return mapped;
    }

    /**
     * Wait until the next segment is ready, asking for it to be prepared at full speed: the writer needs it now.
     *
     * @return its mapping.
     * @throws UncheckedIOException when preparing it failed.
     */
    MappedByteBuffer await()
    {
        hurry = true;
        LockSupport.unpark(thread);
        MappedByteBuffer mapped;
        while (null == (mapped = take()))
        {
            LockSupport.parkNanos(AWAIT_PARK_NS);
        }
        return mapped;
    }

    /**
     * Hand over the file work of a roll the writer has just made: it wrote the new segment's header into the
     * mapping it took and, if there was a current segment, sealed it. Allocates nothing.
     *
     * @param sealed             mapping of the segment the roll sealed, null for the first segment; the writer must
     *                           not touch it again.
     * @param forceFrom          start of the sealed segment's bytes not yet forced.
     * @param forceTo            end of them, the end-of-segment marker included; not above forceFrom for none.
     * @param sealedLastSequence sequence of the sealed segment's last record.
     * @param baseSequence       of the new segment, which names it.
     */
    void rolled(
        final MappedByteBuffer sealed,
        final int forceFrom,
        final int forceTo,
        final long sealedLastSequence,
        final long baseSequence)
    {
        rollSealed = sealed;
        rollForceFrom = forceFrom;
        rollForceTo = forceTo;
        rollSealedLastSequence = sealedLastSequence;
        rollBaseSequence = baseSequence;
        rollPending = true;
        // No unpark: waking a thread takes its parker's mutex, and on a busy machine the thread may have been
        // descheduled holding it (milliseconds measured here). This thread looks every millisecond.
    }

    /**
     * @return sequence of the last record of the last sealed segment whose tail this thread has forced; -1 before.
     */
    long sealedDurableSequence()
    {
        return sealedDurableSequence;
    }

    /**
     * Wait until the tail of the sealed segment that ends with a sequence is forced.
     *
     * @param sealedLastSequence sequence of its last record.
     * @throws UncheckedIOException when forcing it failed.
     */
    void awaitSealedDurable(final long sealedLastSequence)
    {
        LockSupport.unpark(thread);
        while (sealedDurableSequence < sealedLastSequence)
        {
            checkFailure();
            LockSupport.parkNanos(AWAIT_PARK_NS);
        }
    }

    /**
     * @return forces and directory syncs done on this thread.
     */
    long forceCount()
    {
        return forceCount;
    }

    /**
     * Finish the roll in hand, if any, stop the thread and release a mapping nobody took. The prepared file itself
     * is the writer's to delete.
     */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        SegmentFiles.unmap(ready);
        ready = null;
    }

    /**
     * @throws UncheckedIOException when preparing or a roll's work failed on this thread.
     */
    void checkFailure()
    {
        final Throwable error = failure;
        if (error instanceof IOException)
        {
            throw new UncheckedIOException("journal could not roll to or prepare the next segment in " + directory,
                (IOException)error);
        }
        if (null != error)
        {
            throw new IllegalStateException(
                "journal could not roll to or prepare the next segment in " + directory, error);
        }
    }

    private void run()
    {
        try
        {
            while (true)
            {
                if (rollPending)
                {
                    completeRoll();
                }
                else if (closed)
                {
                    break;
                }
                else if (prepareRequested && null == failure)
                {
                    prepareStep();
                }
                else if (!warmedUp)
                {
                    warmUpRollCode();
                    warmedUp = true;
                }
                else
                {
                    LockSupport.parkNanos(IDLE_PARK_NS);
                }
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        finally
        {
            releasePreparing();
        }
    }

    /**
     * A roll runs the writer's header and marker code once per segment: left alone it would run in the interpreter,
     * tens of microseconds with cold caches. Running it here on a scratch buffer has the JIT compile it, and the
     * compiled code serves every thread.
     */
    private void warmUpRollCode()
    {
        final ByteBuffer scratch = ByteBuffer.allocateDirect(SEGMENT_HEADER_LENGTH + END_OF_SEGMENT_LENGTH);
        final UnsafeBuffer buffer = new UnsafeBuffer(scratch);
        final RecordChecker checker = new RecordChecker();
        for (int i = 1; i <= WARM_UP_ROUNDS && !closed && !rollPending; i++)
        {
            buffer.wrap(scratch);
            checker.writeHeader(buffer, scratch, i, segmentLength);
            checker.writeEndOfSegment(buffer, scratch, SEGMENT_HEADER_LENGTH, i);
        }
    }

    private void completeRoll()
    {
        final MappedByteBuffer sealed = rollSealed;
        final int forceFrom = rollForceFrom;
        final int forceTo = rollForceTo;
        final long sealedLastSequence = rollSealedLastSequence;
        final long baseSequence = rollBaseSequence;
        rollSealed = null;
        try
        {
            if (null != sealed && forces && forceTo > forceFrom)
            {
                sealed.force(forceFrom, forceTo - forceFrom);
                forceCount++;
            }
            sealedDurableSequence = sealedLastSequence;

            // No directory sync for the rename: recovery takes the prepared file with a header for its segment, so
            // the new name need not be durable; the sync after creating the next prepared file makes it so anyway.
            Files.move(file, directory.resolve(segmentFileName(baseSequence)));
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            SegmentFiles.unmap(sealed);
            rollPending = false;
            prepareRequested = true;
        }
    }

    private void prepareStep() throws IOException
    {
        if (null == preparing)
        {
            preparingChannel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            preparing = preparingChannel.map(FileChannel.MapMode.READ_WRITE, 0, segmentLength);
            preparedChunks = 0;
            preparingSinceNs = System.nanoTime();
        }

        if (preparedChunks < chunks)
        {
            if (preparedChunks < chunkTarget())
            {
                prepareChunk(preparedChunks * chunkLength);
                preparedChunks++;
            }
            else
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
            return;
        }

        if (forces)
        {
            SegmentFiles.syncDirectory(directory);
            forceCount++;
        }
        preparingChannel.close();
        preparingChannel = null;
        final MappedByteBuffer mapped = preparing;
        preparing = null;
        prepareRequested = false;
        hurry = false;
        ready = mapped;
    }

    /**
     * How many chunks should be prepared by now: at least one, ahead of twice the writer's progress through its
     * segment, and at least one per {@link #MIN_PACE_NS_PER_CHUNK}; all of them when the writer waits.
     */
    private long chunkTarget()
    {
        if (hurry)
        {
            return chunks;
        }
        final long byWriter = 1 + ((2L * writerPosition.get() * chunks) / segmentLength);
        final long byTime = 1 + ((System.nanoTime() - preparingSinceNs) / MIN_PACE_NS_PER_CHUNK);

        return Math.max(byWriter, byTime);
    }

    private void prepareChunk(final int offset) throws IOException
    {
        if (!forces)
        {
            zeros.clear();
            while (zeros.hasRemaining())
            {
                preparingChannel.write(zeros, offset + zeros.position());
            }
        }
        for (int pageOffset = offset, end = offset + chunkLength; pageOffset < end; pageOffset += PAGE_SIZE)
        {
            preparing.put(pageOffset, (byte)0);
        }
    }

    private void releasePreparing()
    {
        SegmentFiles.unmap(preparing);
        preparing = null;
        if (null != preparingChannel)
        {
            try
            {
                preparingChannel.close();
            }
            catch (final IOException ex)
            {
                if (null == failure)
                {
                    failure = ex;
                }
            }
            preparingChannel = null;
        }
    }
}
