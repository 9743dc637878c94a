package dev.vigil.core.window;

/**
 * The windows of one windowed aggregation, in primitive arrays of a fixed size: each is a pane (start and end both
 * the pane's number) or a session (its start and end times), with the count, sum, min and max of its events and a
 * kind's flags. A key's windows form a doubly linked list sorted by start, kept per key slot; unused windows wait on
 * a free list. Allocation-free once constructed; single-threaded.
 */
final class WindowPool
{
    /** No window: the end of a list, or none free. */
    static final int NO_WINDOW = -1;

    private final long[] start;
    private final long[] end;
    private final long[] count;
    private final long[] sum;
    private final long[] min;
    private final long[] max;
    private final byte[] flags;
    private final int[] next;
    private final int[] prev;
    private final int[] head;
    private final int[] tail;
    private int firstFree;
    private int inUse;

    /**
     * @param maxKeys    key slots, for the lists.
     * @param maxWindows windows held at once.
     */
    WindowPool(final int maxKeys, final int maxWindows)
    {
        start = new long[maxWindows];
        end = new long[maxWindows];
        count = new long[maxWindows];
        sum = new long[maxWindows];
        min = new long[maxWindows];
        max = new long[maxWindows];
        flags = new byte[maxWindows];
        next = new int[maxWindows];
        prev = new int[maxWindows];
        head = new int[maxKeys];
        tail = new int[maxKeys];
        clear();
    }

    /**
     * @return windows held.
     */
    int inUse()
    {
        return inUse;
    }

    /**
     * Take an empty window from the free list: no events, no flags, not in a list.
     *
     * @return the window, or {@link #NO_WINDOW} when all are held.
     */
    int allocate()
    {
        final int window = firstFree;
        if (window != NO_WINDOW)
        {
            firstFree = next[window];
            count[window] = 0;
            sum[window] = 0;
            min[window] = Long.MAX_VALUE;
            max[window] = Long.MIN_VALUE;
            flags[window] = 0;
            inUse++;
        }
        return window;
    }

    /**
     * Start a new key's list, empty.
     *
     * @param slot the key's slot.
     */
    void clearList(final int slot)
    {
        head[slot] = NO_WINDOW;
        tail[slot] = NO_WINDOW;
    }

    /**
     * @param slot a key's slot.
     * @return its first window, or {@link #NO_WINDOW} when it has none.
     */
    int head(final int slot)
    {
        return head[slot];
    }

    /**
     * @param slot a key's slot.
     * @return its last window, or {@link #NO_WINDOW} when it has none.
     */
    int tail(final int slot)
    {
        return tail[slot];
    }

    /**
     * @param window a window in a list.
     * @return the window after it, or {@link #NO_WINDOW}.
     */
    int next(final int window)
    {
        return next[window];
    }

    /**
     * @param window a window in a list.
     * @return the window before it, or {@link #NO_WINDOW}.
     */
    int prev(final int window)
    {
        return prev[window];
    }

    /**
     * Put a window in a key's list.
     *
     * @param slot   the key's slot.
     * @param after  the window to follow, or {@link #NO_WINDOW} for the head.
     * @param window an allocated window in no list.
     */
    void linkAfter(final int slot, final int after, final int window)
    {
        final int following = after == NO_WINDOW ? head[slot] : next[after];
        prev[window] = after;
        next[window] = following;
        if (after == NO_WINDOW)
        {
            head[slot] = window;
        }
        else
        {
            next[after] = window;
        }
        if (following == NO_WINDOW)
        {
            tail[slot] = window;
        }
        else
        {
            prev[following] = window;
        }
    }

    /**
     * Take a window out of a key's list and free it.
     *
     * @param slot   the key's slot.
     * @param window a window in that list.
     */
    void free(final int slot, final int window)
    {
        final int before = prev[window];
        final int following = next[window];
        if (before == NO_WINDOW)
        {
            head[slot] = following;
        }
        else
        {
            next[before] = following;
        }
        if (following == NO_WINDOW)
        {
            tail[slot] = before;
        }
        else
        {
            prev[following] = before;
        }
        next[window] = firstFree;
        firstFree = window;
        inUse--;
    }

    long start(final int window)
    {
        return start[window];
    }

    void start(final int window, final long value)
    {
        start[window] = value;
    }

    long end(final int window)
    {
        return end[window];
    }

    void end(final int window, final long value)
    {
        end[window] = value;
    }

    long count(final int window)
    {
        return count[window];
    }

    long sum(final int window)
    {
        return sum[window];
    }

    long min(final int window)
    {
        return min[window];
    }

    long max(final int window)
    {
        return max[window];
    }

    byte flags(final int window)
    {
        return flags[window];
    }

    void flags(final int window, final byte value)
    {
        flags[window] = value;
    }

    /**
     * Add one event's value to a window.
     *
     * @param window the window.
     * @param value  the event's value.
     */
    void add(final int window, final long value)
    {
        count[window]++;
        sum[window] = KeyedWindows.saturatingAdd(sum[window], value);
        min[window] = Math.min(min[window], value);
        max[window] = Math.max(max[window], value);
    }

    /**
     * Add the events of one window to another's.
     *
     * @param target the window that takes them.
     * @param source the window whose events they are; unchanged.
     */
    void combineInto(final int target, final int source)
    {
        count[target] += count[source];
        sum[target] = KeyedWindows.saturatingAdd(sum[target], sum[source]);
        min[target] = Math.min(min[target], min[source]);
        max[target] = Math.max(max[target], max[source]);
    }

    /**
     * Set a window's whole content, as a snapshot holds it.
     */
    void restore(
        final int window, final long startValue, final long endValue, final long countValue, final long sumValue,
        final long minValue, final long maxValue, final byte flagsValue)
    {
        start[window] = startValue;
        end[window] = endValue;
        count[window] = countValue;
        sum[window] = sumValue;
        min[window] = minValue;
        max[window] = maxValue;
        flags[window] = flagsValue;
    }

    /**
     * Free every window. The lists of the key slots are left as they are: each key starts its own with
     * {@link #clearList}.
     */
    void clear()
    {
        for (int i = 0; i < next.length; i++)
        {
            next[i] = i + 1 < next.length ? i + 1 : NO_WINDOW;
        }
        firstFree = 0;
        inUse = 0;
    }
}
