package dev.vigil.perf;

import dev.vigil.core.state.RecordCopySink;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;

/**
 * Takes every record a snapshot copies into 16 MiB of off-heap memory, round and round, as the snapshot writer's
 * buffer takes them on their way to the file; never full, never gives up. For benchmarks of the copy without the
 * file writes.
 */
final class OffHeapRecordCopySink implements RecordCopySink
{
    private static final int BYTES = 16 << 20;

    /** Held so the memory lives as long as its address is used. */
    private final ByteBuffer memory = BufferUtil.allocateDirectAligned(BYTES + (1 << 20), 64);
    private final long base = BufferUtil.address(memory);
    private int position;
    private long bytesTaken;

    @Override
    public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        return put(storeId, ordinal, key, address, length);
    }

    @Override
    public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        UnsafeApi.putLong(base + position, key);
        UnsafeApi.copyMemory(address, base + position + Long.BYTES, length);
        position += (Long.BYTES + length + 7) & -8;
        bytesTaken += length + 16;
        if (position >= BYTES)
        {
            position = 0;
        }
        return true;
    }

    @Override
    public boolean isAbandoned()
    {
        return false;
    }

    @Override
    public void abandon()
    {
        // Nothing is held.
    }

    /**
     * @return bytes taken since the last call, entry headers counted as the writer's buffer counts them; resets the
     * count.
     */
    long takeBytesTaken()
    {
        final long taken = bytesTaken;
        bytesTaken = 0;
        return taken;
    }
}
