package dev.vigil.app.engine;

import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.state.RecordEntryDescriptor;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.DataOutput;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The way of a snapshot's keyed records from the rules stage to the snapshot writer: an off-heap single-producer,
 * single-consumer ring (Agrona's {@link OneToOneRingBuffer}) of record entries laid out as they go in the file
 * ({@link RecordEntryDescriptor}), so the writer copies them to the file as they are.
 * <pre>
 *   rules thread: copy step (offer) ──┐                        ┌─► snapshot writer: drainTo(file)
 *                 copy before a write ┴─► ring (N bytes) ──────┘
 *                 (put: waits for room, bounded)
 * </pre>
 * The background copy ({@link #offer}) keeps at most 2 MiB (a quarter of a smaller ring)
 * queued, enough to keep the writer busy, and leaves the rest of the ring to copies before writes, which must happen
 * before the rules go on: at the start of a copy nearly every write is to a record not yet copied, so they come as
 * fast as the events. One that finds the ring full waits for the writer up to a timeout (each such wait counted),
 * then gives the snapshot up rather than stop the rules stage longer. The writer gives it
 * up when its file fails. Either way the rules stage stops copying, and the snapshot's file is deleted.
 * <p>
 * Producer side ({@link #offer}, {@link #put}, {@link #abandon}, {@link #reset}) on the rules thread, or on the
 * thread that stopped it; consumer side ({@link #drainTo}) on the writer thread, one snapshot at a time.
 */
final class SnapshotRecordRing implements RecordCopySink
{
    private static final int RECORD_MSG_TYPE_ID = 1;
    private static final int DRAIN_LIMIT = 64;
    /** Most bytes the background copy keeps queued: enough to keep the writer busy. */
    private static final int BACKGROUND_BYTES = 2 << 20;
    /** Bytes the writer gathers before one write to the file. */
    private static final int WRITE_BATCH_BYTES = 256 << 10;
    private static final int SPINS_BEFORE_YIELD = 100;
    /** Records the ring holds at least, of the largest size. */
    private static final int MIN_RECORDS = 8;

    private final OneToOneRingBuffer ring;
    private final MutableDirectBuffer buffer;
    private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
    private final int offerLimitBytes;
    private final long waitTimeoutNs;
    private final AtomicCounter copyWaits;
    private final AtomicCounter pauseMicros;
    private final MessageHandler writeEntry = this::writeEntry;
    private final MessageHandler discardEntry = (msgTypeId, source, index, length) -> { };
    private final IdleStrategy writerIdle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
    private volatile boolean abandoned;
    private volatile boolean abandonedByStage;
    private volatile boolean timedOut;

    private DataOutput out;
    private byte[] scratch = new byte[0];
    private int scratchLength;
    private IOException writeFailure;

    /**
     * @param bytes          ring capacity wanted, a power of two; raised to hold {@value #MIN_RECORDS} of the largest.
     * @param maxRecordBytes bytes of the largest record a store may have.
     * @param waitTimeoutNs  longest wait of {@link #put} for room.
     * @param copyWaits      counts the waits of {@link #put}.
     * @param pauseMicros    the gauge of the longest stop of the rules stage for the current snapshot.
     */
    SnapshotRecordRing(
        final long bytes,
        final int maxRecordBytes,
        final long waitTimeoutNs,
        final AtomicCounter copyWaits,
        final AtomicCounter pauseMicros)
    {
        final int largest = RecordDescriptor.HEADER_LENGTH + RecordEntryDescriptor.entryLength(maxRecordBytes);
        final int capacity = (int)Math.max(bytes, BitUtil.findNextPositivePowerOfTwo(MIN_RECORDS * largest));
        final UnsafeBuffer memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH));
        this.buffer = memory;
        this.ring = new OneToOneRingBuffer(memory);
        this.offerLimitBytes = Math.min(capacity / 4, BACKGROUND_BYTES);
        this.waitTimeoutNs = waitTimeoutNs;
        this.copyWaits = copyWaits;
        this.pauseMicros = pauseMicros;
    }

    /**
     * @return bytes the ring holds.
     */
    int capacity()
    {
        return ring.capacity();
    }

    /**
     * Make ready for the next snapshot: drop what a given-up one left in the ring. Only while no writer drains it.
     */
    void reset()
    {
        while (ring.read(discardEntry, Integer.MAX_VALUE) > 0)
        {
            // until empty
        }
        abandonedByStage = false;
        timedOut = false;
        abandoned = false;
    }

    @Override
    public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        return !abandoned && ring.size() <= offerLimitBytes && write(storeId, ordinal, key, address, length);
    }

    @Override
    public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        if (abandoned)
        {
            return false;
        }
        if (write(storeId, ordinal, key, address, length))
        {
            return true;
        }
        copyWaits.incrementOrdered();
        final long startNs = System.nanoTime();
        int spins = 0;
        while (true)
        {
            // Spin briefly, then yield: the writer may need this core to make room.
            if (++spins < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
            if (abandoned)
            {
                return false;
            }
            if (write(storeId, ordinal, key, address, length))
            {
                final long micros = (System.nanoTime() - startNs) / 1000;
                if (micros > pauseMicros.get())
                {
                    pauseMicros.setOrdered(micros);
                }
                return true;
            }
            if (System.nanoTime() - startNs > waitTimeoutNs)
            {
                timedOut = true;
                abandoned = true;
                return false;
            }
        }
    }

    private boolean write(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        final int index = ring.tryClaim(RECORD_MSG_TYPE_ID, RecordEntryDescriptor.entryLength(length));
        if (index < 0)
        {
            return false;
        }
        RecordEntryDescriptor.writeHeader(buffer, index, storeId, ordinal, key);
        record.wrap(address, length);
        buffer.putBytes(index + RecordEntryDescriptor.HEADER_LENGTH, record, 0, length);
        ring.commit(index);
        return true;
    }

    @Override
    public boolean isAbandoned()
    {
        return abandoned;
    }

    @Override
    public void abandon()
    {
        abandonedByStage = true;
        abandoned = true;
    }

    /**
     * Give the snapshot up from the writer's side: its file failed.
     */
    void fail()
    {
        abandoned = true;
    }

    /**
     * @return true when the snapshot was given up on purpose by the stage's side (closed, or superseded by a newer
     * one), not for a failure.
     */
    boolean abandonedByStage()
    {
        return abandonedByStage;
    }

    /**
     * @return true when the snapshot was given up because a copy before a write waited too long for room.
     */
    boolean timedOut()
    {
        return timedOut;
    }

    /**
     * Write records from the ring to a file's stream until as many as the snapshot announced have come. On the
     * writer thread.
     *
     * @param output  where the entries go.
     * @param records how many to write.
     * @throws IOException when the output fails, the snapshot is given up, or the thread is interrupted.
     */
    void drainTo(final DataOutput output, final long records) throws IOException
    {
        out = output;
        writeFailure = null;
        scratchLength = 0;
        long drained = 0;
        writerIdle.reset();
        while (drained < records)
        {
            final int read = ring.read(writeEntry, (int)Math.min(DRAIN_LIMIT, records - drained));
            if (read > 0)
            {
                drained += read;
                writerIdle.reset();
            }
            else
            {
                // Nothing to gather: write out what was, then wait.
                flush();
            }
            if (writeFailure != null)
            {
                abandoned = true;
                throw writeFailure;
            }
            if (read == 0)
            {
                if (abandoned)
                {
                    throw new IOException(timedOut ?
                        "given up: a write to a keyed record waited longer than snapshot.copy.wait.timeout for the " +
                        "snapshot writer" : "given up before every keyed record was copied");
                }
                if (Thread.currentThread().isInterrupted())
                {
                    abandoned = true;
                    throw new InterruptedIOException("interrupted with " + (records - drained) + " records to write");
                }
                writerIdle.idle();
            }
        }
        flush();
        if (writeFailure != null)
        {
            abandoned = true;
            throw writeFailure;
        }
    }

    private void writeEntry(final int msgTypeId, final MutableDirectBuffer source, final int index, final int length)
    {
        if (scratch.length - scratchLength < length)
        {
            flush();
            if (scratch.length < length)
            {
                scratch = new byte[Math.max(length, WRITE_BATCH_BYTES)];
            }
        }
        source.getBytes(index, scratch, scratchLength, length);
        scratchLength += length;
    }

    private void flush()
    {
        if (scratchLength > 0 && writeFailure == null)
        {
            try
            {
                out.write(scratch, 0, scratchLength);
            }
            catch (final IOException ex)
            {
                writeFailure = ex;
            }
        }
        scratchLength = 0;
    }
}
