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
 * insertion order (for deterministic snapshots and slice zeroing), the capacity check, the snapshot format and the
 * copy of the records for a snapshot. Subclasses only say where a new key's zeroed record lives and which ordinal a
 * record's address has.
 * <p>
 * The copy ({@link #beginCopy}) is copy-on-write: the records held at the snapshot point are copied either by
 * {@link #copyStep}, in ordinal order behind a cursor, or, for a record handed out by {@link #recordAddress} before
 * the cursor reached it, right then, before its caller can write it; a bit per ordinal says which were copied that
 * way, so none is copied twice. Every write to a record goes through {@link #recordAddress} (its callers keep no
 * address from one event to the next), so every record reaches the sink as it was at the point.
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
    /** Ordinals placed by a restore not yet ended, which {@link #clear} must also forget. */
    private int placedEnd;
    private byte[] restoreScratch;

    /** Per ordinal below {@link #copyEnd}: copied ahead of the cursor, before a write; all clear between copies. */
    private final long[] copiedAhead;
    private boolean copying;
    private RecordCopySink copySink;
    private int copyStoreId;
    private int copyCursor;
    private int copyEnd;

    /**
     * @param maxKeys     most keys held, at least 1.
     * @param recordBytes bytes of state per key, at least 1.
     */
    protected IndexedRecordStore(final int maxKeys, final int recordBytes)
    {
        checkSizes(maxKeys, recordBytes);
        this.maxKeys = maxKeys;
        this.recordBytes = recordBytes;
        this.index = new LongAddressIndex(maxKeys);
        this.addressByOrdinal = new long[maxKeys];
        this.keyByOrdinal = new long[maxKeys];
        this.copiedAhead = new long[(maxKeys + Long.SIZE - 1) / Long.SIZE];
    }

    /**
     * @param maxKeys     most keys held.
     * @param recordBytes bytes of state per key.
     * @throws IllegalArgumentException when either is less than 1.
     */
    static void checkSizes(final int maxKeys, final int recordBytes)
    {
        if (maxKeys < 1 || recordBytes < 1)
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " and recordBytes=" + recordBytes +
                " must be at least 1");
        }
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
     * another known key one index probe; only a new key reaches the subclass. While a copy is in progress, a known
     * key's record is first copied if the copy still needs it; the same key again needs no check, as the copy's
     * start forgets the previous key.
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
        else if (copying)
        {
            copyBeforeWrite(address);
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
     * @param address an address {@link #allocateRecord} returned.
     * @return the ordinal it was given.
     */
    protected abstract int ordinalAt(long address);

    /**
     * Index a record found in the backing store when it was opened, or put back by {@link #restoreRecord}.
     *
     * @param key     its key.
     * @param ordinal its insertion number; ordinals must end up dense from 0.
     * @param address its address.
     * @return false when that ordinal is out of range or already taken.
     */
    protected final boolean placeRecord(final long key, final long ordinal, final long address)
    {
        if (ordinal < 0 || ordinal >= maxKeys || addressByOrdinal[(int)ordinal] != 0)
        {
            return false;
        }
        addressByOrdinal[(int)ordinal] = address;
        keyByOrdinal[(int)ordinal] = key;
        placedEnd = Math.max(placedEnd, (int)ordinal + 1);
        return true;
    }

    /**
     * Finish indexing the records given to {@link #placeRecord}.
     *
     * @param count how many there were.
     * @return false when their ordinals are not exactly {@code [0, count)}, or a key came twice.
     */
    protected final boolean placedRecords(final int count)
    {
        if (count < 0 || count > maxKeys || placedEnd > count)
        {
            return false;
        }
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            if (addressByOrdinal[ordinal] == 0 || index.addressOf(keyByOrdinal[ordinal]) != LongAddressIndex.ABSENT)
            {
                return false;
            }
            index.add(keyByOrdinal[ordinal], addressByOrdinal[ordinal]);
        }
        size = count;
        placedEnd = 0;
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
        finishCopy();
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            UnsafeApi.setMemory(addressByOrdinal[ordinal] + offset, length, (byte)0);
        }
    }

    @Override
    public final void clear()
    {
        finishCopy();
        clearRecords();
        index.clear();
        Arrays.fill(addressByOrdinal, 0, Math.max(size, placedEnd), 0);
        lastAddress = FULL;
        size = 0;
        placedEnd = 0;
        insertRefusals = 0;
        refusingInserts = false;
    }

    @Override
    public final int beginCopy(final int storeId, final RecordCopySink sink)
    {
        if (copying)
        {
            throw new IllegalStateException("a copy of this store's records is in progress");
        }
        // The bits are all clear: a copy clears them behind its cursor, and the rest when it ends.
        copyStoreId = storeId;
        copyCursor = 0;
        copyEnd = size;
        // The previous key's address is handed out without a look at the copy: forget it.
        lastAddress = FULL;
        copying = size > 0;
        copySink = copying ? sink : null;
        return size;
    }

    @Override
    public final boolean isCopying()
    {
        return copying;
    }

    /**
     * The record at this address is about to be handed out for writing: copy it first if the cursor has not reached
     * it and no write before copied it.
     */
    private void copyBeforeWrite(final long address)
    {
        final int ordinal = ordinalAt(address);
        if (ordinal >= copyCursor && ordinal < copyEnd)
        {
            final int word = ordinal >>> 6;
            final long bit = 1L << ordinal;
            if ((copiedAhead[word] & bit) == 0)
            {
                copiedAhead[word] |= bit;
                if (!copySink.put(copyStoreId, ordinal, keyByOrdinal[ordinal], address, recordBytes))
                {
                    endCopy();
                }
            }
        }
    }

    @Override
    public final int copyStep(final int maxBytes)
    {
        if (!copying)
        {
            return 0;
        }
        final int end = copyEnd;
        int cursor = copyCursor;
        int copied = 0;
        long bytes = 0;
        while (cursor < end && bytes < maxBytes)
        {
            final long copiedWord = copiedAhead[cursor >>> 6];
            if (copiedWord == -1L && (cursor & 63) == 0)
            {
                // 64 records copied ahead: a run that writes to many keys leaves many such words.
                copiedAhead[cursor >>> 6] = 0;
                cursor += 64;
                continue;
            }
            if ((copiedWord & (1L << cursor)) == 0)
            {
                if (!copySink.offer(copyStoreId, cursor, keyByOrdinal[cursor], addressByOrdinal[cursor], recordBytes))
                {
                    copyCursor = cursor;
                    if (copySink.isAbandoned())
                    {
                        endCopy();
                    }
                    return copied;
                }
                copied++;
                bytes += recordBytes;
            }
            cursor++;
            clearPassedWord(cursor);
        }
        copyCursor = Math.min(cursor, end);
        if (copyCursor == end)
        {
            endCopy();
        }
        return copied;
    }

    @Override
    public final void finishCopy()
    {
        if (!copying)
        {
            return;
        }
        for (int ordinal = copyCursor; ordinal < copyEnd; ordinal++)
        {
            if ((copiedAhead[ordinal >>> 6] & (1L << ordinal)) == 0 &&
                !copySink.put(copyStoreId, ordinal, keyByOrdinal[ordinal], addressByOrdinal[ordinal], recordBytes))
            {
                break;
            }
            copyCursor = ordinal + 1;
            clearPassedWord(copyCursor);
        }
        endCopy();
    }

    @Override
    public final void abandonCopy()
    {
        endCopy();
    }

    /**
     * The cursor just moved to this ordinal: when that starts a word, no bit of the word before is read again in this
     * copy, so it is cleared now, for the next copy, instead of at its start.
     */
    private void clearPassedWord(final int cursor)
    {
        if ((cursor & 63) == 0)
        {
            copiedAhead[(cursor - 1) >>> 6] = 0;
        }
    }

    private void endCopy()
    {
        if (copying)
        {
            // What the cursor did not pass: one word when the copy is complete, more when it was given up.
            Arrays.fill(copiedAhead, copyCursor >>> 6, (copyEnd + Long.SIZE - 1) >>> 6, 0L);
        }
        copying = false;
        copySink = null;
    }

    @Override
    public final void beginRestore()
    {
        clear();
    }

    @Override
    public final void restoreRecord(final int ordinal, final long key, final DataInput in) throws IOException
    {
        if (ordinal < 0 || ordinal >= maxKeys || addressByOrdinal[ordinal] != 0)
        {
            throw new IOException("record of ordinal " + ordinal + " is out of range or came twice (store of " +
                maxKeys + " keys)");
        }
        if (restoreScratch == null)
        {
            restoreScratch = new byte[recordBytes];
        }
        in.readFully(restoreScratch);
        final long address = allocateRecord(key, ordinal);
        if (address == FULL)
        {
            throw new IOException("record of ordinal " + ordinal + " could not be stored");
        }
        recordView.wrap(address, recordBytes);
        recordView.putBytes(0, restoreScratch);
        placeRecord(key, ordinal, address);
    }

    @Override
    public final void endRestore(final int count) throws IOException
    {
        if (!placedRecords(count))
        {
            throw new IOException("the records restored are not those of ordinals 0 to " + (count - 1) +
                ", each key once");
        }
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
