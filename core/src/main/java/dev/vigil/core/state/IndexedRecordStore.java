package dev.vigil.core.state;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What every {@link RecordStore} shares: the on-heap index from key to record address, the keys and addresses in
 * insertion order (for deterministic snapshots and slice zeroing), the capacity check and the snapshot format.
 * Subclasses only say where a new key's zeroed record lives.
 */
public abstract class IndexedRecordStore implements RecordStore
{
    private static final int SNAPSHOT_CHUNK_BYTES = 64 * 1024;

    private final int maxKeys;
    private final int recordBytes;
    private final LongAddressIndex index;
    private final long[] addressByOrdinal;
    private final long[] keyByOrdinal;
    private final UnsafeBuffer recordView = new UnsafeBuffer(0, 0);
    private long lastKey;
    private long lastAddress = FULL;
    private int size;
    private int insertRefusals;
    private boolean refusingInserts;

    /**
     * @param maxKeys     most keys held, at least 1.
     * @param recordBytes bytes of state per key, at least 1.
     */
    protected IndexedRecordStore(final int maxKeys, final int recordBytes)
    {
        if (maxKeys < 1 || recordBytes < 1)
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " and recordBytes=" + recordBytes +
                " must be at least 1");
        }
        this.maxKeys = maxKeys;
        this.recordBytes = recordBytes;
        this.index = new LongAddressIndex(maxKeys);
        this.addressByOrdinal = new long[maxKeys];
        this.keyByOrdinal = new long[maxKeys];
    }

    /**
     * @param bytes a size in bytes.
     * @return the size rounded up to whole 8-byte words.
     */
    protected static int roundUpToLong(final int bytes)
    {
        return (bytes + Long.BYTES - 1) & -Long.BYTES;
    }

    /**
     * The hot path: the same key as the previous call (several rules of one key kind in one event) costs a compare,
     * another known key one index probe; only a new key reaches the subclass.
     */
    @Override
    public final long recordAddress(final long key)
    {
        if (key == lastKey && lastAddress != FULL)
        {
            return lastAddress;
        }
        long address = index.addressOf(key);
        if (address == LongAddressIndex.ABSENT)
        {
            if (size == maxKeys || refusingInserts)
            {
                return FULL;
            }
            address = allocateRecord(key, size);
            if (address == FULL)
            {
                // The backing store refused below the capacity: answered as full from now on, as a full store
                // would be, rather than failing the event or retrying on every new key.
                insertRefusals++;
                refusingInserts = true;
                return FULL;
            }
            remember(key, address);
        }
        lastKey = key;
        lastAddress = address;
        return address;
    }

    @Override
    public final long findRecord(final long key)
    {
        return index.addressOf(key);
    }

    @Override
    public final long loadIndexEntry(final long key)
    {
        return index.loadHomeBucket(key);
    }

    /**
     * Create a zeroed record for a key not held yet.
     *
     * @param key     the new key.
     * @param ordinal its insertion number, {@link #size()} before it.
     * @return the address of its {@link #recordBytes()} zeroed bytes, or {@link #FULL} when the backing store
     * cannot take it.
     */
    protected abstract long allocateRecord(long key, int ordinal);

    /**
     * Drop every record from the backing store.
     */
    protected abstract void clearRecords();

    /**
     * Index a record found in the backing store when it was opened.
     *
     * @param key     its key.
     * @param ordinal its insertion number; ordinals must end up dense from 0.
     * @param address its address.
     * @return false when that ordinal is out of range or already taken.
     */
    protected final boolean restoreRecord(final long key, final long ordinal, final long address)
    {
        if (ordinal < 0 || ordinal >= maxKeys || addressByOrdinal[(int)ordinal] != 0)
        {
            return false;
        }
        addressByOrdinal[(int)ordinal] = address;
        keyByOrdinal[(int)ordinal] = key;
        return true;
    }

    /**
     * Finish indexing the records given to {@link #restoreRecord}.
     *
     * @param count how many there were.
     * @return false when their ordinals are not exactly {@code [0, count)}.
     */
    protected final boolean restoredRecords(final int count)
    {
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            if (addressByOrdinal[ordinal] == 0)
            {
                return false;
            }
            index.add(keyByOrdinal[ordinal], addressByOrdinal[ordinal]);
        }
        size = count;
        return true;
    }

    private void remember(final long key, final long address)
    {
        index.add(key, address);
        addressByOrdinal[size] = address;
        keyByOrdinal[size] = key;
        size++;
    }

    @Override
    public final void zeroSlice(final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + length > recordBytes)
        {
            throw new IllegalArgumentException("slice [" + offset + ", " + (offset + length) +
                ") outside a record of " + recordBytes + " bytes");
        }
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            UnsafeApi.setMemory(addressByOrdinal[ordinal] + offset, length, (byte)0);
        }
    }

    @Override
    public final void clear()
    {
        clearRecords();
        index.clear();
        Arrays.fill(addressByOrdinal, 0, size, 0);
        lastAddress = FULL;
        size = 0;
        insertRefusals = 0;
        refusingInserts = false;
    }

    @Override
    public final void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(maxKeys);
        out.writeInt(recordBytes);
        out.writeInt(size);
        final int entryBytes = Long.BYTES + recordBytes;
        final int entriesPerChunk = Math.max(1, SNAPSHOT_CHUNK_BYTES / entryBytes);
        final byte[] chunk = new byte[entriesPerChunk * entryBytes];
        final UnsafeBuffer chunkBuffer = new UnsafeBuffer(chunk);
        int position = 0;
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            // Big-endian, as DataInput.readLong reads it back; the records are copied as they lie in memory.
            chunkBuffer.putLong(position, keyByOrdinal[ordinal], ByteOrder.BIG_ENDIAN);
            recordView.wrap(addressByOrdinal[ordinal], recordBytes);
            recordView.getBytes(0, chunk, position + Long.BYTES, recordBytes);
            position += entryBytes;
            if (position == chunk.length)
            {
                out.write(chunk, 0, position);
                position = 0;
            }
        }
        out.write(chunk, 0, position);
    }

    @Override
    public final void readFrom(final DataInput in) throws IOException
    {
        final int writtenMaxKeys = in.readInt();
        final int writtenRecordBytes = in.readInt();
        final int writtenSize = in.readInt();
        // The capacity is part of the state, as the point where keys start to be refused.
        if (writtenMaxKeys != maxKeys || writtenRecordBytes != recordBytes || writtenSize < 0 || writtenSize > maxKeys)
        {
            throw new IOException(writtenSize + " records of " + writtenRecordBytes + " bytes from a store of " +
                writtenMaxKeys + " keys do not fit a store of " + maxKeys + " keys and records of " + recordBytes +
                " bytes");
        }
        clear();
        final byte[] record = new byte[recordBytes];
        for (int i = 0; i < writtenSize; i++)
        {
            final long key = in.readLong();
            in.readFully(record);
            final long address = recordAddress(key);
            if (address == FULL)
            {
                throw new IOException("record " + i + " of " + writtenSize + " could not be stored");
            }
            recordView.wrap(address, recordBytes);
            recordView.putBytes(0, record);
        }
    }

    @Override
    public final int size()
    {
        return size;
    }

    @Override
    public final int capacity()
    {
        return maxKeys;
    }

    @Override
    public final int recordBytes()
    {
        return recordBytes;
    }

    /**
     * @return new keys the backing store refused below the capacity (expected to stay 0).
     */
    public final int insertRefusals()
    {
        return insertRefusals;
    }
}
