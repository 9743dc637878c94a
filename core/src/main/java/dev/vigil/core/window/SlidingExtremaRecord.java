package dev.vigil.core.window;

import dev.vigil.core.state.RecordWords;

/**
 * The logic and record layout of one key's event-time sliding minimum (or maximum) of a value, kept in a record of
 * keyed state at a native address; the windows are those of {@link SlidingWindowRecord}, and so is what an
 * out-of-order event is answered: the extremum of its own window over the panes the key's newest window covers
 * (those before it are gone), this event included. An event older than the newest window counts nowhere.
 * <p>
 * Unlike a count, an extremum cannot take an expired pane off a running total, so the answer is worked out from the
 * panes: the record keeps each pane's extremum in a ring with a bit per ring entry marking the live ones, and an
 * answer reads only the live entries (one step per 64 entries plus one per live pane). Layout, in words:
 * {@code [newest pane, base pane, live bitmap (one bit per ring entry), (pane number, pane extremum) x panes]}, pane
 * numbers biased so that a new record's zeros read as "no pane". As in {@link SlidingWindowRecord}, the ring
 * restarts at the event's pane whenever the key's whole window has expired.
 */
public final class SlidingExtremaRecord
{
    private static final long NO_PANE = Long.MIN_VALUE;
    private static final int NEWEST_PANE = 0;
    private static final int BASE_PANE = 1;
    private static final int LIVE_BITMAP = 2;

    private final long windowSizeNs;
    private final long slideNs;
    private final boolean maximum;
    private final int panesPerWindow;
    private final int firstPane;

    /**
     * @param windowSizeNs window length; a whole multiple of slideNs, at most {@link SlidingWindowRecord#MAX_PANES}
     *                     slides.
     * @param slideNs      pane length, the granularity at which the window slides.
     * @param maximum      true for the maximum, false for the minimum.
     */
    public SlidingExtremaRecord(final long windowSizeNs, final long slideNs, final boolean maximum)
    {
        if (slideNs <= 0 || windowSizeNs <= 0 || windowSizeNs % slideNs != 0 ||
            windowSizeNs / slideNs > SlidingWindowRecord.MAX_PANES)
        {
            throw new IllegalArgumentException("windowSizeNs=" + windowSizeNs + " must be a positive multiple of " +
                "slideNs=" + slideNs + " of at most " + SlidingWindowRecord.MAX_PANES + " panes");
        }
        this.windowSizeNs = windowSizeNs;
        this.slideNs = slideNs;
        this.maximum = maximum;
        this.panesPerWindow = (int)(windowSizeNs / slideNs);
        this.firstPane = LIVE_BITMAP + (panesPerWindow + Long.SIZE - 1) / Long.SIZE;
    }

    /**
     * @return bytes of one key's record.
     */
    public int stateBytes()
    {
        return (firstPane + 2 * panesPerWindow) * Long.BYTES;
    }

    /**
     * Take one event's value into its pane.
     *
     * @param record      address of the key's record, zero when the key is new.
     * @param eventTimeNs the event's time.
     * @param value       the event's value.
     * @return false when the event is older than the key's newest window and counts nowhere; then
     * {@link #extremum} means nothing.
     */
    public boolean add(final long record, final long eventTimeNs, final long value)
    {
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final long newestPane = RecordWords.getBiased(record, NEWEST_PANE);
        if (newestPane == NO_PANE || pane > newestPane)
        {
            advanceNewestWindow(record, newestPane, pane);
        }
        else if (pane <= newestPane - panesPerWindow)
        {
            return false;
        }
        final int entry = Math.floorMod(pane - RecordWords.getBiased(record, BASE_PANE), panesPerWindow);
        final int word = firstPane + 2 * entry;
        if (RecordWords.getBiased(record, word) == pane)
        {
            RecordWords.put(record, word + 1, combine(RecordWords.get(record, word + 1), value));
        }
        else
        {
            RecordWords.putBiased(record, word, pane);
            RecordWords.put(record, word + 1, value);
            final int bitmapWord = LIVE_BITMAP + (entry >>> 6);
            RecordWords.put(record, bitmapWord, RecordWords.get(record, bitmapWord) | (1L << entry));
        }
        return true;
    }

    /**
     * @param record      address of the key's record, after {@link #add} took the event.
     * @param eventTimeNs the event's time.
     * @return the extremum of the event's window over the panes the key's newest window covers.
     */
    public long extremum(final long record, final long eventTimeNs)
    {
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final long oldestPane = RecordWords.getBiased(record, NEWEST_PANE) - panesPerWindow + 1;
        long extremum = maximum ? Long.MIN_VALUE : Long.MAX_VALUE;
        for (int bitmapWord = LIVE_BITMAP; bitmapWord < firstPane; bitmapWord++)
        {
            long bits = RecordWords.get(record, bitmapWord);
            final int wordStart = (bitmapWord - LIVE_BITMAP) << 6;
            while (bits != 0)
            {
                final int word = firstPane + 2 * (wordStart + Long.numberOfTrailingZeros(bits));
                final long p = RecordWords.getBiased(record, word);
                if (p >= oldestPane && p <= pane)
                {
                    extremum = combine(extremum, RecordWords.get(record, word + 1));
                }
                bits &= bits - 1;
            }
        }
        return extremum;
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

    private long combine(final long a, final long b)
    {
        return maximum ? Math.max(a, b) : Math.min(a, b);
    }

    /**
     * Slide the key's newest window forward to end at {@code pane}: the entries of the panes that fall out of it
     * lose their live bit (a step per 64 entries), or, when the whole window expired, the ring restarts at the pane.
     */
    private void advanceNewestWindow(final long record, final long newestPane, final long pane)
    {
        if (newestPane == NO_PANE || pane - newestPane >= panesPerWindow)
        {
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
                final int first = Math.floorMod(firstExpired - RecordWords.getBiased(record, BASE_PANE),
                    panesPerWindow);
                final int expiring = (int)(lastExpired - firstExpired + 1);
                final int beforeWrap = Math.min(expiring, panesPerWindow - first);
                clearLiveBits(record, first, first + beforeWrap);
                clearLiveBits(record, 0, expiring - beforeWrap);
            }
        }
        RecordWords.putBiased(record, NEWEST_PANE, pane);
    }

    private void clearLiveBits(final long record, final int from, final int to)
    {
        int entry = from;
        while (entry < to)
        {
            final int bitmapWord = LIVE_BITMAP + (entry >>> 6);
            final int wordEnd = (entry & -Long.SIZE) + Long.SIZE;
            long bits = -1L << entry;
            if (to < wordEnd)
            {
                bits &= (1L << to) - 1;
            }
            RecordWords.put(record, bitmapWord, RecordWords.get(record, bitmapWord) & ~bits);
            entry = wordEnd;
        }
    }
}
