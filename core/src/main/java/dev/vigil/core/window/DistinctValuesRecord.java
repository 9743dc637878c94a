package dev.vigil.core.window;

import dev.vigil.core.state.RecordWords;

/**
 * The logic and record layout of one key's count of distinct values (merchants, countries…) within its newest
 * event-time sliding window, counted exactly up to a cap, kept in a record of keyed state at a native address.
 * <p>
 * Windows are those of {@link SlidingWindowRecord}: time is cut into panes of {@code slideNs}, and the key's newest
 * window is the {@code windowSizeNs} of panes ending with the newest pane it has seen. An event in that window (out
 * of order or not) is counted and answered the number of distinct values seen in the newest window; an older one
 * counts nowhere. For an in-order event that window is its own; for an out-of-order one it is the key's newest, which
 * may hold values seen after it (a table of last sightings cannot tell which values an older window held).
 * <p>
 * The record keeps a table of {@code cap} (value, last seen pane) entries: the values seen most recently. A value
 * already there has its pane refreshed; a new one takes an empty or expired entry, else replaces the entry seen
 * longest ago when it was seen later than that. So the count is exact up to the cap: a live value is only ever left
 * out when {@code cap} values were seen at least as recently, all of them live, and the answer is then the cap.
 * Cost per event: a pass over at most {@code cap} entries; none beyond the first when the key's whole table has
 * expired. Layout: {@code [newest pane, (value, last seen pane) x cap]}, panes biased so a new record's zeros read
 * as "none yet, every entry empty".
 */
public final class DistinctValuesRecord
{
    /** Most entries a table may have: bounds the cost of an event. */
    public static final int MAX_CAP = 64;

    private static final long EMPTY = Long.MIN_VALUE;
    private static final int NEWEST_PANE = 0;
    private static final int FIRST_ENTRY = 1;

    private final long slideNs;
    private final long panesPerWindow;
    private final int words;

    /**
     * @param windowSizeNs window length; a whole multiple of slideNs, at most {@link SlidingWindowRecord#MAX_PANES}
     *                     slides.
     * @param slideNs      pane length, the granularity at which the window slides.
     * @param cap          entries of the table: the count is exact up to this, and this beyond.
     */
    public DistinctValuesRecord(final long windowSizeNs, final long slideNs, final int cap)
    {
        if (slideNs <= 0 || windowSizeNs <= 0 || windowSizeNs % slideNs != 0 ||
            windowSizeNs / slideNs > SlidingWindowRecord.MAX_PANES || cap < 1 || cap > MAX_CAP)
        {
            throw new IllegalArgumentException("windowSizeNs=" + windowSizeNs + " must be a positive multiple of " +
                "slideNs=" + slideNs + " of at most " + SlidingWindowRecord.MAX_PANES + " panes, and cap=" + cap +
                " in [1, " + MAX_CAP + "]");
        }
        this.slideNs = slideNs;
        this.panesPerWindow = windowSizeNs / slideNs;
        this.words = FIRST_ENTRY + 2 * cap;
    }

    private DistinctValuesRecord(final long windowNs, final int cap)
    {
        this.slideNs = 1;
        this.panesPerWindow = windowNs;
        this.words = FIRST_ENTRY + 2 * cap;
    }

    /**
     * A window that slides with every event: the values seen in {@code (newest − windowNs, newest]}, newest being
     * the key's latest event time (panes of one nanosecond). The distinct-merchants rule's.
     *
     * @param windowNs window length, positive.
     * @param cap      entries of the table, in [1, {@link #MAX_CAP}].
     * @return the record's logic.
     */
    public static DistinctValuesRecord slidingWithEveryEvent(final long windowNs, final int cap)
    {
        if (windowNs <= 0 || cap < 1 || cap > MAX_CAP)
        {
            throw new IllegalArgumentException("windowNs=" + windowNs + " must be positive and cap=" + cap +
                " in [1, " + MAX_CAP + "]");
        }
        return new DistinctValuesRecord(windowNs, cap);
    }

    /**
     * @return bytes of one key's record.
     */
    public int stateBytes()
    {
        return words * Long.BYTES;
    }

    /**
     * Count one event's value and answer the distinct values of the key's newest window.
     *
     * @param record      address of the key's record, zero when the key is new.
     * @param eventTimeNs the event's time.
     * @param value       the event's value.
     * @return the distinct values in the key's newest window, at most the cap; -1 when the event is older than that
     * window and counts nowhere.
     */
    public int add(final long record, final long eventTimeNs, final long value)
    {
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        final long previousNewest = RecordWords.getBiased(record, NEWEST_PANE);
        final long newest = Math.max(previousNewest, pane);
        final long oldestLive = newest - panesPerWindow + 1;
        if (pane < oldestLive)
        {
            return -1;
        }
        RecordWords.putBiased(record, NEWEST_PANE, newest);
        if (previousNewest < oldestLive)
        {
            // Every entry was seen at or before the previous newest pane: none is live, nor ever will be again.
            RecordWords.put(record, FIRST_ENTRY, value);
            RecordWords.putBiased(record, FIRST_ENTRY + 1, pane);
            return 1;
        }
        int found = -1;
        int oldest = FIRST_ENTRY;
        long oldestSeen = RecordWords.getBiased(record, FIRST_ENTRY + 1);
        for (int i = FIRST_ENTRY; i < words; i += 2)
        {
            final long seen = RecordWords.getBiased(record, i + 1);
            if (seen != EMPTY && RecordWords.get(record, i) == value)
            {
                found = i;
                break;
            }
            if (seen < oldestSeen)
            {
                oldest = i;
                oldestSeen = seen;
            }
        }
        if (found >= 0)
        {
            RecordWords.putBiased(record, found + 1, Math.max(RecordWords.getBiased(record, found + 1), pane));
        }
        else if (pane > oldestSeen)
        {
            // Empty entries hold EMPTY, the smallest pane, so the oldest entry is an empty one when there is one.
            RecordWords.put(record, oldest, value);
            RecordWords.putBiased(record, oldest + 1, pane);
        }
        int live = 0;
        for (int i = FIRST_ENTRY + 1; i < words; i += 2)
        {
            if (RecordWords.getBiased(record, i) >= oldestLive)
            {
                live++;
            }
        }
        return live;
    }

    /**
     * @param record address of the key's record, after {@link #add} counted an event.
     * @return inclusive start of the key's newest window.
     */
    public long newestWindowStartNs(final long record)
    {
        return (RecordWords.getBiased(record, NEWEST_PANE) - panesPerWindow + 1) * slideNs;
    }

    /**
     * @param record address of the key's record, after {@link #add} counted an event.
     * @return exclusive end of the key's newest window.
     */
    public long newestWindowEndNs(final long record)
    {
        return (RecordWords.getBiased(record, NEWEST_PANE) + 1) * slideNs;
    }
}
