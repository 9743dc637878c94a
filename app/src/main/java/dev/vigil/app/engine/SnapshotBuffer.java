package dev.vigil.app.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * Memory a snapshot's state beside the keyed records is serialised into on the rules thread, so that the file is
 * written on another: the rules stage pauses for a copy in memory, not for file writes. It is itself the
 * {@link DataOutput} the state is written to, each field stored straight into the current chunk (big endian, as
 * {@link java.io.DataOutputStream} writes), so the many small fields of windows and retry tables cost a store each
 * rather than a chain of stream calls. The memory is off the heap, in chunks that are kept from snapshot to
 * snapshot, so a growing state neither copies what it already wrote nor makes garbage for the collector (a heap
 * array doubling to tens of megabytes cost a collection inside the pause). It never grows beyond a cap; a state that
 * does not fit is refused so the caller can stream it instead, and so is one the JVM has no direct memory left for
 * (its limit, {@code -XX:MaxDirectMemorySize}, defaults to the heap's maximum).
 */
public final class SnapshotBuffer extends OutputStream implements DataOutput
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
    /** The chunk {@link #length} is in, when it has one: where whole fields go. */
    private final UnsafeBuffer current = new UnsafeBuffer(0, 0);
    /** Bytes of {@link #current} from {@link #length} on that may be written without a check. */
    private int currentLeft;
    private long length;

    /**
     * @param capBytes most bytes held; a larger state is refused with {@link #FULL}.
     */
    public SnapshotBuffer(final long capBytes)
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
    public void reset()
    {
        length = 0;
        currentLeft = 0;
    }

    @Override
    public void write(final int b) throws IOException
    {
        if (currentLeft >= 1)
        {
            current.putByte((int)(length & CHUNK_MASK), (byte)b);
            advance(1);
            return;
        }
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
        currentLeft = 0;
    }

    @Override
    public void writeBoolean(final boolean value) throws IOException
    {
        write(value ? 1 : 0);
    }

    @Override
    public void writeByte(final int value) throws IOException
    {
        write(value);
    }

    @Override
    public void writeShort(final int value) throws IOException
    {
        write(value >>> 8);
        write(value);
    }

    @Override
    public void writeChar(final int value) throws IOException
    {
        writeShort(value);
    }

    @Override
    public void writeInt(final int value) throws IOException
    {
        if (currentLeft >= Integer.BYTES || refill(Integer.BYTES))
        {
            current.putInt((int)(length & CHUNK_MASK), value, ByteOrder.BIG_ENDIAN);
            advance(Integer.BYTES);
            return;
        }
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            write(value >>> shift);
        }
    }

    @Override
    public void writeLong(final long value) throws IOException
    {
        if (currentLeft >= Long.BYTES || refill(Long.BYTES))
        {
            current.putLong((int)(length & CHUNK_MASK), value, ByteOrder.BIG_ENDIAN);
            advance(Long.BYTES);
            return;
        }
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            write((int)(value >>> shift));
        }
    }

    @Override
    public void writeFloat(final float value) throws IOException
    {
        writeInt(Float.floatToIntBits(value));
    }

    @Override
    public void writeDouble(final double value) throws IOException
    {
        writeLong(Double.doubleToLongBits(value));
    }

    @Override
    public void writeBytes(final String value) throws IOException
    {
        for (int i = 0; i < value.length(); i++)
        {
            write(value.charAt(i));
        }
    }

    @Override
    public void writeChars(final String value) throws IOException
    {
        for (int i = 0; i < value.length(); i++)
        {
            writeChar(value.charAt(i));
        }
    }

    @Override
    public void writeUTF(final String value) throws IOException
    {
        // Modified UTF-8 exactly as DataOutputStream writes it; no state writer uses it on a hot path.
        new DataOutputStream(this).writeUTF(value);
    }

    private void advance(final int bytes)
    {
        length += bytes;
        currentLeft -= bytes;
    }

    /**
     * Make the chunk of {@link #length} current, when a field of this size fits in what is left of it and of the
     * cap; false when it does not (it spans two chunks, or the cap is near: written a byte at a time).
     */
    private boolean refill(final int bytes) throws IOException
    {
        final int position = (int)(length & CHUNK_MASK);
        final long fitsInCap = capBytes - length;
        if (CHUNK_BYTES - position < bytes || fitsInCap < bytes)
        {
            return false;
        }
        reserve(bytes);
        final ByteBuffer chunk = chunkAt(length);
        current.wrap(chunk);
        currentLeft = (int)Math.min(CHUNK_BYTES - position, fitsInCap);
        return true;
    }

    /**
     * @return how many bytes were written since the last {@link #reset()}.
     */
    public long length()
    {
        return length;
    }

    /**
     * Write part of what was written since the last {@link #reset()} to a file, adding it to a running checksum:
     * straight from the off-heap chunks, no copy on the way.
     *
     * @param channel  where to, at its position.
     * @param crc      the file's running checksum.
     * @param from     offset of the first byte to write.
     * @param maxBytes most bytes to write; fewer where the state ends.
     * @return bytes written.
     * @throws IOException when the file fails.
     */
    long writeTo(final WritableByteChannel channel, final CRC32C crc, final long from, final long maxBytes)
        throws IOException
    {
        final long end = from + Math.min(maxBytes, length - from);
        long offset = from;
        while (offset < end)
        {
            final int position = (int)(offset & CHUNK_MASK);
            final int n = (int)Math.min(end - offset, CHUNK_BYTES - position);
            final ByteBuffer chunk = chunkAt(offset);
            try
            {
                chunk.limit(position + n).position(position);
                SnapshotFileWriter.writeChecksummed(channel, crc, chunk);
            }
            finally
            {
                // The chunk's limit bounds the buffer's own slow-path writes: whole again, whatever happened.
                chunk.clear();
            }
            offset += n;
        }
        return end - from;
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
