package dev.vigil.core.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Bulk reads and writes of primitive arrays for snapshots, in 64 KiB chunks rather than a call per value, since a
 * snapshot pauses the stage that owns the state for as long as it takes to write it out.
 */
public final class StateIo
{
    /** Values per chunk: 64 KiB, so writing a large array makes no large garbage. */
    private static final int CHUNK_LONGS = 8 * 1024;

    private StateIo()
    {
    }

    /**
     * @param out    where to write.
     * @param values array to write from.
     * @param length how many values, from index 0.
     * @throws IOException when writing fails.
     */
    public static void writeLongs(final DataOutput out, final long[] values, final int length) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_LONGS * Long.BYTES);
        for (int from = 0; from < length; from += CHUNK_LONGS)
        {
            final int count = Math.min(CHUNK_LONGS, length - from);
            chunk.clear();
            chunk.asLongBuffer().put(values, from, count);
            out.write(chunk.array(), 0, count * Long.BYTES);
        }
    }

    /**
     * @param in     where to read.
     * @param values array to read into.
     * @param length how many values, from index 0.
     * @throws IOException when reading fails.
     */
    public static void readLongs(final DataInput in, final long[] values, final int length) throws IOException
    {
        final byte[] bytes = new byte[CHUNK_LONGS * Long.BYTES];
        final ByteBuffer chunk = ByteBuffer.wrap(bytes);
        for (int from = 0; from < length; from += CHUNK_LONGS)
        {
            final int count = Math.min(CHUNK_LONGS, length - from);
            in.readFully(bytes, 0, count * Long.BYTES);
            chunk.clear();
            chunk.asLongBuffer().get(values, from, count);
        }
    }
}
