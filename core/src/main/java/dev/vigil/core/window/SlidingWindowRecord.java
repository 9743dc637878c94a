package dev.vigil.core.window;

import dev.vigil.core.state.RecordWords;

/**
 * The logic and record layout of one key's event-time sliding count (or sum of a weight such as an amount), kept in
 * a record of keyed state at a native address.
 * <p>
 * Time is cut into panes of {@code slideNs}, aligned to epoch 0. The window of an event is the {@code windowSizeNs}
 * long, half-open interval {@code [end - windowSizeNs, end)} whose last pane holds the event, with
 * {@code end = (floor(t / slideNs) + 1) * slideNs}. Events may arrive out of order: an event lands in its own pane
 * as long as that pane is still inside the newest window seen for its key, and its answer is its window's total over
 * the panes that newest window covers (the ring keeps one window of panes, so panes before it are gone).
 * <p>
 * The record keeps one count per pane of a window in a ring plus a running count of its newest window. Layout, in
 * words:
 * {@code [newest pane, newest window count, base pane, live bitmap (one bit per ring entry), (pane number, pane count)
 * x panes]}, pane numbers biased so that a new record's zeros read as "no pane".
 * <p>
 * Sliding the newest window forward takes the panes that fall out of it off the running count. The live bitmap marks
 * the entries that hold a counted pane, so that costs one step per 64 entries plus one per counted pane: O(1)
 * amortised per event whatever the number of panes, and whatever the time between a key's events (a key with one
 * event a minute in a one-hour window of one-second panes steps over no empty pane one by one).
 * <p>
 * Pane p lives at ring entry (p - base pane) mod panes, and the base moves to the event's pane whenever the whole
 * window has expired (always so for a new key): with many keys most events find their key's window expired, and their
 * pane then lands at entry 0, right after the header (within its first 64 bytes for windows of up to 320 panes), not
 * on a cache line of its own anywhere in the ring. An event older
 * than the newest window of its key counts nowhere and {@link #add} answers {@link #LATE}.
 */
public final class SlidingWindowRecord
{
    /** Returned by {@link #add} for an event older than the newest window of its key. */
    public static final long LATE = -2;

    /** Most panes per window. */
    public static final int MAX_PANES = 1024;

    private static final long NO_PANE = Long.MIN_VALUE;
    private static final int NEWEST_PANE = 0;
    private static final int NEWEST_WINDOW_COUNT = 1;
    private static final int BASE_PANE = 2;
    private static final int LIVE_BITMAP = 3;

    private final long windowSizeNs;
    private final long slideNs;
    private final int panesPerWindow;
    private final int firstPane;

    /**
     * @param windowSizeNs window length; a whole multiple of slideNs.
     * @param slideNs      pane length, the granularity at which the window slides.
     */
    public SlidingWindowRecord(final long windowSizeNs, final long slideNs)
    {
        if (slideNs <= 0 || windowSizeNs <= 0 || windowSizeNs % slideNs != 0)
        {
            throw new IllegalArgumentException(
                "windowSizeNs=" + windowSizeNs + " must be a positive multiple of slideNs=" + slideNs);
        }
        final long panes = windowSizeNs / slideNs;
        if (panes > MAX_PANES)
        {
            throw new IllegalArgumentException(
                "windowSizeNs/slideNs=" + panes + " must not exceed " + MAX_PANES + " panes");
        }
        this.windowSizeNs = windowSizeNs;
        this.slideNs = slideNs;
        this.panesPerWindow = (int)panes;
        this.firstPane = LIVE_BITMAP + (this.panesPerWindow + Long.SIZE - 1) / Long.SIZE;
    }

    /**
     * @return bytes of one key's record.
     */
    public int stateBytes()
    {
        return (firstPane + 2 * panesPerWindow) * Long.BYTES;
    }

    /**
     * @return panes per window.
     */
    public int panesPerWindow()
    {
        return panesPerWindow;
    }

    /**
     * @return pane length.
     */
    public long slideNs()
    {
        return slideNs;
    }

    /**
     * Add a weight (1 to count) for one event and return the total of its window, this event included.
     *
     * @param record      address of the key's record, zero when the key is new.
     * @param eventTimeNs the event's time.
     * @param weight      what the event adds, not negative.
     * @return the key's total in the event's window, or {@link #LATE}.
     */
    public long add(final long record, final long eventTimeNs, final long weight)
    {
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final long newestPane = RecordWords.getBiased(record, NEWEST_PANE);
        if (newestPane == NO_PANE || pane > newestPane)
        {
            advanceNewestWindow(record, newestPane, pane);
        }
        else if (pane <= newestPane - panesPerWindow)
        {
            return LATE;
        }

        final int entry = ringEntry(record, pane);
        final int word = firstPane + 2 * entry;
        if (RecordWords.getBiased(record, word) == pane)
        {
            RecordWords.put(record, word + 1, saturatingAdd(RecordWords.get(record, word + 1), weight));
        }
        else
        {
            // The entry held a pane at least a window older than this one, already expired from the running count.
            RecordWords.putBiased(record, word, pane);
            RecordWords.put(record, word + 1, weight);
            final int bitmapWord = LIVE_BITMAP + (entry >>> 6);
            RecordWords.put(record, bitmapWord, RecordWords.get(record, bitmapWord) | (1L << entry));
        }
        final long newestWindowCount = saturatingAdd(RecordWords.get(record, NEWEST_WINDOW_COUNT), weight);
        RecordWords.put(record, NEWEST_WINDOW_COUNT, newestWindowCount);

        return pane == RecordWords.getBiased(record, NEWEST_PANE) ?
            newestWindowCount : countWindowEndingAt(record, pane);
    }

    /**
     * The total an event at this time would find in its window, without adding it or changing anything: the window
     * slides on only when something is added.
     *
     * @param record      address of the key's record, zero when the key is new.
     * @param eventTimeNs the time asked about.
     * @return the key's total in the window ending with that time's pane, or {@link #LATE} when the pane is older
     * than the newest window.
     */
    public long total(final long record, final long eventTimeNs)
    {
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final long newestPane = RecordWords.getBiased(record, NEWEST_PANE);
        if (newestPane == NO_PANE)
        {
            return 0;
        }
        if (pane <= newestPane - panesPerWindow)
        {
            return LATE;
        }
        if (pane == newestPane)
        {
            return RecordWords.get(record, NEWEST_WINDOW_COUNT);
        }
        return countWindow(record, Math.max(newestPane, pane) - panesPerWindow + 1, pane);
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
     * running count: only the entries the live bitmap marks are read.
     */
    private void advanceNewestWindow(final long record, final long newestPane, final long pane)
    {
        if (newestPane == NO_PANE || pane - newestPane >= panesPerWindow)
        {
            // Every entry has expired: none needs reading, and the ring may start anew at this pane.
            RecordWords.put(record, NEWEST_WINDOW_COUNT, 0);
            RecordWords.putBiased(record, BASE_PANE, pane);
            for (int word = LIVE_BITMAP; word < firstPane; word++)
            {
                RecordWords.put(record, word, 0);
            }
        }
        else
        {
            final long firstExpired = newestPane - panesPerWindow + 1;
            final long lastExpired = pane - panesPerWindow;
            if (firstExpired <= lastExpired)
            {
                final int first = ringEntry(record, firstExpired);
                final int expiring = (int)(lastExpired - firstExpired + 1);
                final int beforeWrap = Math.min(expiring, panesPerWindow - first);
                long count = RecordWords.get(record, NEWEST_WINDOW_COUNT);
                count -= expireEntries(record, first, first + beforeWrap, firstExpired, lastExpired);
                count -= expireEntries(record, 0, expiring - beforeWrap, firstExpired, lastExpired);
                RecordWords.put(record, NEWEST_WINDOW_COUNT, Math.max(0, count));
            }
        }
        RecordWords.putBiased(record, NEWEST_PANE, pane);
    }

    /**
     * Clear the live bits of ring entries {@code [from, to)} and total the counts of those that held a pane in
     * {@code [firstExpired, lastExpired]}: a step per 64 entries, plus one per live entry.
     */
    private long expireEntries(
        final long record, final int from, final int to, final long firstExpired, final long lastExpired)
    {
        long expired = 0;
        int entry = from;
        while (entry < to)
        {
            final int bitmapWord = LIVE_BITMAP + (entry >>> 6);
            final int wordEnd = (entry & -Long.SIZE) + Long.SIZE;
            long bits = RecordWords.get(record, bitmapWord) & (-1L << entry);
            if (to < wordEnd)
            {
                bits &= (1L << to) - 1;
            }
            RecordWords.put(record, bitmapWord, RecordWords.get(record, bitmapWord) & ~bits);
            final int wordStart = entry & -Long.SIZE;
            while (bits != 0)
            {
                final int word = firstPane + 2 * (wordStart + Long.numberOfTrailingZeros(bits));
                final long p = RecordWords.getBiased(record, word);
                if (p >= firstExpired && p <= lastExpired)
                {
                    expired += RecordWords.get(record, word + 1);
                }
                bits &= bits - 1;
            }
            entry = wordEnd;
        }
        return expired;
    }

    /**
     * Count of an out-of-order event's own window, which ends before the key's newest one, over the panes the newest
     * window still covers: a pass over the panes. Older panes of its window are not counted, even where their entry
     * survives, so that the answer depends only on the events and not on which entries newer panes reused.
     */
    private long countWindowEndingAt(final long record, final long pane)
    {
        return countWindow(record, RecordWords.getBiased(record, NEWEST_PANE) - panesPerWindow + 1, pane);
    }

    /**
     * The counts of the ring's entries whose panes lie in {@code [oldestPane, pane]}.
     */
    private long countWindow(final long record, final long oldestPane, final long pane)
    {
        long count = 0;
        for (int word = firstPane, end = firstPane + 2 * panesPerWindow; word < end; word += 2)
        {
            final long p = RecordWords.getBiased(record, word);
            if (p >= oldestPane && p <= pane)
            {
                count = saturatingAdd(count, RecordWords.get(record, word + 1));
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

    private int ringEntry(final long record, final long pane)
    {
        return Math.floorMod(pane - RecordWords.getBiased(record, BASE_PANE), panesPerWindow);
    }
}
