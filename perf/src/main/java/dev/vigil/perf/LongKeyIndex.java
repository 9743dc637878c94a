package dev.vigil.perf;

import org.agrona.collections.Hashing;

/**
 * Assigns each distinct long key a dense slot number in {@code [0, maxKeys)} so that per-key state can live in
 * pre-allocated primitive arrays. Open addressing with linear probing over a table at most half full; keys are
 * never removed, and when {@code maxKeys} keys are known a new key gets {@link #FULL} instead of a slot.
 * <p>
 * Each bucket keeps the key and its slot side by side in one array, so a lookup costs one cache miss, not two: with
 * many keys, lookups are bound by memory, not by instructions.
 * <p>
 * The layout keyed rule state had before it moved to records ({@code dev.vigil.core.state.RecordStore}), kept as
 * {@link KeyedStateBenchmark}'s baseline. Not thread safe.
 */
public final class LongKeyIndex
{
    /** Returned by {@link #slotFor(long)} when a new key would exceed the capacity. */
    public static final int FULL = -1;

    /** Slot stored plus one, so that 0 marks an empty bucket. */
    private static final long EMPTY = 0;

    private final long[] buckets;
    private final int mask;
    private final int maxKeys;
    private int size;

    /**
     * @param maxKeys most distinct keys to hold.
     */
    public LongKeyIndex(final int maxKeys)
    {
        if (maxKeys < 1 || maxKeys > (1 << 28))
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " must be in [1, 2^28]");
        }
        final int bucketCount = Integer.highestOneBit(maxKeys * 2 - 1) << 1;
        this.buckets = new long[bucketCount * 2];
        this.mask = bucketCount - 1;
        this.maxKeys = maxKeys;
    }

    /**
     * Slot of a key, adding the key when it is new.
     *
     * @param key any long value.
     * @return the key's slot, or {@link #FULL} when the key is new and the index holds maxKeys keys.
     */
    public int slotFor(final long key)
    {
        int bucket = Hashing.hash(key, mask);
        long slotPlusOne;
        while ((slotPlusOne = buckets[(bucket << 1) + 1]) != EMPTY)
        {
            if (buckets[bucket << 1] == key)
            {
                return (int)(slotPlusOne - 1);
            }
            bucket = (bucket + 1) & mask;
        }

        if (size == maxKeys)
        {
            return FULL;
        }
        final int slot = size++;
        buckets[bucket << 1] = key;
        buckets[(bucket << 1) + 1] = slot + 1L;
        return slot;
    }

    /**
     * @return the number of keys held.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return the most keys this index can hold.
     */
    public int capacity()
    {
        return maxKeys;
    }
}
