package dev.vigil.core.state;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;

/**
 * A {@link RecordStore} in process memory, off the heap and not persisted: for rules run outside an engine (offline
 * replays, what-if, tests, tools). Records are carved out of direct buffers allocated a chunk at a time as
 * keys arrive, so an unused capacity costs nothing; the memory goes back when the store is garbage collected. As in
 * {@link ChronicleRecordStore}, a word before each record holds its ordinal.
 */
public final class NativeRecordStore extends IndexedRecordStore
{
    private static final int RECORDS_PER_CHUNK = 1024;
    private static final int HEADER_BYTES = Long.BYTES;

    private final int stride;
    private final ByteBuffer[] chunks;

    /**
     * @param maxKeys     most keys held.
     * @param recordBytes bytes of state per key.
     */
    public NativeRecordStore(final int maxKeys, final int recordBytes)
    {
        super(maxKeys, recordBytes);
        this.stride = HEADER_BYTES + roundUpToLong(recordBytes);
        this.chunks = new ByteBuffer[(maxKeys + RECORDS_PER_CHUNK - 1) / RECORDS_PER_CHUNK];
    }

    @Override
    protected long allocateRecord(final long key, final int ordinal)
    {
        final int chunk = ordinal / RECORDS_PER_CHUNK;
        if (chunks[chunk] == null)
        {
            // Direct buffers start zeroed, as a new record must.
            chunks[chunk] = ByteBuffer.allocateDirect(RECORDS_PER_CHUNK * stride);
        }
        final long header = BufferUtil.address(chunks[chunk]) + (long)(ordinal % RECORDS_PER_CHUNK) * stride;
        UnsafeApi.putLong(header, ordinal);
        return header + HEADER_BYTES;
    }

    @Override
    protected int ordinalAt(final long address)
    {
        return (int)UnsafeApi.getLong(address - HEADER_BYTES);
    }

    /**
     * A cleared store hands out the same records again, so they are zeroed here as they would be when new.
     */
    @Override
    protected void clearRecords()
    {
        for (final ByteBuffer chunk : chunks)
        {
            if (chunk != null)
            {
                UnsafeApi.setMemory(BufferUtil.address(chunk), chunk.capacity(), (byte)0);
            }
        }
    }

    @Override
    public void close()
    {
        // Nothing to release early: the direct buffers are freed with the store.
    }
}
