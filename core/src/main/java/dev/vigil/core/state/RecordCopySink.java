package dev.vigil.core.state;

/**
 * Where the records of a snapshot go while a {@link RecordStore} copies them, as entries of (store, ordinal, key,
 * record bytes): the records as they were at the snapshot point, in whatever order the copy reaches them (the
 * ordinal says where each belongs). The sink decides what an entry becomes (bytes of a file, a message for another
 * thread); it may be bounded and refuse an entry for now. Called on the thread that owns the stores.
 */
public interface RecordCopySink
{
    /**
     * Take an entry if there is room for it now: the background copy, which comes back later when there is not.
     *
     * @param storeId what the store is (e.g. its state key's ordinal), written with the entry.
     * @param ordinal the record's insertion number in its store.
     * @param key     the record's key.
     * @param address native address of the record's bytes, valid for the call only.
     * @param length  bytes of the record.
     * @return true when taken; false when there is no room now or the copy was given up ({@link #isAbandoned}).
     */
    boolean offer(int storeId, int ordinal, long key, long address, int length);

    /**
     * Take an entry, waiting for room as long as the sink allows: the record is about to be written, so its
     * state at the snapshot point must be taken now or never.
     *
     * @param storeId what the store is, written with the entry.
     * @param ordinal the record's insertion number in its store.
     * @param key     the record's key.
     * @param address native address of the record's bytes, valid for the call only.
     * @param length  bytes of the record.
     * @return true when taken; false when the sink gave the copy up ({@link #isAbandoned} then answers true).
     */
    boolean put(int storeId, int ordinal, long key, long address, int length);

    /**
     * @return true once the copy is given up, by the sink (its output failed, or a wait for room ran out) or by
     * {@link #abandon}: the copy stops, and the snapshot is not completed.
     */
    boolean isAbandoned();

    /**
     * @return writes the sink made on its own in {@link #offer} calls since the last call (a sink that writes a file
     * may write instead of taking an entry): work done, for the caller's idle strategy; 0 by default.
     */
    default int takeWritesDone()
    {
        return 0;
    }

    /**
     * Give the copy up from the stores' side (e.g. they close, or a newer snapshot supersedes this one): no more
     * entries will come.
     */
    void abandon();
}
