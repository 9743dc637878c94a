package dev.vigil.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Creates, maps and pre-touches the next segment file on its own thread, so the writer's thread never pays the
 * file creation or the page faults of a fresh segment (about 10 µs a page on a VM: tens of milliseconds for a
 * segment). The thread sleeps until asked; it never spins, so it does not compete for cores with the engine.
 * <p>
 * Hand-off: the writer {@link #request()}s a segment exactly once after each roll (when it has renamed the file it
 * took), later {@link #take()}s the mapping once it is ready; so the two never touch the same file at once.
 * <p>
 * It also unmaps the segment a roll sealed ({@link #retire}): tearing down a 64 MiB mapping full of dirty pages
 * takes milliseconds (3–13 ms measured here), which the writer's thread would otherwise spend inside an append.
 */
final class SegmentPreparer implements AutoCloseable
{
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int PAGES_PER_BURST = 32;
    private static final long PAUSE_BETWEEN_BURSTS_NS = TimeUnit.MICROSECONDS.toNanos(200);

    private final Path file;
    private final int segmentLength;
    private final Thread thread;
    private volatile boolean requested;
    private volatile boolean closed;
    private volatile MappedByteBuffer ready;
    private final AtomicReference<MappedByteBuffer> retired = new AtomicReference<>();
    private volatile IOException failure;

    SegmentPreparer(final Path file, final int segmentLength)
    {
        this.file = file;
        this.segmentLength = segmentLength;
        this.thread = new Thread(this::run, "vigil-journal-preparer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Ask for the next segment to be prepared. Only when no prepared file exists: at start, or after a roll renamed
     * the one taken.
     */
    void request()
    {
        requested = true;
        LockSupport.unpark(thread);
    }

    /**
     * Unmap a sealed segment on this thread. The writer must not touch the mapping again.
     *
     * @param sealed the mapping of the segment the writer rolled away from.
     */
    void retire(final MappedByteBuffer sealed)
    {
        if (!retired.compareAndSet(null, sealed))
        {
            // Rolls came faster than this thread ran: this one is unmapped where it stands.
            SegmentFiles.unmap(sealed);
            return;
        }
        LockSupport.unpark(thread);
    }

    /**
     * @return the prepared, fully pre-touched mapping of the next segment file, or null while it is not ready.
     * @throws UncheckedIOException when preparing it failed.
     */
    MappedByteBuffer take()
    {
        final IOException error = failure;
        if (null != error)
        {
            throw new UncheckedIOException("journal could not prepare the next segment " + file, error);
        }
        final MappedByteBuffer mapped = ready;
        if (null != mapped)
        {
            ready = null;
        }
        return mapped;
    }

    /**
     * Wait until the requested segment is ready: the writer needs it now, to roll.
     *
     * @return its mapping.
     */
    MappedByteBuffer await()
    {
        MappedByteBuffer mapped;
        while (null == (mapped = take()))
        {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        return mapped;
    }

    /**
     * Stop the thread and release a mapping nobody took. The file itself is the writer's to delete.
     */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        SegmentFiles.unmap(ready);
        ready = null;
        unmapRetired();
    }

    private void unmapRetired()
    {
        final MappedByteBuffer sealed = retired.getAndSet(null);
        if (null != sealed)
        {
            SegmentFiles.unmap(sealed);
        }
    }

    private void run()
    {
        while (!closed)
        {
            unmapRetired();
            if (requested && null == failure)
            {
                requested = false;
                try
                {
                    final MappedByteBuffer mapped = SegmentFiles.createAndMap(file, segmentLength);
                    int pages = 0;
                    for (int offset = 0; offset < segmentLength && !closed; offset += JournalDescriptor.PAGE_SIZE)
                    {
                        mapped.put(offset, (byte)0);
                        if (++pages % PAGES_PER_BURST == 0)
                        {
                            // Spread the page faults out: a burst of them takes the second core from clients.
                            LockSupport.parkNanos(PAUSE_BETWEEN_BURSTS_NS);
                        }
                    }
                    ready = mapped;
                }
                catch (final IOException ex)
                {
                    failure = ex;
                }
            }
            else
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
        }
    }
}
