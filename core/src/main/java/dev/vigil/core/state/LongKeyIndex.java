package dev.vigil.core.state;

import org.agrona.collections.Hashing;

import java.util.Arrays;

/**
 * Assigns each distinct long key a dense slot number in {@code [0, maxKeys)} so that per-key state can live in
 * pre-allocated primitive arrays. Open addressing with linear probing over a table at most half full; keys are
 * never removed, and when {@code maxKeys} keys are known a new key gets {@link #FULL} instead of a slot.
 * <p>
 * Not thread safe: owned by the single thread that runs the rules.
 */
public final class LongKeyIndex
{
    /** Returned by {@link #slotFor(long)} when a new key would exceed the capacity. */
    public static final int FULL = -1;

    private static final int EMPTY = -1;

    private final long[] keys;
    private final int[] slotByBucket;
    private final int mask;
    private int size;

    /**
     * @param maxKeys most distinct keys to hold.
     */
    public LongKeyIndex(final int maxKeys)
    {
        if (maxKeys < 1 || maxKeys > (1 << 29))
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " must be in [1, 2^29]");
        }
        final int buckets = Integer.highestOneBit(maxKeys * 2 - 1) << 1;
        keys = new long[maxKeys];
        slotByBucket = new int[buckets];
        Arrays.fill(slotByBucket, EMPTY);
        mask = buckets - 1;
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
        int slot;
        while ((slot = slotByBucket[bucket]) != EMPTY)
        {
            if (keys[slot] == key)
            {
                return slot;
            }
            bucket = (bucket + 1) & mask;
        }

        if (size == keys.length)
        {
            return FULL;
        }
        slot = size++;
        keys[slot] = key;
        slotByBucket[bucket] = slot;
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
        return keys.length;
    }
}
