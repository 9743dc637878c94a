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
     * Begin a copy of the records as they are now (a snapshot point) into a sink, without copying any yet: from now
     * on, until every one of them is copied, {@link #recordAddress} first copies a record it hands out that is not
     * copied yet (its caller may be about to write it), and {@link #copyStep} copies the others in insertion order.
     * Records added after this call are not part of the copy. {@link #zeroSlice}, {@link #clear}, {@link #readFrom}
     * and {@link #beginRestore} finish the copy first ({@link #finishCopy}).
     *
     * @param storeId what the sink is told the store is.
     * @param sink    where the records go.
     * @return records to copy: {@link #size()} now.
     * @throws IllegalStateException when a copy is in progress.
     */
    int beginCopy(int storeId, RecordCopySink sink);

    /**
     * @return true while a copy begun by {@link #beginCopy} has records left to copy and was not given up.
     */
    boolean isCopying();

    /**
     * Copy records not copied yet, in insertion order, while the sink takes them and up to about maxBytes; ends the
     * copy when the last is copied or the sink gave it up.
     *
     * @param maxBytes bytes of records to copy at most, rounded up to a whole record.
     * @return records copied.
     */
    int copyStep(int maxBytes);

    /**
     * Copy every record left to copy now, waiting on the sink for room ({@link RecordCopySink#put}).
     */
    void finishCopy();

    /**
     * Stop a copy in progress without copying the rest; the caller tells the sink.
     */
    void abandonCopy();

    /**
     * Empty the store to receive records with {@link #restoreRecord}, in any order.
     */
    void beginRestore();

    /**
     * Put back one record copied from a store of the same capacity and record size, at its ordinal.
     *
     * @param ordinal its insertion number.
     * @param key     its key.
     * @param in      where its {@link #recordBytes()} bytes are read from.
     * @throws IOException when reading fails, or the ordinal is out of range or taken.
     */
    void restoreRecord(int ordinal, long key, DataInput in) throws IOException;

    /**
     * Finish a restore: the records put back must be those of ordinals {@code [0, count)} exactly, each key once.
     *
     * @param count records put back.
     * @throws IOException when they are not.
     */
    void endRestore(int count) throws IOException;

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
