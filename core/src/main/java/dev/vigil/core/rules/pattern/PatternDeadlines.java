package dev.vigil.core.rules.pattern;

import org.agrona.collections.Long2LongHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The keys of a pattern with an absence after its last step that have a match to judge, each at the watermark it
 * waits for: a binary min-heap of (due, key), ties broken by key so that the order, and what a snapshot holds,
 * depend on nothing but the input. A key is in it at most once, at its earliest due time. Sized once; nothing
 * allocated after.
 */
public final class PatternDeadlines
{
    private static final long ABSENT = -1;

    private final long[] dues;
    private final long[] keys;
    private final Long2LongHashMap indexOfKey;
    private int size;

    /**
     * @param capacity most keys waiting at once: the rule's most keys.
     */
    public PatternDeadlines(final int capacity)
    {
        dues = new long[capacity];
        keys = new long[capacity];
        // Sized so that it never grows (nor allocates) once built: capacity entries at most, below its load factor.
        indexOfKey = new Long2LongHashMap((int)Math.min(1 << 30, Math.max(16, capacity * 2L)), 0.65f, ABSENT);
    }

    /**
     * Make the key wait until {@code dueNs} unless it already waits for an earlier time.
     *
     * @param key   the key.
     * @param dueNs the watermark it waits for.
     * @return false when the key is new and every place is taken.
     */
    public boolean schedule(final long key, final long dueNs)
    {
        final long index = indexOfKey.get(key);
        if (index != ABSENT)
        {
            if (dueNs < dues[(int)index])
            {
                dues[(int)index] = dueNs;
                siftUp((int)index);
            }
            return true;
        }
        if (size == dues.length)
        {
            return false;
        }
        final int at = size++;
        dues[at] = dueNs;
        keys[at] = key;
        indexOfKey.put(key, at);
        siftUp(at);
        return true;
    }

    /**
     * @return the earliest due time, {@code Long.MAX_VALUE} when no key waits.
     */
    public long firstDueNs()
    {
        return size == 0 ? Long.MAX_VALUE : dues[0];
    }

    /**
     * Take the key that waits for the earliest time; call only when one waits.
     *
     * @return that key.
     */
    public long poll()
    {
        final long key = keys[0];
        indexOfKey.remove(key);
        size--;
        if (size > 0)
        {
            place(0, dues[size], keys[size]);
            siftDown(0);
        }
        return key;
    }

    /**
     * @return keys waiting.
     */
    public int size()
    {
        return size;
    }

    /**
     * @param out where the waiting keys go, in heap order.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(size);
        for (int i = 0; i < size; i++)
        {
            out.writeLong(dues[i]);
            out.writeLong(keys[i]);
        }
    }

    /**
     * Replace what waits with what {@link #writeTo} wrote.
     *
     * @param in where to read.
     * @throws IOException when reading fails or more keys wait than fit.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final int count = in.readInt();
        if (count < 0 || count > dues.length)
        {
            throw new IOException(count + " keys waiting for an absence, more than " + dues.length);
        }
        clear();
        for (int i = 0; i < count; i++)
        {
            final long due = in.readLong();
            schedule(in.readLong(), due);
        }
    }

    /**
     * Forget every key.
     */
    public void clear()
    {
        indexOfKey.clear();
        size = 0;
    }

    private boolean before(final int a, final int b)
    {
        return dues[a] < dues[b] || (dues[a] == dues[b] && keys[a] < keys[b]);
    }

    private void place(final int index, final long due, final long key)
    {
        dues[index] = due;
        keys[index] = key;
        indexOfKey.put(key, index);
    }

    private void swap(final int a, final int b)
    {
        final long due = dues[a];
        final long key = keys[a];
        place(a, dues[b], keys[b]);
        place(b, due, key);
    }

    private void siftUp(final int start)
    {
        int index = start;
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (!before(index, parent))
            {
                return;
            }
            swap(index, parent);
            index = parent;
        }
    }

    private void siftDown(final int start)
    {
        int index = start;
        while (true)
        {
            final int left = 2 * index + 1;
            if (left >= size)
            {
                return;
            }
            final int right = left + 1;
            final int smaller = right < size && before(right, left) ? right : left;
            if (!before(smaller, index))
            {
                return;
            }
            swap(index, smaller);
            index = smaller;
        }
    }
}
