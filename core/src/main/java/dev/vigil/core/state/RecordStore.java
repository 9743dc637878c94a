package dev.vigil.core.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Fixed-size records of keyed state off the heap, one per long key, handed out as native addresses: a rule reads and
 * writes its words at the address it is given (see {@link RecordWords}). A new key's record starts zeroed; records
 * are never removed one by one and never move while the store is open.
 * <p>
 * Not thread safe: owned by the single thread that runs the rules.
 */
public interface RecordStore extends AutoCloseable
{
    /** Returned by {@link #recordAddress(long)} when the key is new and the store is full. */
    long FULL = 0;

    /**
     * Address of a key's record, adding a zeroed record when the key is new. Allocation-free for a known key.
     *
     * @param key any long value.
     * @return the native address of the key's {@link #recordBytes()} bytes, or {@link #FULL}.
     */
    long recordAddress(long key);

    /**
     * @param key any long value.
     * @return the address of the key's record, or {@link #FULL} when the key has none; adds nothing.
     */
    long findRecord(long key);

    /**
     * Load the first index entry a {@link #findRecord} of the key would read, without searching: ahead of finding
     * many keys, so that their index misses overlap. Changes nothing.
     *
     * @param key any long value.
     * @return a word of that entry, only so that the load is kept.
     */
    long loadIndexEntry(long key);

    /**
     * @return keys held.
     */
    int size();

    /**
     * @return most keys held.
     */
    int capacity();

    /**
     * @return bytes of state per key.
     */
    int recordBytes();

    /**
     * Zero bytes {@code [offset, offset + length)} of every record: a pass over all records.
     *
     * @param offset first byte within a record.
     * @param length bytes to zero.
     */
    void zeroSlice(int offset, int length);

    /**
     * Remove every record.
     */
    void clear();

    /**
     * Write every key and record in insertion order, so that equal inputs give equal snapshots.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    void writeTo(DataOutput out) throws IOException;

    /**
     * Replace every record with those written by {@link #writeTo} of a store with the same capacity and record size.
     *
     * @param in where to read.
     * @throws IOException when reading fails, or the records do not fit this store.
     */
    void readFrom(DataInput in) throws IOException;

    /**
     * Release the records; every address handed out becomes invalid.
     */
    @Override
    void close();
}
