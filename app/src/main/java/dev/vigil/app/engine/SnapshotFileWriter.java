package dev.vigil.app.engine;

import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.state.RecordEntryDescriptor;
import dev.vigil.journal.SnapshotStore;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32C;

/**
 * Writes a snapshot's file on the rules thread as the copy-on-write of the keyed records hands them over, a bounded
 * piece at a time: no other thread copies, checksums or writes them. On a host whose cores the engine and its clients
 * already keep busy, a snapshot then costs the rules stage's spare time instead of a writer thread's share of a core,
 * which the scheduler takes from the engine or its clients a millisecond at a time.
 * <pre>
 *   the point:   header + the state beside the records (in a SnapshotBuffer) ───────────────┐
 *   copy steps:  records not copied yet (offer) ─────┐                                      ├─► file (page cache),
 *   the writes:  a record about to be written (put) ─┴─► buffer (B bytes, entries as in the ┘   CRC32C as it goes
 *                                                        file) ─ written a piece per step
 * </pre>
 * A copy step (the rules stage with no input) that finds something waiting to be written writes a piece of it
 * ({@value #PIECE_BYTES} bytes at most) instead of copying: the header and the state beside the records first, then
 * the entries the buffer holds. So every step is a bounded stop, and the steps keep the buffer nearly empty for the
 * records about to be written, which come as fast as the events at a copy's start. One of those that finds the buffer
 * full writes what it holds first: a stop of the event being handled, counted
 * ({@code vigil_snapshot_inline_writes_total}) and measured in the pause gauge. When the last record announced is in,
 * the rest and the checksum are written and the file goes to the owner, its channel still open: a close waits for a
 * write-back running on the channel, so the syncer closes it. Every {@value #SYNC_BYTES} bytes the syncer starts the
 * write-back of what was written, and steps wait while it runs and as much again is waiting, so the page cache never
 * holds enough of the file for the kernel to throttle the rules thread. A write that fails gives the snapshot up:
 * the copy stops, the file is closed and deleted on the syncer, and the failure goes to the owner.
 * <p>
 * Owned by the rules thread, or by the thread that stopped the stage; one snapshot at a time.
 */
final class SnapshotFileWriter implements RecordCopySink
{
    /**
     * What the owner learns of a snapshot's end.
     */
    interface Outcome
    {
        /**
         * @param temporary the whole temporary file, to force and rename.
         * @param channel   its channel, still open, or null: close it off the rules thread first (closing waits for
         *                  a write-back running on it).
         */
        void written(Path temporary, FileChannel channel);

        /**
         * @param temporary the temporary file, deleted (by the syncer, once closed).
         * @param cause     why.
         */
        void failed(Path temporary, IOException cause);
    }

    /** Most bytes one step writes: a stop of tens of microseconds. */
    static final int PIECE_BYTES = 128 * 1024;
    /**
     * Bytes written after which another thread starts their write-back. Small, so that the disk is never busy for
     * long with a snapshot: a 64 MiB write-back held a journal's forces up to ~50 ms, and at 100k msg/s one at the end
     * of a snapshot stalled the engine 200-500 ms in five runs of eleven (none in four with 1 MiB).
     */
    static final long SYNC_BYTES = 1L << 20;

    private final int bufferBytes;
    private final int pieceBytes;
    private final ByteBuffer buffer;
    private final UnsafeBuffer bufferView;
    private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
    private final ByteBuffer edge = ByteBuffer.allocateDirect(SnapshotStore.HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private final AtomicCounter inlineWrites;
    private final AtomicCounter pauseMicros;
    private final Outcome outcome;
    private final Executor syncer;
    private final long syncBytes;
    private final Runnable syncWritten = this::syncWritten;
    private volatile FileChannel syncing;
    private long unsyncedBytes;
    private int writesDone;

    private Path temporary;
    private FileChannel channel;
    private long engineSeq;
    private long fingerprint;
    private SnapshotBuffer state;
    private long stateWritten;
    private boolean headerWritten;
    /** Bytes of entries in the buffer. */
    private int filled;
    /** Bytes of the buffer already in the file: the buffer starts again at 0 once they are all. */
    private int written;
    private long expected = -1;
    private long received;
    private boolean open;
    private boolean abandoned;

    /**
     * @param bufferBytes    bytes of the buffer the entries gather in.
     * @param maxRecordBytes bytes of the largest record a store may have: the buffer holds at least one entry of it.
     * @param inlineWrites   counts the times a write to a record not yet copied had to write the buffer first.
     * @param pauseMicros    the gauge of the longest stop of the rules stage for the current snapshot.
     * @param outcome        told when a snapshot's file is whole, or given up for a failure.
     * @param syncer         the thread that closes files and starts their write-back.
     * @param syncBytes      bytes written between write-backs ({@link #SYNC_BYTES} in the engine).
     */
    SnapshotFileWriter(
        final int bufferBytes,
        final int maxRecordBytes,
        final AtomicCounter inlineWrites,
        final AtomicCounter pauseMicros,
        final Outcome outcome,
        final Executor syncer,
        final long syncBytes)
    {
        this.bufferBytes = Math.max(bufferBytes, RecordEntryDescriptor.entryLength(maxRecordBytes));
        this.pieceBytes = Math.min(PIECE_BYTES, Math.max(this.bufferBytes / 2, 1));
        this.buffer = BufferUtil.allocateDirectAligned(
            BitUtil.align(this.bufferBytes, BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH);
        this.bufferView = new UnsafeBuffer(buffer);
        this.inlineWrites = inlineWrites;
        this.pauseMicros = pauseMicros;
        this.outcome = outcome;
        this.syncer = syncer;
        this.syncBytes = syncBytes;
    }

    /**
     * Begin a snapshot's file, at the point, before the state is written into its buffer and the copy begun. Nothing
     * touches the disk until the first step or the first full buffer.
     *
     * @param file        the temporary file to create or write over ({@link SnapshotStore#temporaryFile}).
     * @param engineSeq   engine sequence the state is at.
     * @param fingerprint of the configuration the state belongs to.
     * @param state       the state beside the records, complete once the copy has begun.
     * @throws IllegalStateException when a snapshot is being written.
     */
    void open(final Path file, final long engineSeq, final long fingerprint, final SnapshotBuffer state)
    {
        if (open)
        {
            throw new IllegalStateException("a snapshot is being written: " + temporary);
        }
        this.temporary = file;
        this.engineSeq = engineSeq;
        this.fingerprint = fingerprint;
        this.state = state;
        this.stateWritten = 0;
        this.headerWritten = false;
        this.filled = 0;
        this.written = 0;
        this.expected = -1;
        this.received = 0;
        this.unsyncedBytes = 0;
        this.abandoned = false;
        this.channel = null;
        crc.reset();
        open = true;
    }

    /**
     * The copy has begun: this many records will come. With none, the file is written whole now.
     *
     * @param records keyed records the copy hands over.
     */
    void expect(final long records)
    {
        expected = records;
        if (open && !abandoned && received >= expected)
        {
            completeTimed();
        }
    }

    /**
     * Drop a snapshot opened whose copy never began (its state outgrew the buffer): nothing was written.
     */
    void cancel()
    {
        open = false;
        abandoned = true;
        state = null;
    }

    /**
     * @return true from {@link #open} until the file is whole, given up or cancelled.
     */
    boolean isWriting()
    {
        return open;
    }

    @Override
    public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        if (abandoned || isDiskBehind())
        {
            return false;
        }
        // A step writes a piece of what waits to be written instead of copying more: the header and the state
        // beside the records first, then the records the buffer holds.
        if (!headerWritten || stateWritten < state.length())
        {
            writeStatePiece(pieceBytes);
            writesDone++;
            return false;
        }
        if (filled - written >= pieceBytes)
        {
            writeBuffered(pieceBytes);
            writesDone++;
            return false;
        }
        if (filled + RecordEntryDescriptor.entryLength(length) > bufferBytes && !writeBuffered(bufferBytes))
        {
            return false;
        }
        append(storeId, ordinal, key, address, length);
        return true;
    }

    @Override
    public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        if (abandoned)
        {
            return false;
        }
        if (filled + RecordEntryDescriptor.entryLength(length) > bufferBytes)
        {
            inlineWrites.incrementOrdered();
            final long startNs = System.nanoTime();
            final boolean done = writeStatePiece(Long.MAX_VALUE) && writeBuffered(bufferBytes);
            stopped(System.nanoTime() - startNs);
            if (!done)
            {
                return false;
            }
        }
        append(storeId, ordinal, key, address, length);
        return true;
    }

    @Override
    public int takeWritesDone()
    {
        final int done = writesDone;
        writesDone = 0;
        return done;
    }

    @Override
    public boolean isAbandoned()
    {
        return abandoned;
    }

    /**
     * The stores give the copy up (they close, a rules update clears their records, or a newer snapshot supersedes
     * this one): the file is deleted, and nothing is reported.
     */
    @Override
    public void abandon()
    {
        if (open && !abandoned)
        {
            abandoned = true;
            closeAndDelete();
        }
    }

    private void append(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        RecordEntryDescriptor.writeHeader(bufferView, filled, storeId, ordinal, key);
        record.wrap(address, length);
        bufferView.putBytes(filled + RecordEntryDescriptor.HEADER_LENGTH, record, 0, length);
        filled += RecordEntryDescriptor.entryLength(length);
        if (++received == expected)
        {
            completeTimed();
        }
    }

    /**
     * Write the rest and close: within a copy step, a write to a record or the point, so measured as a stop.
     */
    private void completeTimed()
    {
        final long startNs = System.nanoTime();
        complete();
        stopped(System.nanoTime() - startNs);
    }

    private void stopped(final long durationNs)
    {
        final long micros = durationNs / 1000;
        if (micros > pauseMicros.get())
        {
            pauseMicros.setOrdered(micros);
        }
    }

    /**
     * Write the header, if not yet, and up to maxBytes of the state beside the records.
     *
     * @return false when the write failed and the snapshot was given up.
     */
    private boolean writeStatePiece(final long maxBytes)
    {
        try
        {
            if (!headerWritten)
            {
                channel = openChannel();
                edge.clear();
                SnapshotStore.putHeader(edge, engineSeq, fingerprint);
                writeEdge();
                headerWritten = true;
            }
            final long bytes = state.writeTo(channel, crc, stateWritten, maxBytes);
            stateWritten += bytes;
            wrote(bytes);
            return true;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return false;
        }
    }

    /**
     * The temporary file, created or written over (a crash may have left one of this sequence), its directory made
     * again if it went: at the first write, so that the point makes no file system call.
     */
    private FileChannel openChannel() throws IOException
    {
        final Path parent = temporary.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent))
        {
            Files.createDirectories(parent);
        }
        return FileChannel.open(
            temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Write up to maxBytes of the buffer not yet in the file; the buffer starts again once all of it is.
     *
     * @return false when the write failed and the snapshot was given up.
     */
    private boolean writeBuffered(final int maxBytes)
    {
        final int end = written + Math.min(maxBytes, filled - written);
        try
        {
            buffer.limit(end).position(written);
            writeChecksummed(channel, crc, buffer);
            buffer.clear();
            wrote(end - written);
            written = end;
            if (written == filled)
            {
                written = 0;
                filled = 0;
            }
            return true;
        }
        catch (final IOException ex)
        {
            buffer.clear();
            fail(ex);
            return false;
        }
    }

    /**
     * Start the write-back of what was written on the syncer, every syncBytes bytes, unless the last is
     * still going: the rules thread never waits for it.
     */
    private void wrote(final long bytes)
    {
        unsyncedBytes += bytes;
        if (unsyncedBytes >= syncBytes && syncing == null)
        {
            startSync();
        }
    }

    /**
     * The disk has not caught up: a write-back is running and as much again was written since it began. Steps wait
     * (copy and write nothing) rather than let dirty pages pile up until the kernel throttles the rules thread; writes
     * to records not yet copied still go.
     */
    private boolean isDiskBehind()
    {
        if (unsyncedBytes < syncBytes)
        {
            return false;
        }
        if (syncing == null)
        {
            startSync();
            return false;
        }
        return true;
    }

    private void startSync()
    {
        unsyncedBytes = 0;
        syncing = channel;
        try
        {
            syncer.execute(syncWritten);
        }
        catch (final RejectedExecutionException ex)
        {
            // The owner is closing: no write-back to wait for, and the force before the rename still comes or not.
            syncing = null;
        }
    }

    private void syncWritten()
    {
        try
        {
            syncing.force(false);
        }
        catch (final IOException ignore)
        {
            // Closed meanwhile, or failed: the snapshot's own force, before it is published, decides.
        }
        finally
        {
            syncing = null;
        }
    }

    private void writeEdge() throws IOException
    {
        edge.flip();
        writeChecksummed(channel, crc, edge);
    }

    /**
     * Add a buffer's bytes from its position to its limit to a file's running checksum, then write them to the file.
     *
     * @param channel the file, at its position.
     * @param crc     the file's running checksum.
     * @param bytes   what to write; its position ends at its limit.
     * @throws IOException when the file fails.
     */
    static void writeChecksummed(final WritableByteChannel channel, final CRC32C crc, final ByteBuffer bytes)
        throws IOException
    {
        final int start = bytes.position();
        crc.update(bytes);
        bytes.position(start);
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
    }

    private void complete()
    {
        if (!writeStatePiece(Long.MAX_VALUE) || !writeBuffered(bufferBytes))
        {
            return;
        }
        try
        {
            edge.clear();
            edge.putInt((int)crc.getValue()).flip();
            while (edge.hasRemaining())
            {
                channel.write(edge);
            }
        }
        catch (final IOException ex)
        {
            fail(ex);
            return;
        }
        open = false;
        state = null;
        final FileChannel whole = channel;
        channel = null;
        outcome.written(temporary, whole);
    }

    private void fail(final IOException cause)
    {
        abandoned = true;
        closeAndDelete();
        outcome.failed(temporary, cause);
    }

    /**
     * Drop the file: closed and deleted on the syncer, as a close waits for a write-back running on the channel.
     */
    private void closeAndDelete()
    {
        open = false;
        state = null;
        filled = 0;
        written = 0;
        final FileChannel toClose = channel;
        final Path file = temporary;
        channel = null;
        // With no channel the file was never created (the first write creates it): nothing to delete.
        if (toClose != null)
        {
            try
            {
                syncer.execute(() ->
                {
                    closeQuietly(toClose);
                    deleteQuietly(file);
                });
            }
            catch (final RejectedExecutionException ex)
            {
                // The owner is closed: nothing runs on the channel any more, so close it here.
                closeQuietly(toClose);
                deleteQuietly(file);
            }
        }
    }

    /**
     * @param channel a snapshot file's channel, or null.
     */
    static void closeQuietly(final FileChannel channel)
    {
        try
        {
            if (channel != null)
            {
                channel.close();
            }
        }
        catch (final IOException ignore)
        {
            // Its data is written or the file goes: nothing is read through it again.
        }
    }

    /**
     * @param file a snapshot's temporary file, deleted if it is there; a failure leaves it to the next start.
     */
    static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // Never loaded (its name is not a snapshot's); deleted at the next start.
        }
    }
}
