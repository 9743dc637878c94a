package dev.vigil.core.state;

import org.agrona.collections.Hashing;

import java.util.Arrays;

/**
 * Maps long keys to native addresses (of records in a memory-mapped file) on the heap, so that finding a known key's
 * record costs one probe of this table and no call into the off-heap map that owns the record. Open addressing with
 * linear probing over a table at most half full; each bucket keeps the key and its address side by side in one
 * array, so a probe costs one cache miss. Keys are never removed one by one, only all at once.
 * <p>
 * Not thread safe: owned by the single thread that runs the rules.
 */
public final class LongAddressIndex
{
    /** Returned by {@link #addressOf(long)} for a key not held; no record lives at address 0. */
    public static final long ABSENT = 0;

    private final long[] buckets;
    private final int mask;
    private final int maxKeys;
    private int size;

    /**
     * @param maxKeys most distinct keys to hold.
     */
    public LongAddressIndex(final int maxKeys)
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
     * @param key any long value.
     * @return the address recorded for the key, or {@link #ABSENT}.
     */
    public long addressOf(final long key)
    {
        int bucket = Hashing.hash(key, mask);
        long address;
        while ((address = buckets[(bucket << 1) + 1]) != ABSENT)
        {
            if (buckets[bucket << 1] == key)
            {
                return address;
            }
            bucket = (bucket + 1) & mask;
        }
        return ABSENT;
    }

    /**
     * Load the bucket where a search for the key starts, and nothing more: called for many keys back to back, ahead
     * of their {@link #addressOf}, the cache misses of those loads overlap instead of coming one after the other.
     *
     * @param key any long value.
     * @return the key word of that bucket, only so that the load is kept.
     */
    public long loadHomeBucket(final long key)
    {
        return buckets[Hashing.hash(key, mask) << 1];
    }

    /**
     * Record the address of a key not held yet.
     *
     * @param key     a key that {@link #addressOf} does not find.
     * @param address its record's address, not {@link #ABSENT}.
     * @throws IllegalStateException when the index already holds maxKeys keys.
     */
    public void add(final long key, final long address)
    {
        if (size == maxKeys)
        {
            throw new IllegalStateException("index of " + maxKeys + " keys is full");
        }
        int bucket = Hashing.hash(key, mask);
        while (buckets[(bucket << 1) + 1] != ABSENT)
        {
            bucket = (bucket + 1) & mask;
        }
        buckets[bucket << 1] = key;
        buckets[(bucket << 1) + 1] = address;
        size++;
    }

    /**
     * Forget every key.
     */
    public void clear()
    {
        Arrays.fill(buckets, 0);
        size = 0;
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
