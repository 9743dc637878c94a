package dev.vigil.core.window;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * The keys of one windowed aggregation that hold windows, and the order in which they fire.
 * <p>
 * Each key has a slot, taken from a fixed number with a free list, so that the per-key state of the window kinds can
 * live in primitive arrays indexed by slot. A scheduled slot has an entry in a min-heap ordered by the event time at
 * which its key next needs work — its due time — then by key value, so that keys due together fire in key order
 * whatever order they arrived in. Allocation-free once constructed; single-threaded.
 * <p>
 * Each heap entry holds its due time and key beside its slot, so that a step of a sift compares two children that lie
 * next to each other in one array: with thousands of keys, reading them through the slots instead cost a cache miss
 * per due time and per key, four a level.
 */
final class KeySlots
{
    /** No slot: the key is not held, or no slot is free. */
    static final int NO_SLOT = -1;

    private final Long2LongHashMap slotByKey;
    private final long[] keyBySlot;
    private final int[] heapIndex;
    private final int[] nextFree;
    /** The slot of each heap entry. */
    private final int[] heap;
    /** Each heap entry's due time then key, two words an entry. */
    private final long[] heapOrder;
    private int heapSize;
    private int firstFree;
    private int count;

    /**
     * @param maxKeys most keys held at once.
     */
    KeySlots(final int maxKeys)
    {
        slotByKey = new Long2LongHashMap(maxKeys * 2, 0.6f, NO_SLOT);
        keyBySlot = new long[maxKeys];
        heapIndex = new int[maxKeys];
        nextFree = new int[maxKeys];
        heap = new int[maxKeys];
        heapOrder = new long[2 * maxKeys];
        clear();
    }

    /**
     * @return most keys held at once.
     */
    int capacity()
    {
        return keyBySlot.length;
    }

    /**
     * @return keys held.
     */
    int count()
    {
        return count;
    }

    /**
     * @param key a key's value.
     * @return its slot, or {@link #NO_SLOT} when it is not held.
     */
    int slotOf(final long key)
    {
        return (int)slotByKey.get(key);
    }

    /**
     * Hold a key that is not held: its slot starts unscheduled.
     *
     * @param key a key's value, not held.
     * @return its new slot, or {@link #NO_SLOT} when every slot is taken.
     */
    int add(final long key)
    {
        final int slot = firstFree;
        if (slot != NO_SLOT)
        {
            firstFree = nextFree[slot];
            keyBySlot[slot] = key;
            heapIndex[slot] = NO_SLOT;
            slotByKey.put(key, slot);
            count++;
        }
        return slot;
    }

    /**
     * Let the key go: out of the firing order, its slot free.
     *
     * @param slot a held key's slot.
     */
    void release(final int slot)
    {
        final int index = heapIndex[slot];
        if (index != NO_SLOT)
        {
            final int last = --heapSize;
            heapIndex[slot] = NO_SLOT;
            if (index < heapSize)
            {
                move(last, index);
                siftDown(siftUp(index));
            }
        }
        slotByKey.remove(keyBySlot[slot]);
        nextFree[slot] = firstFree;
        firstFree = slot;
        count--;
    }

    /**
     * @param slot a held key's slot.
     * @return the key's value.
     */
    long key(final int slot)
    {
        return keyBySlot[slot];
    }

    /**
     * @param slot a scheduled key's slot.
     * @return the event time at which the key next needs work.
     */
    long due(final int slot)
    {
        return heapOrder[2 * heapIndex[slot]];
    }

    /**
     * @param slot a held key's slot.
     * @return whether the key is in the firing order.
     */
    boolean isScheduled(final int slot)
    {
        return heapIndex[slot] != NO_SLOT;
    }

    /**
     * Put the key in the firing order at a due time, or move it there.
     *
     * @param slot    a held key's slot.
     * @param dueTime the event time at which the key next needs work.
     */
    void schedule(final int slot, final long dueTime)
    {
        final int index = heapIndex[slot];
        if (index == NO_SLOT)
        {
            final int added = heapSize++;
            heap[added] = slot;
            heapIndex[slot] = added;
            heapOrder[2 * added] = dueTime;
            heapOrder[2 * added + 1] = keyBySlot[slot];
            siftUp(added);
        }
        else
        {
            heapOrder[2 * index] = dueTime;
            siftDown(siftUp(index));
        }
    }

    /**
     * @return the slot of the key due first, ties to the lowest key, or {@link #NO_SLOT} when none is scheduled.
     */
    int first()
    {
        return heapSize > 0 ? heap[0] : NO_SLOT;
    }

    /**
     * @return keys in the firing order.
     */
    int scheduled()
    {
        return heapSize;
    }

    /**
     * Walking the heap's array from 0 visits each parent before its children, so keys scheduled again in that order
     * land where they were.
     *
     * @param index in [0, {@link #scheduled()}).
     * @return the slot at that place of the heap's array.
     */
    int scheduledAt(final int index)
    {
        return heap[index];
    }

    /**
     * Let every key go.
     */
    void clear()
    {
        slotByKey.clear();
        for (int i = 0; i < nextFree.length; i++)
        {
            nextFree[i] = i + 1 < nextFree.length ? i + 1 : NO_SLOT;
        }
        firstFree = 0;
        count = 0;
        Arrays.fill(heapIndex, NO_SLOT);
        heapSize = 0;
    }

    /**
     * @return whether the heap entry at {@code index} comes before an entry of that due time and key.
     */
    private boolean before(final int index, final long dueTime, final long key)
    {
        final long indexDue = heapOrder[2 * index];
        return indexDue < dueTime || (indexDue == dueTime && heapOrder[2 * index + 1] < key);
    }

    /** Put the heap entry at {@code from} at {@code to}. */
    private void move(final int from, final int to)
    {
        final int slot = heap[from];
        heap[to] = slot;
        heapIndex[slot] = to;
        heapOrder[2 * to] = heapOrder[2 * from];
        heapOrder[2 * to + 1] = heapOrder[2 * from + 1];
    }

    private void place(final int index, final int slot, final long dueTime, final long key)
    {
        heap[index] = slot;
        heapIndex[slot] = index;
        heapOrder[2 * index] = dueTime;
        heapOrder[2 * index + 1] = key;
    }

    private int siftUp(final int start)
    {
        int index = start;
        final int slot = heap[index];
        final long dueTime = heapOrder[2 * index];
        final long key = heapOrder[2 * index + 1];
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            final long parentDue = heapOrder[2 * parent];
            if (!(dueTime < parentDue || (dueTime == parentDue && key < heapOrder[2 * parent + 1])))
            {
                break;
            }
            move(parent, index);
            index = parent;
        }
        place(index, slot, dueTime, key);
        return index;
    }

    private void siftDown(final int start)
    {
        int index = start;
        final int slot = heap[index];
        final long dueTime = heapOrder[2 * index];
        final long key = heapOrder[2 * index + 1];
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= heapSize)
            {
                break;
            }
            if (child + 1 < heapSize && before(child + 1, heapOrder[2 * child], heapOrder[2 * child + 1]))
            {
                child++;
            }
            if (!before(child, dueTime, key))
            {
                break;
            }
            move(child, index);
            index = child;
        }
        place(index, slot, dueTime, key);
    }
}
