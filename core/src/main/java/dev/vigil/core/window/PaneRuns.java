package dev.vigil.core.window;

import static dev.vigil.core.window.WindowPool.NO_WINDOW;

/**
 * Per key, the aggregate of the pane window fired last — its run — kept so that the next window costs O(1) however
 * many panes a window spans: add the pane that enters, subtract the one that leaves.
 * <p>
 * Min and max cannot be un-added: the run counts its panes at the extreme and reads its panes again when the last of
 * them leaves, as it does after a saturated or overflowing sum. A run keeps the first of its key's panes at or after
 * the window's first pane and the first after its last; the panes in between are in the aggregate. A change to a pane
 * inside the window ends the run; the next window then reads its panes. Allocation-free; single-threaded.
 */
final class PaneRuns
{
    private static final long NO_RUN = Long.MIN_VALUE;

    private final WindowPool panes;
    private final long slideNs;
    private final long offsetNs;
    private final long panesPerWindow;

    private final long[] end;
    private final long[] count;
    private final long[] sum;
    private final long[] min;
    private final long[] max;
    private final int[] panesAtMin;
    private final int[] panesAtMax;
    private final int[] first;
    private final int[] next;
    private final boolean[] rescan;

    /**
     * @param maxKeys        key slots.
     * @param panes          the panes, whose lists the runs follow.
     * @param slideNs        a pane's length.
     * @param offsetNs       where panes start, after epoch 0.
     * @param panesPerWindow panes in a window.
     */
    PaneRuns(
        final int maxKeys, final WindowPool panes, final long slideNs, final long offsetNs, final long panesPerWindow)
    {
        this.panes = panes;
        this.slideNs = slideNs;
        this.offsetNs = offsetNs;
        this.panesPerWindow = panesPerWindow;
        end = new long[maxKeys];
        count = new long[maxKeys];
        sum = new long[maxKeys];
        min = new long[maxKeys];
        max = new long[maxKeys];
        panesAtMin = new int[maxKeys];
        panesAtMax = new int[maxKeys];
        first = new int[maxKeys];
        next = new int[maxKeys];
        rescan = new boolean[maxKeys];
    }

    /**
     * @param slot a key's slot, new: it has no run.
     */
    void reset(final int slot)
    {
        end[slot] = NO_RUN;
    }

    /**
     * @param slot a key's slot.
     * @return the end of its run's window; only to load the word ahead of use.
     */
    long end(final int slot)
    {
        return end[slot];
    }

    /**
     * Make the key's run the aggregate of its window ending at {@code windowEnd}: one slide on from the last, or
     * read from the panes.
     *
     * @param slot      a key's slot.
     * @param windowEnd the end of the window to aggregate.
     */
    void moveTo(final int slot, final long windowEnd)
    {
        if (end[slot] != NO_RUN && windowEnd == end[slot] + slideNs)
        {
            slide(slot);
        }
        else if (end[slot] != windowEnd)
        {
            start(slot, windowEnd);
        }
        if (rescan[slot])
        {
            readPanes(slot);
        }
    }

    long count(final int slot)
    {
        return count[slot];
    }

    long sum(final int slot)
    {
        return sum[slot];
    }

    long min(final int slot)
    {
        return min[slot];
    }

    long max(final int slot)
    {
        return max[slot];
    }

    /**
     * A pane of this key was created or took an event.
     *
     * @param slot the key's slot.
     * @param pane the pane.
     */
    void onPaneChanged(final int slot, final int pane)
    {
        if (end[slot] == NO_RUN)
        {
            return;
        }
        final long number = panes.start(pane);
        final long lastPane = lastPane(slot);
        if (number > lastPane)
        {
            if (next[slot] == NO_WINDOW || number < panes.start(next[slot]))
            {
                next[slot] = pane;
            }
            if (first[slot] == NO_WINDOW || number < panes.start(first[slot]))
            {
                first[slot] = pane;
            }
        }
        else if (number > lastPane - panesPerWindow)
        {
            end[slot] = NO_RUN;
        }
    }

    /**
     * A pane of this key is about to be purged.
     *
     * @param slot the key's slot.
     * @param pane the pane, still in the key's list.
     */
    void onPaneRemoved(final int slot, final int pane)
    {
        if (end[slot] == NO_RUN)
        {
            return;
        }
        final long number = panes.start(pane);
        final long lastPane = lastPane(slot);
        if (pane == first[slot] && number == lastPane - panesPerWindow + 1)
        {
            // The pane leaving at the next slide leaves now.
            subtract(slot, pane);
            first[slot] = panes.next(pane);
        }
        else if (number > lastPane - panesPerWindow && number <= lastPane)
        {
            end[slot] = NO_RUN;
        }
        else
        {
            if (pane == next[slot])
            {
                next[slot] = panes.next(pane);
            }
            if (pane == first[slot])
            {
                first[slot] = panes.next(pane);
            }
        }
    }

    private long lastPane(final int slot)
    {
        return Math.floorDiv(end[slot] - offsetNs, slideNs) - 1;
    }

    private void start(final int slot, final long windowEnd)
    {
        end[slot] = windowEnd;
        final long firstPane = lastPane(slot) - panesPerWindow + 1;
        int pane = panes.head(slot);
        while (pane != NO_WINDOW && panes.start(pane) < firstPane)
        {
            pane = panes.next(pane);
        }
        first[slot] = pane;
        rescan[slot] = true;
    }

    /** Moves the run one slide on: the pane that leaves is subtracted (unless a purge did already), one enters. */
    private void slide(final int slot)
    {
        final long leavingPane = lastPane(slot) - panesPerWindow + 1;
        final int leaving = first[slot];
        if (leaving != NO_WINDOW && leaving != next[slot] && panes.start(leaving) == leavingPane)
        {
            subtract(slot, leaving);
            first[slot] = panes.next(leaving);
        }
        end[slot] += slideNs;
        final int entering = next[slot];
        if (entering != NO_WINDOW && panes.start(entering) == lastPane(slot))
        {
            add(slot, entering);
            next[slot] = panes.next(entering);
        }
    }

    private void add(final int slot, final int pane)
    {
        count[slot] += panes.count(pane);
        sum[slot] = KeyedWindows.saturatingAdd(sum[slot], panes.sum(pane));
        final long paneMin = panes.min(pane);
        if (paneMin < min[slot])
        {
            min[slot] = paneMin;
            panesAtMin[slot] = 1;
        }
        else if (paneMin == min[slot])
        {
            panesAtMin[slot]++;
        }
        final long paneMax = panes.max(pane);
        if (paneMax > max[slot])
        {
            max[slot] = paneMax;
            panesAtMax[slot] = 1;
        }
        else if (paneMax == max[slot])
        {
            panesAtMax[slot]++;
        }
    }

    private void subtract(final int slot, final int pane)
    {
        final long runSum = sum[slot];
        final long paneSum = panes.sum(pane);
        count[slot] -= panes.count(pane);
        sum[slot] = runSum - paneSum;
        final boolean inexact = runSum == Long.MAX_VALUE || runSum == Long.MIN_VALUE ||
            paneSum == Long.MAX_VALUE || paneSum == Long.MIN_VALUE || ((runSum ^ paneSum) & (runSum ^ sum[slot])) < 0;
        final boolean lastAtMin = panes.min(pane) == min[slot] && --panesAtMin[slot] == 0;
        final boolean lastAtMax = panes.max(pane) == max[slot] && --panesAtMax[slot] == 0;
        // The extreme left with its last pane, or a saturated or overflowing sum cannot be un-added: read the panes.
        if (lastAtMin || lastAtMax || inexact)
        {
            rescan[slot] = true;
        }
    }

    private void readPanes(final int slot)
    {
        final long lastPane = lastPane(slot);
        count[slot] = 0;
        sum[slot] = 0;
        min[slot] = Long.MAX_VALUE;
        max[slot] = Long.MIN_VALUE;
        panesAtMin[slot] = 0;
        panesAtMax[slot] = 0;
        int pane = first[slot];
        while (pane != NO_WINDOW && panes.start(pane) <= lastPane)
        {
            add(slot, pane);
            pane = panes.next(pane);
        }
        next[slot] = pane;
        rescan[slot] = false;
    }
}
