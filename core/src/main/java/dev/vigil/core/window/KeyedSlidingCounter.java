package dev.vigil.core.window;

import dev.vigil.core.state.LongKeyIndex;
import dev.vigil.core.state.StateIo;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Counts events — or sums a weight such as an amount — per key over an event-time sliding window built from panes.
 * <p>
 * Time is cut into panes of {@code slideNs}, aligned to epoch 0. The window of an event is the {@code windowSizeNs}
 * long, half-open interval {@code [end - windowSizeNs, end)} whose last pane holds the event, with
 * {@code end = (floor(t / slideNs) + 1) * slideNs}. Each key keeps one count per pane of a window in a ring indexed
 * by pane number plus a running count of its newest window, so an in-order event costs one hash lookup and O(1)
 * amortised work whatever the number of panes, and nothing is allocated.
 * <p>
 * Events may arrive out of order: an event lands in its own pane as long as that pane is still inside the newest
 * window seen for its key, and its answer is its window's total over the panes that newest window covers (the ring
 * keeps one window of panes, so panes before it are gone). An older event is outside anything this counter still
 * remembers: it counts nowhere and {@link #add} answers {@link #LATE}, the same for every such event whatever the
 * pane ring holds.
 */
public final class KeyedSlidingCounter
{
    /** Returned by {@link #add(long, long)} when the key is new and the state is full. */
    public static final long STATE_FULL = -1;

    /** Returned by {@link #add(long, long)} for an event older than the newest window of its key. */
    public static final long LATE = -2;

    private static final long NO_PANE = Long.MIN_VALUE;
    private static final int NEWEST_PANE = 0;
    private static final int NEWEST_WINDOW_COUNT = 1;
    private static final int FIRST_PANE = 2;

    private final LongKeyIndex keyIndex;
    private final long windowSizeNs;
    private final long slideNs;
    private final int panesPerWindow;
    private final int stride;

    /**
     * All per-key state in one array, each key's in one run so that an event touches as few cache lines as
     * possible: {@code [newest pane, newest window count, (pane number, pane count) x panesPerWindow]}.
     */
    private final long[] state;

    /**
     * @param maxKeys      most distinct keys to track.
     * @param windowSizeNs window length; a whole multiple of slideNs.
     * @param slideNs      pane length, the granularity at which the window slides.
     */
    public KeyedSlidingCounter(final int maxKeys, final long windowSizeNs, final long slideNs)
    {
        if (slideNs <= 0 || windowSizeNs <= 0 || windowSizeNs % slideNs != 0)
        {
            throw new IllegalArgumentException(
                "windowSizeNs=" + windowSizeNs + " must be a positive multiple of slideNs=" + slideNs);
        }
        final long panes = windowSizeNs / slideNs;
        if (panes > 1024)
        {
            throw new IllegalArgumentException("windowSizeNs/slideNs=" + panes + " must not exceed 1024 panes");
        }
        this.keyIndex = new LongKeyIndex(maxKeys);
        this.windowSizeNs = windowSizeNs;
        this.slideNs = slideNs;
        this.panesPerWindow = (int)panes;
        this.stride = FIRST_PANE + 2 * panesPerWindow;
        final long length = (long)maxKeys * stride;
        if (length > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " with " + panes + " panes per window needs " +
                length * Long.BYTES + " bytes of state, more than one array holds; use fewer keys or panes");
        }
        this.state = new long[(int)length];
        for (int base = 0; base < state.length; base += stride)
        {
            state[base + NEWEST_PANE] = NO_PANE;
            for (int i = base + FIRST_PANE; i < base + stride; i += 2)
            {
                state[i] = NO_PANE;
            }
        }
    }

    /**
     * Count one event and return the count of its window, this event included.
     *
     * @param key         the key, e.g. an account id.
     * @param eventTimeNs the event's time.
     * @return events of this key in the event's window, {@link #LATE} or {@link #STATE_FULL}.
     */
    public long add(final long key, final long eventTimeNs)
    {
        return add(key, eventTimeNs, 1);
    }

    /**
     * Add a weight (e.g. an amount) for one event and return the total of its window, this event included: a
     * sliding-window sum, of which a count is the case of weight 1.
     *
     * @param key         the key, e.g. an account id.
     * @param eventTimeNs the event's time.
     * @param weight      what the event adds, not negative.
     * @return the key's total in the event's window, {@link #LATE} or {@link #STATE_FULL}.
     */
    public long add(final long key, final long eventTimeNs, final long weight)
    {
        final int slot = keyIndex.slotFor(key);
        if (slot == LongKeyIndex.FULL)
        {
            return STATE_FULL;
        }

        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final int base = slot * stride;
        final long newestPane = state[base + NEWEST_PANE];
        if (newestPane == NO_PANE || pane > newestPane)
        {
            advanceNewestWindow(base, newestPane, pane);
        }
        else if (pane <= newestPane - panesPerWindow)
        {
            return LATE;
        }

        final int index = paneIndex(base, pane);
        if (state[index] == pane)
        {
            state[index + 1] = saturatingAdd(state[index + 1], weight);
        }
        else
        {
            // The entry held a pane at least a window older than this one, already expired from the running count.
            state[index] = pane;
            state[index + 1] = weight;
        }
        final long newestWindowCount =
            state[base + NEWEST_WINDOW_COUNT] = saturatingAdd(state[base + NEWEST_WINDOW_COUNT], weight);

        return pane == state[base + NEWEST_PANE] ? newestWindowCount : countWindowEndingAt(base, pane);
    }

    /**
     * @param eventTimeNs an event time.
     * @return inclusive start of the window holding that event.
     */
    public long windowStartNs(final long eventTimeNs)
    {
        return windowEndNs(eventTimeNs) - windowSizeNs;
    }

    /**
     * @param eventTimeNs an event time.
     * @return exclusive end of the window holding that event.
     */
    public long windowEndNs(final long eventTimeNs)
    {
        return (Math.floorDiv(eventTimeNs, slideNs) + 1) * slideNs;
    }

    /**
     * Slide the key's newest window forward to end at {@code pane}, taking the panes that fall out of it off the
     * running count. Each pane is added once and expired once, so this is O(1) amortised per event.
     */
    private void advanceNewestWindow(final int base, final long newestPane, final long pane)
    {
        if (newestPane == NO_PANE || pane - newestPane >= panesPerWindow)
        {
            state[base + NEWEST_WINDOW_COUNT] = 0;
        }
        else
        {
            long count = state[base + NEWEST_WINDOW_COUNT];
            final long lastExpired = pane - panesPerWindow;
            for (long expired = newestPane - panesPerWindow + 1; expired <= lastExpired; expired++)
            {
                final int index = paneIndex(base, expired);
                if (state[index] == expired)
                {
                    count -= state[index + 1];
                }
            }
            state[base + NEWEST_WINDOW_COUNT] = Math.max(0, count);
        }
        state[base + NEWEST_PANE] = pane;
    }

    /**
     * Count of an out-of-order event's own window, which ends before the key's newest one, over the panes the newest
     * window still covers: a pass over the panes. Older panes of its window are not counted, even where their entry
     * survives, so that the answer depends only on the events and not on which entries newer panes reused.
     */
    private long countWindowEndingAt(final int base, final long pane)
    {
        final long oldestPane = state[base + NEWEST_PANE] - panesPerWindow + 1;
        long count = 0;
        for (int i = base + FIRST_PANE, end = base + stride; i < end; i += 2)
        {
            final long p = state[i];
            if (p >= oldestPane && p <= pane)
            {
                count = saturatingAdd(count, state[i + 1]);
            }
        }
        return count;
    }

    /**
     * Totals stop at {@code Long.MAX_VALUE} instead of wrapping to negative values, which would read as result
     * codes; a saturated window stays far above any limit until its panes expire.
     */
    private static long saturatingAdd(final long total, final long weight)
    {
        final long sum = total + weight;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private int paneIndex(final int base, final long pane)
    {
        return base + FIRST_PANE + 2 * (int)Math.floorMod(pane, (long)panesPerWindow);
    }

    /**
     * @return distinct keys tracked.
     */
    public int keyCount()
    {
        return keyIndex.size();
    }

    /**
     * @return most distinct keys this counter can track.
     */
    public int keyCapacity()
    {
        return keyIndex.capacity();
    }

    /**
     * @param out where to write the keys and every key's panes.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeLong(slideNs);
        out.writeInt(panesPerWindow);
        keyIndex.writeTo(out);
        final int used = keyIndex.size() * stride;
        out.writeInt(used);
        StateIo.writeLongs(out, state, used);
    }

    /**
     * Replace the contents with those written by {@link #writeTo} of a counter with the same window and capacity.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the window or capacity differ.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final long writtenSlideNs = in.readLong();
        final int writtenPanes = in.readInt();
        if (writtenSlideNs != slideNs || writtenPanes != panesPerWindow)
        {
            throw new IOException("window of " + writtenPanes + " panes of " + writtenSlideNs +
                " ns does not fit one of " + panesPerWindow + " panes of " + slideNs + " ns");
        }
        keyIndex.readFrom(in);
        final int used = in.readInt();
        if (used != keyIndex.size() * stride)
        {
            throw new IOException("sliding counter state of " + used + " values for " + keyIndex.size() + " keys");
        }
        StateIo.readLongs(in, state, used);
    }
}
