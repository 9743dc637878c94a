package dev.vigil.core.window;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Test reference: the firing order of {@link KeySlots} as it was built before its heap entries held their due times
 * and keys (each comparison read them through the slots), kept to check that the two order keys identically and
 * leave the same heap array, which snapshots write keys in.
 */
final class ReferenceKeySlots
{
    /** No slot: the key is not held, or no slot is free. */
    static final int NO_SLOT = KeySlots.NO_SLOT;

    private final Long2LongHashMap slotByKey;
    private final long[] keyBySlot;
    private final long[] due;
    private final int[] heapIndex;
    private final int[] nextFree;
    private final int[] heap;
    private int heapSize;
    private int firstFree;
    private int count;

    /**
     * @param maxKeys most keys held at once.
     */
    ReferenceKeySlots(final int maxKeys)
    {
        slotByKey = new Long2LongHashMap(maxKeys * 2, 0.6f, NO_SLOT);
        keyBySlot = new long[maxKeys];
        due = new long[maxKeys];
        heapIndex = new int[maxKeys];
        nextFree = new int[maxKeys];
        heap = new int[maxKeys];
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
            final int moved = heap[--heapSize];
            heapIndex[slot] = NO_SLOT;
            if (index < heapSize)
            {
                heap[index] = moved;
                heapIndex[moved] = index;
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
        return due[slot];
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
        due[slot] = dueTime;
        if (heapIndex[slot] == NO_SLOT)
        {
            heapIndex[slot] = heapSize;
            heap[heapSize++] = slot;
            siftUp(heapIndex[slot]);
        }
        else
        {
            siftDown(siftUp(heapIndex[slot]));
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

    private boolean before(final int a, final int b)
    {
        return due[a] < due[b] || (due[a] == due[b] && keyBySlot[a] < keyBySlot[b]);
    }

    private int siftUp(final int start)
    {
        int index = start;
        final int slot = heap[index];
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            if (!before(slot, heap[parent]))
            {
                break;
            }
            heap[index] = heap[parent];
            heapIndex[heap[index]] = index;
            index = parent;
        }
        heap[index] = slot;
        heapIndex[slot] = index;
        return index;
    }

    private void siftDown(final int start)
    {
        int index = start;
        final int slot = heap[index];
        while (true)
        {
            int child = 2 * index + 1;
            if (child >= heapSize)
            {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child]))
            {
                child++;
            }
            if (!before(heap[child], slot))
            {
                break;
            }
            heap[index] = heap[child];
            heapIndex[heap[index]] = index;
            index = child;
        }
        heap[index] = slot;
        heapIndex[slot] = index;
    }
}
