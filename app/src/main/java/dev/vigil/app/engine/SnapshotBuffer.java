package dev.vigil.app.engine;

import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Memory a snapshot's state is serialised into on the rules thread, so that the file is written on another: the
 * rules stage pauses for a copy in memory, not for file writes. The memory is off the heap, in chunks that are kept
 * from snapshot to snapshot, so a growing state neither copies what it already wrote nor makes garbage for the
 * collector (a heap array doubling to tens of megabytes cost a collection inside the pause). It never grows beyond
 * a cap; a state that does not fit is refused so the caller can stream it instead, and so is one the JVM has no
 * direct memory left for (its limit, {@code -XX:MaxDirectMemorySize}, defaults to the heap's maximum).
 */
final class SnapshotBuffer extends OutputStream
{
    /** Thrown, without a stack trace, when a state outgrows the cap: a snapshot path, rare, not a hot one. */
    static final IOException FULL = new IOException("snapshot state larger than snapshot.buffer.bytes")
    {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    private static final int CHUNK_SHIFT = 20;
    private static final int CHUNK_BYTES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_BYTES - 1;

    private final long capBytes;
    private final IntFunction<ByteBuffer> allocator;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private long length;

    /**
     * @param capBytes most bytes held; a larger state is refused with {@link #FULL}.
     */
    SnapshotBuffer(final long capBytes)
    {
        this(capBytes, ByteBuffer::allocateDirect);
    }

    /**
     * @param capBytes  most bytes held; a larger state is refused with {@link #FULL}.
     * @param allocator allocates a chunk of the given size, zeroed.
     */
    SnapshotBuffer(final long capBytes, final IntFunction<ByteBuffer> allocator)
    {
        this.capBytes = capBytes;
        this.allocator = allocator;
    }

    /**
     * Empty the buffer for the next state, keeping its memory.
     */
    void reset()
    {
        length = 0;
    }

    @Override
    public void write(final int b) throws IOException
    {
        reserve(1);
        chunkAt(length).put((int)(length & CHUNK_MASK), (byte)b);
        length++;
    }

    @Override
    public void write(final byte[] source, final int offset, final int count) throws IOException
    {
        reserve(count);
        int done = 0;
        while (done < count)
        {
            final int position = (int)(length & CHUNK_MASK);
            final int n = Math.min(count - done, CHUNK_BYTES - position);
            chunkAt(length).put(position, source, offset + done, n);
            length += n;
            done += n;
        }
    }

    /**
     * @return how many bytes were written since the last {@link #reset()}.
     */
    long length()
    {
        return length;
    }

    /**
     * Copy what was written since the last {@link #reset()} to an output, through a scratch array.
     *
     * @param out     where to.
     * @param scratch a heap array to copy through.
     * @throws IOException when the output fails.
     */
    void copyTo(final DataOutput out, final byte[] scratch) throws IOException
    {
        long copied = 0;
        while (copied < length)
        {
            final int position = (int)(copied & CHUNK_MASK);
            final int n = (int)Math.min(Math.min(length - copied, CHUNK_BYTES - position), scratch.length);
            chunkAt(copied).get(position, scratch, 0, n);
            out.write(scratch, 0, n);
            copied += n;
        }
    }

    private void reserve(final int count) throws IOException
    {
        final long needed = length + count;
        if (needed > capBytes)
        {
            throw FULL;
        }
        while ((long)chunks.size() * CHUNK_BYTES < needed)
        {
            final ByteBuffer chunk;
            try
            {
                chunk = allocator.apply(CHUNK_BYTES);
            }
            catch (final OutOfMemoryError ex)
            {
                // Direct memory is spent: stream this state; the chunks already held stay for smaller ones.
                throw FULL;
            }
            chunks.add(chunk);
        }
    }

    private ByteBuffer chunkAt(final long offset)
    {
        return chunks.get((int)(offset >>> CHUNK_SHIFT));
    }
}
