package dev.vigil.core.window;

import static dev.vigil.core.window.KeySlots.NO_SLOT;
import static dev.vigil.core.window.WindowPool.NO_WINDOW;

/**
 * Tumbling and sliding windows, built from panes: time is cut into slide-long panes aligned to epoch 0 plus the
 * offset, an event updates exactly one pane of its key, and a window is the {@code size / slide} panes before its end.
 * So an event costs the same whatever the ratio of size to slide; emitting a window slides the key's {@link PaneRuns
 * run} by one pane, and only a window a late event changed reads its panes.
 * <p>
 * Per key, the windows ending at or before {@code firedUpTo} have fired (or had nothing to fire). A pane stays until
 * every window holding it has fired and the allowed lateness after the last of them has passed.
 */
final class PaneWindows extends KeyedWindows
{
    private final long panesPerWindow;
    private final PaneRuns runs;

    private final long[] firedUpTo;
    /** Per key, its first pane that still has a window to fire, or none. */
    private final int[] firstUnfired;

    PaneWindows(final WindowSpec spec)
    {
        super(spec, PANE_STATE);
        panesPerWindow = spec.sizeNs() / spec.slideNs();
        runs = new PaneRuns(spec.maxKeys(), windows, slideNs, offsetNs, panesPerWindow);
        firedUpTo = new long[spec.maxKeys()];
        firstUnfired = new int[spec.maxKeys()];
    }

    @Override
    public int maxResultsPerEvent()
    {
        return (int)panesPerWindow;
    }

    @Override
    public int onEvent(
        final long engineSeq, final long key, final long eventTimeNs, final long value, final long watermark,
        final WindowSink sink)
    {
        final long pane = Math.floorDiv(eventTimeNs - offsetNs, slideNs);
        if (watermark != SourceWatermarks.NO_WATERMARK && lastEndOf(pane) - 1 + latenessNs <= watermark)
        {
            lateEvents++;
            sink.onLateEvent(engineSeq, windowId, key, eventTimeNs, watermark);
            return LATE;
        }

        final int slot = acquireKey(key);
        if (slot == NO_SLOT)
        {
            stateFullEvents++;
            return STATE_FULL;
        }
        boolean dueMayChange = !keys.isScheduled(slot);
        if (watermark != SourceWatermarks.NO_WATERMARK)
        {
            // Windows of this key ending by the watermark have fired already, or had nothing to fire.
            final long firedEnd = Math.floorDiv(watermark + 1 - offsetNs, slideNs) * slideNs + offsetNs;
            if (firedEnd > firedUpTo[slot])
            {
                firedUpTo[slot] = firedEnd;
                skipFiredPanes(slot);
                dueMayChange = true;
            }
        }

        final int panesBefore = windows.inUse();
        final int window = paneOf(slot, pane);
        if (window == NO_WINDOW)
        {
            releaseKeyIfEmpty(slot);
            stateFullEvents++;
            return STATE_FULL;
        }
        windows.add(window, value);
        runs.onPaneChanged(slot, window);

        // Windows holding this pane that fired already fire again now, with the late event in them.
        long end = (pane + 1) * slideNs + offsetNs;
        for (long i = 0; i < panesPerWindow && end <= firedUpTo[slot]; i++, end += slideNs)
        {
            if (end - 1 + latenessNs > watermark)
            {
                emitAgain(engineSeq, slot, window, end, sink);
            }
        }
        // Another event in an existing pane changes neither the next window to fire nor the next purge.
        if (dueMayChange || windows.inUse() != panesBefore)
        {
            reschedule(slot);
        }
        return ACCEPTED;
    }

    @Override
    void step(final long engineSeq, final int slot, final long watermark, final WindowSink sink)
    {
        // Fire only when that is why the key is due: a purge due earlier must not pull its next window ahead of
        // other keys' windows that end sooner.
        final long end = nextWindowEnd(slot);
        if (end != NO_FIRE && end - 1 <= keys.due(slot))
        {
            emitRun(engineSeq, slot, end, sink);
            firedUpTo[slot] = end;
            skipFiredPanes(slot);
        }
        int window = windows.head(slot);
        while (window != NO_WINDOW)
        {
            final long lastEnd = lastEndOf(windows.start(window));
            if (lastEnd > firedUpTo[slot] || lastEnd - 1 + latenessNs > watermark)
            {
                break;
            }
            final int next = windows.next(window);
            runs.onPaneRemoved(slot, window);
            if (firstUnfired[slot] == window)
            {
                firstUnfired[slot] = next;
            }
            windows.free(slot, window);
            window = next;
        }
    }

    @Override
    long due(final int slot)
    {
        final long end = nextWindowEnd(slot);
        long due = end == NO_FIRE ? NO_FIRE : end - 1;
        final int head = windows.head(slot);
        if (head != NO_WINDOW)
        {
            final long lastEnd = lastEndOf(windows.start(head));
            if (lastEnd <= firedUpTo[slot])
            {
                due = Math.min(due, lastEnd - 1 + latenessNs);
            }
        }
        return due;
    }

    @Override
    void onKeyAdded(final int slot)
    {
        firedUpTo[slot] = Long.MIN_VALUE;
        firstUnfired[slot] = NO_WINDOW;
        runs.reset(slot);
    }

    @Override
    long prefetch(final long key)
    {
        final int slot = keys.slotOf(key);
        return slot == NO_SLOT ? 0 : windows.head(slot) + runs.end(slot);
    }

    @Override
    long firedUpTo(final int slot)
    {
        return firedUpTo[slot];
    }

    @Override
    void onKeyRestored(final int slot, final long firedUpTo)
    {
        this.firedUpTo[slot] = firedUpTo;
        firstUnfired[slot] = windows.head(slot);
        skipFiredPanes(slot);
    }

    private int paneOf(final int slot, final long pane)
    {
        int after = windows.tail(slot);
        while (after != NO_WINDOW && windows.start(after) > pane)
        {
            after = windows.prev(after);
        }
        if (after != NO_WINDOW && windows.start(after) == pane)
        {
            return after;
        }
        final int window = windows.allocate();
        if (window != NO_WINDOW)
        {
            windows.start(window, pane);
            windows.end(window, pane);
            windows.linkAfter(slot, after, window);
            final int unfired = firstUnfired[slot];
            if (lastEndOf(pane) > firedUpTo[slot] && (unfired == NO_WINDOW || pane < windows.start(unfired)))
            {
                firstUnfired[slot] = window;
            }
        }
        return window;
    }

    /**
     * The end of the first window after those already fired that holds a pane of this key: O(1), from the key's first
     * pane that still has a window to fire, however many fired panes allowed lateness keeps before it.
     */
    private long nextWindowEnd(final int slot)
    {
        final int window = firstUnfired[slot];
        if (window == NO_WINDOW)
        {
            return NO_FIRE;
        }
        final long fired = firedUpTo[slot];
        final long firstEnd = (windows.start(window) + 1) * slideNs + offsetNs;
        return firstEnd > fired ? firstEnd : fired + slideNs;
    }

    private void skipFiredPanes(final int slot)
    {
        int window = firstUnfired[slot];
        while (window != NO_WINDOW && lastEndOf(windows.start(window)) <= firedUpTo[slot])
        {
            window = windows.next(window);
        }
        firstUnfired[slot] = window;
    }

    private void emitRun(final long engineSeq, final int slot, final long end, final WindowSink sink)
    {
        runs.moveTo(slot, end);
        if (runs.count(slot) > 0)
        {
            resultsEmitted++;
            sink.onWindowResult(engineSeq, windowId, keys.key(slot), end - sizeNs, end, runs.count(slot),
                runs.sum(slot), runs.min(slot), runs.max(slot), false);
        }
    }

    /** Emits, again, a fired window that a late event changed; {@code within} is a pane of that window. */
    private void emitAgain(
        final long engineSeq, final int slot, final int within, final long end, final WindowSink sink)
    {
        final long lastPane = Math.floorDiv(end - offsetNs, slideNs) - 1;
        final long firstPane = lastPane - panesPerWindow + 1;
        int window = within;
        while (windows.prev(window) != NO_WINDOW && windows.start(windows.prev(window)) >= firstPane)
        {
            window = windows.prev(window);
        }
        long count = 0;
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (; window != NO_WINDOW && windows.start(window) <= lastPane; window = windows.next(window))
        {
            count += windows.count(window);
            sum = saturatingAdd(sum, windows.sum(window));
            min = Math.min(min, windows.min(window));
            max = Math.max(max, windows.max(window));
        }
        resultsEmitted++;
        // The late event is in the window: it was an update when the window held anything before it.
        sink.onWindowResult(engineSeq, windowId, keys.key(slot), end - sizeNs, end, count, sum, min, max, count > 1);
    }

    private long lastEndOf(final long pane)
    {
        return (pane + panesPerWindow) * slideNs + offsetNs;
    }
}
