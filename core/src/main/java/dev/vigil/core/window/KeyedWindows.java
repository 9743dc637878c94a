package dev.vigil.core.window;

import org.agrona.collections.Long2LongHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The state and firing of one windowed aggregation over every key, in event time (DESIGN §5, Flink's model).
 * <p>
 * Tumbling and sliding windows share panes: time is cut into slide-long panes aligned to epoch 0 plus the offset, an
 * event updates exactly one pane of its key, and a window is the {@code size / slide} panes before its end. So an
 * event costs the same whatever the ratio of size to slide; only emitting a window reads its panes. Session windows
 * are kept per key as a sorted list of disjoint sessions, merged as events bridge them.
 * <p>
 * Each key with state has one entry in a min-heap ordered by the event time at which it next needs work — its next
 * window to fire or its oldest window to purge — then by key value, so that when the watermark advances windows
 * fire in order of their end, ties broken by key, whatever the order keys arrived in. A window fires when the
 * watermark reaches {@code end - 1}; it is purged when the watermark reaches {@code end - 1 + allowed lateness}.
 * An event whose windows have all been purged goes to the late output; one that lands in a window that already fired
 * makes that window fire again at once, marked as an update.
 * <p>
 * Keys, panes and sessions live in pre-allocated primitive arrays sized from the spec (free lists, no allocation once
 * constructed). When they are full the event is not aggregated and is counted. Single-threaded.
 */
public final class KeyedWindows
{
    /** The event was aggregated. */
    public static final int ACCEPTED = 0;
    /** The event was behind every window that could take it: sent to the late output. */
    public static final int LATE = 1;
    /** The keys or windows are at capacity: the event was not aggregated. */
    public static final int STATE_FULL = 2;

    private static final int NONE = -1;
    private static final long NO_FIRE = Long.MAX_VALUE;
    private static final long NO_RUN = Long.MIN_VALUE;
    private static final byte FIRED = 1;
    private static final byte SUPERSEDES = 2;

    private final int windowId;
    private final boolean sessions;
    private final long sizeNs;
    private final long slideNs;
    private final long offsetNs;
    private final long latenessNs;
    private final long panesPerWindow;

    private final Long2LongHashMap slotByKey;
    private final long[] keyValue;
    private final long[] keyDue;
    private final long[] keyFiredUpTo;
    private final int[] keyHead;
    private final int[] keyTail;
    private final int[] keyHeapIndex;
    private final int[] keyUnfired;
    private final int[] nextFreeKey;

    // Per key, the aggregate of the sliding window fired last, kept so that the next one costs O(1): add the pane
    // that enters, subtract the one that leaves. runFirst is the first pane at or after the window's first pane,
    // runNext the first pane after its last; panes in between are in the aggregate.
    private final long[] runEnd;
    private final long[] runCount;
    private final long[] runSum;
    private final long[] runMin;
    private final long[] runMax;
    private final int[] runPanesAtMin;
    private final int[] runPanesAtMax;
    private final int[] runFirst;
    private final int[] runNext;
    private final boolean[] runRescan;
    private int freeKeys;
    private int keyCount;

    // A window is a pane (start = pane number) or a session (start, end).
    private final long[] windowStart;
    private final long[] windowEnd;
    private final long[] windowCount;
    private final long[] windowSum;
    private final long[] windowMin;
    private final long[] windowMax;
    private final byte[] windowFlags;
    private final int[] windowNext;
    private final int[] windowPrev;
    private int freeWindows;
    private int windowsInUse;

    private final int[] heap;
    private int heapSize;

    private long lateEvents;
    private long stateFullEvents;
    private long resultsEmitted;

    private long aggCount;
    private long aggSum;
    private long aggMin;
    private long aggMax;

    /**
     * @param spec what to aggregate and how.
     */
    public KeyedWindows(final WindowSpec spec)
    {
        this.windowId = spec.id();
        this.sessions = spec.kind() == WindowKind.SESSION;
        this.sizeNs = spec.sizeNs();
        this.slideNs = spec.slideNs();
        this.offsetNs = spec.offsetNs();
        this.latenessNs = spec.allowedLatenessNs();
        this.panesPerWindow = spec.sizeNs() / spec.slideNs();

        final int maxKeys = spec.maxKeys();
        this.slotByKey = new Long2LongHashMap(maxKeys * 2, 0.6f, NONE);
        this.keyValue = new long[maxKeys];
        this.keyDue = new long[maxKeys];
        this.keyFiredUpTo = new long[maxKeys];
        this.keyHead = new int[maxKeys];
        this.keyTail = new int[maxKeys];
        this.keyHeapIndex = new int[maxKeys];
        this.keyUnfired = new int[maxKeys];
        this.nextFreeKey = new int[maxKeys];
        this.heap = new int[maxKeys];
        this.runEnd = new long[maxKeys];
        this.runCount = new long[maxKeys];
        this.runSum = new long[maxKeys];
        this.runMin = new long[maxKeys];
        this.runMax = new long[maxKeys];
        this.runPanesAtMin = new int[maxKeys];
        this.runPanesAtMax = new int[maxKeys];
        this.runFirst = new int[maxKeys];
        this.runNext = new int[maxKeys];
        this.runRescan = new boolean[maxKeys];

        final int maxWindows = spec.maxWindows();
        this.windowStart = new long[maxWindows];
        this.windowEnd = new long[maxWindows];
        this.windowCount = new long[maxWindows];
        this.windowSum = new long[maxWindows];
        this.windowMin = new long[maxWindows];
        this.windowMax = new long[maxWindows];
        this.windowFlags = new byte[maxWindows];
        this.windowNext = new int[maxWindows];
        this.windowPrev = new int[maxWindows];
        clear();
    }

    /**
     * Aggregate one event, judged against the watermark produced by the events before it.
     *
     * @param engineSeq   the input, for what this emits.
     * @param key         the key's value.
     * @param eventTimeNs the event's time.
     * @param value       the aggregated field.
     * @param watermark   the watermark before this event.
     * @param sink        where immediate updates and late events go.
     * @return {@link #ACCEPTED}, {@link #LATE} or {@link #STATE_FULL}.
     */
    public int onEvent(
        final long engineSeq, final long key, final long eventTimeNs, final long value, final long watermark,
        final WindowSink sink)
    {
        return sessions ?
            onSessionEvent(engineSeq, key, eventTimeNs, value, watermark, sink) :
            onPaneEvent(engineSeq, key, eventTimeNs, value, watermark, sink);
    }

    /**
     * Fire and purge every window the new watermark has reached, in order of window end then key.
     *
     * @param engineSeq the input that moved the watermark.
     * @param watermark the new watermark.
     * @param sink      where results go.
     */
    public void advance(final long engineSeq, final long watermark, final WindowSink sink)
    {
        advance(engineSeq, watermark, sink, Long.MAX_VALUE);
    }

    /**
     * As {@link #advance(long, long, WindowSink)}, emitting at most {@code maxResults} results: a key's step emits
     * at most one, so the firing stops before the step that would emit one too many, and the heap keeps where it
     * stopped. Called again with the same watermark, it goes on from there, and the results come out in the same
     * order as from one call.
     *
     * @param engineSeq  the input that moved the watermark.
     * @param watermark  the new watermark.
     * @param sink       where results go.
     * @param maxResults most results to emit now.
     * @return true when every window the watermark reached has fired and been purged.
     */
    public boolean advance(final long engineSeq, final long watermark, final WindowSink sink, final long maxResults)
    {
        final long limit = maxResults >= Long.MAX_VALUE - resultsEmitted ? Long.MAX_VALUE : resultsEmitted + maxResults;
        while (heapSize > 0)
        {
            final int slot = heap[0];
            if (keyDue[slot] > watermark)
            {
                break;
            }
            if (resultsEmitted >= limit)
            {
                return false;
            }
            if (sessions)
            {
                stepSessions(engineSeq, slot, watermark, sink);
            }
            else
            {
                stepPanes(engineSeq, slot, watermark, sink);
            }
            reschedule(slot);
        }
        return true;
    }

    /**
     * @return the most results and late events one event can make this aggregation emit before the watermark
     * moves: a late event re-fires every fired window of its pane, or is reported late.
     */
    public int maxResultsPerEvent()
    {
        return sessions ? 1 : (int)panesPerWindow;
    }

    private int onPaneEvent(
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
        if (slot == NONE)
        {
            stateFullEvents++;
            return STATE_FULL;
        }
        boolean dueMayChange = keyHeapIndex[slot] == NONE;
        if (watermark != SourceWatermarks.NO_WATERMARK)
        {
            // Windows of this key ending by the watermark have fired already, or had nothing to fire.
            final long firedEnd = Math.floorDiv(watermark + 1 - offsetNs, slideNs) * slideNs + offsetNs;
            if (firedEnd > keyFiredUpTo[slot])
            {
                keyFiredUpTo[slot] = firedEnd;
                skipFiredPanes(slot);
                dueMayChange = true;
            }
        }

        final int panesBefore = windowsInUse;
        final int window = paneOf(slot, pane);
        if (window == NONE)
        {
            releaseKeyIfEmpty(slot);
            stateFullEvents++;
            return STATE_FULL;
        }
        addValue(window, value);
        runOnPaneChanged(slot, window);

        // Windows holding this pane that fired already fire again now, with the late event in them.
        long end = (pane + 1) * slideNs + offsetNs;
        for (long i = 0; i < panesPerWindow && end <= keyFiredUpTo[slot]; i++, end += slideNs)
        {
            if (end - 1 + latenessNs > watermark)
            {
                emitPaneWindow(engineSeq, slot, window, end, sink);
            }
        }
        // Another event in an existing pane changes neither the next window to fire nor the next purge.
        if (dueMayChange || windowsInUse != panesBefore)
        {
            reschedule(slot);
        }
        return ACCEPTED;
    }

    private int paneOf(final int slot, final long pane)
    {
        int after = keyTail[slot];
        while (after != NONE && windowStart[after] > pane)
        {
            after = windowPrev[after];
        }
        if (after != NONE && windowStart[after] == pane)
        {
            return after;
        }
        final int window = allocateWindow();
        if (window != NONE)
        {
            windowStart[window] = pane;
            windowEnd[window] = pane;
            linkAfter(slot, after, window);
            final int unfired = keyUnfired[slot];
            if (lastEndOf(pane) > keyFiredUpTo[slot] && (unfired == NONE || pane < windowStart[unfired]))
            {
                keyUnfired[slot] = window;
            }
        }
        return window;
    }

    private void stepPanes(final long engineSeq, final int slot, final long watermark, final WindowSink sink)
    {
        // Fire only when that is why the key is due: a purge due earlier must not pull its next window ahead of
        // other keys' windows that end sooner.
        final long end = nextPaneWindowEnd(slot);
        if (end != NO_FIRE && end - 1 <= keyDue[slot])
        {
            emitRun(engineSeq, slot, end, sink);
            keyFiredUpTo[slot] = end;
            skipFiredPanes(slot);
        }
        int window = keyHead[slot];
        while (window != NONE)
        {
            final long lastEnd = lastEndOf(windowStart[window]);
            if (lastEnd > keyFiredUpTo[slot] || lastEnd - 1 + latenessNs > watermark)
            {
                break;
            }
            final int next = windowNext[window];
            runOnPaneRemoved(slot, window);
            unlink(slot, window);
            window = next;
        }
    }

    private long paneDue(final int slot)
    {
        final long end = nextPaneWindowEnd(slot);
        long due = end == NO_FIRE ? NO_FIRE : end - 1;
        final int head = keyHead[slot];
        if (head != NONE)
        {
            final long lastEnd = lastEndOf(windowStart[head]);
            if (lastEnd <= keyFiredUpTo[slot])
            {
                due = Math.min(due, lastEnd - 1 + latenessNs);
            }
        }
        return due;
    }

    /**
     * The end of the first window after those already fired that holds a pane of this key: O(1), from the key's first
     * pane that still has a window to fire, however many fired panes allowed lateness keeps before it.
     */
    private long nextPaneWindowEnd(final int slot)
    {
        final int window = keyUnfired[slot];
        if (window == NONE)
        {
            return NO_FIRE;
        }
        final long firedUpTo = keyFiredUpTo[slot];
        final long firstEnd = (windowStart[window] + 1) * slideNs + offsetNs;
        return firstEnd > firedUpTo ? firstEnd : firedUpTo + slideNs;
    }

    private void skipFiredPanes(final int slot)
    {
        int window = keyUnfired[slot];
        while (window != NONE && lastEndOf(windowStart[window]) <= keyFiredUpTo[slot])
        {
            window = windowNext[window];
        }
        keyUnfired[slot] = window;
    }

    /** Emits, again, a fired window that a late event changed; {@code within} is a pane of that window. */
    private void emitPaneWindow(
        final long engineSeq, final int slot, final int within, final long end, final WindowSink sink)
    {
        final long lastPane = Math.floorDiv(end - offsetNs, slideNs) - 1;
        final long firstPane = lastPane - panesPerWindow + 1;
        int window = within;
        while (windowPrev[window] != NONE && windowStart[windowPrev[window]] >= firstPane)
        {
            window = windowPrev[window];
        }
        resetAggregate();
        for (; window != NONE && windowStart[window] <= lastPane; window = windowNext[window])
        {
            combine(window);
        }
        resultsEmitted++;
        // The late event is in the window: it was an update when the window held anything before it.
        sink.onWindowResult(engineSeq, windowId, keyValue[slot], end - sizeNs, end, aggCount, aggSum, aggMin,
            aggMax, aggCount > 1);
    }

    private void emitRun(final long engineSeq, final int slot, final long end, final WindowSink sink)
    {
        if (runEnd[slot] != NO_RUN && end == runEnd[slot] + slideNs)
        {
            slideRun(slot);
        }
        else if (runEnd[slot] != end)
        {
            startRun(slot, end);
        }
        if (runRescan[slot])
        {
            rescanRun(slot);
        }
        if (runCount[slot] > 0)
        {
            resultsEmitted++;
            sink.onWindowResult(engineSeq, windowId, keyValue[slot], end - sizeNs, end, runCount[slot], runSum[slot],
                runMin[slot], runMax[slot], false);
        }
    }

    private long runLastPane(final int slot)
    {
        return Math.floorDiv(runEnd[slot] - offsetNs, slideNs) - 1;
    }

    private void startRun(final int slot, final long end)
    {
        runEnd[slot] = end;
        final long firstPane = runLastPane(slot) - panesPerWindow + 1;
        int window = keyHead[slot];
        while (window != NONE && windowStart[window] < firstPane)
        {
            window = windowNext[window];
        }
        runFirst[slot] = window;
        runRescan[slot] = true;
    }

    /** Moves the run one slide on: the pane that leaves is subtracted (unless a purge did already), one enters. */
    private void slideRun(final int slot)
    {
        final long leavingPane = runLastPane(slot) - panesPerWindow + 1;
        final int first = runFirst[slot];
        if (first != NONE && first != runNext[slot] && windowStart[first] == leavingPane)
        {
            subtractFromRun(slot, first);
            runFirst[slot] = windowNext[first];
        }
        runEnd[slot] += slideNs;
        final int next = runNext[slot];
        if (next != NONE && windowStart[next] == runLastPane(slot))
        {
            addToRun(slot, next);
            runNext[slot] = windowNext[next];
        }
    }

    private void addToRun(final int slot, final int window)
    {
        runCount[slot] += windowCount[window];
        runSum[slot] = saturatingAdd(runSum[slot], windowSum[window]);
        final long min = windowMin[window];
        if (min < runMin[slot])
        {
            runMin[slot] = min;
            runPanesAtMin[slot] = 1;
        }
        else if (min == runMin[slot])
        {
            runPanesAtMin[slot]++;
        }
        final long max = windowMax[window];
        if (max > runMax[slot])
        {
            runMax[slot] = max;
            runPanesAtMax[slot] = 1;
        }
        else if (max == runMax[slot])
        {
            runPanesAtMax[slot]++;
        }
    }

    private void subtractFromRun(final int slot, final int window)
    {
        final long sum = runSum[slot];
        final long paneSum = windowSum[window];
        runCount[slot] -= windowCount[window];
        runSum[slot] = sum - paneSum;
        final boolean inexact = sum == Long.MAX_VALUE || sum == Long.MIN_VALUE ||
            paneSum == Long.MAX_VALUE || paneSum == Long.MIN_VALUE || ((sum ^ paneSum) & (sum ^ runSum[slot])) < 0;
        final boolean lastAtMin = windowMin[window] == runMin[slot] && --runPanesAtMin[slot] == 0;
        final boolean lastAtMax = windowMax[window] == runMax[slot] && --runPanesAtMax[slot] == 0;
        // The extreme left with its last pane, or a saturated or overflowing sum cannot be un-added: read the panes.
        if (lastAtMin || lastAtMax || inexact)
        {
            runRescan[slot] = true;
        }
    }

    private void rescanRun(final int slot)
    {
        final long lastPane = runLastPane(slot);
        runCount[slot] = 0;
        runSum[slot] = 0;
        runMin[slot] = Long.MAX_VALUE;
        runMax[slot] = Long.MIN_VALUE;
        runPanesAtMin[slot] = 0;
        runPanesAtMax[slot] = 0;
        int window = runFirst[slot];
        while (window != NONE && windowStart[window] <= lastPane)
        {
            addToRun(slot, window);
            window = windowNext[window];
        }
        runNext[slot] = window;
        runRescan[slot] = false;
    }

    /** A pane of this key was created or took an event. */
    private void runOnPaneChanged(final int slot, final int window)
    {
        if (runEnd[slot] == NO_RUN)
        {
            return;
        }
        final long pane = windowStart[window];
        final long lastPane = runLastPane(slot);
        if (pane > lastPane)
        {
            if (runNext[slot] == NONE || pane < windowStart[runNext[slot]])
            {
                runNext[slot] = window;
            }
            if (runFirst[slot] == NONE || pane < windowStart[runFirst[slot]])
            {
                runFirst[slot] = window;
            }
        }
        else if (pane > lastPane - panesPerWindow)
        {
            runEnd[slot] = NO_RUN;
        }
    }

    /** A pane of this key is about to be purged. */
    private void runOnPaneRemoved(final int slot, final int window)
    {
        if (runEnd[slot] == NO_RUN)
        {
            return;
        }
        final long pane = windowStart[window];
        final long lastPane = runLastPane(slot);
        if (window == runFirst[slot] && pane == lastPane - panesPerWindow + 1)
        {
            // The pane leaving at the next slide leaves now.
            subtractFromRun(slot, window);
            runFirst[slot] = windowNext[window];
        }
        else if (pane > lastPane - panesPerWindow && pane <= lastPane)
        {
            runEnd[slot] = NO_RUN;
        }
        else
        {
            if (window == runNext[slot])
            {
                runNext[slot] = windowNext[window];
            }
            if (window == runFirst[slot])
            {
                runFirst[slot] = windowNext[window];
            }
        }
    }

    private long lastEndOf(final long pane)
    {
        return (pane + panesPerWindow) * slideNs + offsetNs;
    }

    private int onSessionEvent(
        final long engineSeq, final long key, final long eventTimeNs, final long value, final long watermark,
        final WindowSink sink)
    {
        final long newStart = eventTimeNs;
        final long newEnd = eventTimeNs + sizeNs;
        int slot = (int)slotByKey.get(key);

        // Sessions are disjoint and sorted, so those the new one overlaps or touches are adjacent.
        int before = slot == NONE ? NONE : keyTail[slot];
        while (before != NONE && windowStart[before] > newEnd)
        {
            before = windowPrev[before];
        }
        int first = NONE;
        int last = NONE;
        long mergedStart = newStart;
        long mergedEnd = newEnd;
        while (before != NONE && windowEnd[before] >= newStart)
        {
            last = last == NONE ? before : last;
            first = before;
            mergedStart = Math.min(mergedStart, windowStart[before]);
            mergedEnd = Math.max(mergedEnd, windowEnd[before]);
            before = windowPrev[before];
        }

        if (watermark != SourceWatermarks.NO_WATERMARK && mergedEnd - 1 + latenessNs <= watermark)
        {
            lateEvents++;
            sink.onLateEvent(engineSeq, windowId, key, eventTimeNs, watermark);
            return LATE;
        }

        final int session;
        byte flags = 0;
        if (first == NONE)
        {
            slot = acquireKey(key);
            session = slot == NONE ? NONE : allocateWindow();
            if (session == NONE)
            {
                if (slot != NONE)
                {
                    releaseKeyIfEmpty(slot);
                }
                stateFullEvents++;
                return STATE_FULL;
            }
            linkAfter(slot, before, session);
        }
        else
        {
            session = first;
            flags = windowFlags[first];
            while (last != first)
            {
                final int absorbed = last;
                last = windowPrev[last];
                flags |= windowFlags[absorbed];
                combineInto(session, absorbed);
                unlink(slot, absorbed);
            }
        }
        windowStart[session] = mergedStart;
        windowEnd[session] = mergedEnd;
        addValue(session, value);

        final boolean emittedBefore = (flags & (FIRED | SUPERSEDES)) != 0;
        if (watermark != SourceWatermarks.NO_WATERMARK && mergedEnd - 1 <= watermark)
        {
            emitSession(engineSeq, slot, session, emittedBefore, sink);
            windowFlags[session] = FIRED;
        }
        else
        {
            windowFlags[session] = emittedBefore ? SUPERSEDES : 0;
        }
        reschedule(slot);
        return ACCEPTED;
    }

    /**
     * Sessions of a key that have fired end before those that have not (the watermark passed their ends), so the
     * fired ones are a prefix of the list, purged from its head, and the unfired ones a short suffix.
     */
    private int firstUnfiredSession(final int slot)
    {
        int first = NONE;
        for (int session = keyTail[slot]; session != NONE && (windowFlags[session] & FIRED) == 0;
            session = windowPrev[session])
        {
            first = session;
        }
        return first;
    }

    private void stepSessions(final long engineSeq, final int slot, final long watermark, final WindowSink sink)
    {
        final int unfired = firstUnfiredSession(slot);
        if (unfired != NONE && windowEnd[unfired] - 1 <= keyDue[slot])
        {
            emitSession(engineSeq, slot, unfired, (windowFlags[unfired] & SUPERSEDES) != 0, sink);
            windowFlags[unfired] = FIRED;
        }
        int session = keyHead[slot];
        while (session != NONE && (windowFlags[session] & FIRED) != 0 &&
            windowEnd[session] - 1 + latenessNs <= watermark)
        {
            final int next = windowNext[session];
            unlink(slot, session);
            session = next;
        }
    }

    private long sessionDue(final int slot)
    {
        long due = NO_FIRE;
        final int head = keyHead[slot];
        if ((windowFlags[head] & FIRED) != 0)
        {
            due = windowEnd[head] - 1 + latenessNs;
        }
        final int unfired = firstUnfiredSession(slot);
        if (unfired != NONE)
        {
            due = Math.min(due, windowEnd[unfired] - 1);
        }
        return due;
    }

    private void emitSession(
        final long engineSeq, final int slot, final int session, final boolean update, final WindowSink sink)
    {
        resultsEmitted++;
        sink.onWindowResult(engineSeq, windowId, keyValue[slot], windowStart[session], windowEnd[session],
            windowCount[session], windowSum[session], windowMin[session], windowMax[session], update);
    }

    private void addValue(final int window, final long value)
    {
        windowCount[window]++;
        windowSum[window] = saturatingAdd(windowSum[window], value);
        windowMin[window] = Math.min(windowMin[window], value);
        windowMax[window] = Math.max(windowMax[window], value);
    }

    private void combineInto(final int target, final int source)
    {
        windowCount[target] += windowCount[source];
        windowSum[target] = saturatingAdd(windowSum[target], windowSum[source]);
        windowMin[target] = Math.min(windowMin[target], windowMin[source]);
        windowMax[target] = Math.max(windowMax[target], windowMax[source]);
    }

    private void resetAggregate()
    {
        aggCount = 0;
        aggSum = 0;
        aggMin = Long.MAX_VALUE;
        aggMax = Long.MIN_VALUE;
    }

    private void combine(final int window)
    {
        aggCount += windowCount[window];
        aggSum = saturatingAdd(aggSum, windowSum[window]);
        aggMin = Math.min(aggMin, windowMin[window]);
        aggMax = Math.max(aggMax, windowMax[window]);
    }

    static long saturatingAdd(final long a, final long b)
    {
        final long sum = a + b;
        // Overflow only when both operands have the sign the result lacks.
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    private void reschedule(final int slot)
    {
        if (keyHead[slot] == NONE)
        {
            releaseKey(slot);
            return;
        }
        keyDue[slot] = sessions ? sessionDue(slot) : paneDue(slot);
        if (keyHeapIndex[slot] == NONE)
        {
            keyHeapIndex[slot] = heapSize;
            heap[heapSize++] = slot;
            siftUp(keyHeapIndex[slot]);
        }
        else
        {
            siftDown(siftUp(keyHeapIndex[slot]));
        }
    }

    /**
     * Load the key's entry in the key table and, when the key is held, its first words; changes nothing.
     *
     * @param key a key an event will bring.
     * @return a sum of the words loaded, only so that the loads are kept.
     */
    long prefetch(final long key)
    {
        final int slot = (int)slotByKey.get(key);
        return slot == NONE ? 0 : keyHead[slot] + runEnd[slot];
    }

    private int acquireKey(final long key)
    {
        final int existing = (int)slotByKey.get(key);
        if (existing != NONE || freeKeys == NONE)
        {
            return existing;
        }
        final int slot = freeKeys;
        freeKeys = nextFreeKey[slot];
        keyValue[slot] = key;
        keyHead[slot] = NONE;
        keyTail[slot] = NONE;
        keyHeapIndex[slot] = NONE;
        keyFiredUpTo[slot] = Long.MIN_VALUE;
        keyUnfired[slot] = NONE;
        runEnd[slot] = NO_RUN;
        slotByKey.put(key, slot);
        keyCount++;
        return slot;
    }

    private void releaseKeyIfEmpty(final int slot)
    {
        if (keyHead[slot] == NONE)
        {
            releaseKey(slot);
        }
    }

    private void releaseKey(final int slot)
    {
        final int index = keyHeapIndex[slot];
        if (index != NONE)
        {
            final int moved = heap[--heapSize];
            keyHeapIndex[slot] = NONE;
            if (index < heapSize)
            {
                heap[index] = moved;
                keyHeapIndex[moved] = index;
                siftDown(siftUp(index));
            }
        }
        slotByKey.remove(keyValue[slot]);
        nextFreeKey[slot] = freeKeys;
        freeKeys = slot;
        keyCount--;
    }

    private int allocateWindow()
    {
        final int window = freeWindows;
        if (window != NONE)
        {
            freeWindows = windowNext[window];
            windowCount[window] = 0;
            windowSum[window] = 0;
            windowMin[window] = Long.MAX_VALUE;
            windowMax[window] = Long.MIN_VALUE;
            windowFlags[window] = 0;
            windowsInUse++;
        }
        return window;
    }

    private void linkAfter(final int slot, final int after, final int window)
    {
        final int next = after == NONE ? keyHead[slot] : windowNext[after];
        windowPrev[window] = after;
        windowNext[window] = next;
        if (after == NONE)
        {
            keyHead[slot] = window;
        }
        else
        {
            windowNext[after] = window;
        }
        if (next == NONE)
        {
            keyTail[slot] = window;
        }
        else
        {
            windowPrev[next] = window;
        }
    }

    private void unlink(final int slot, final int window)
    {
        final int prev = windowPrev[window];
        final int next = windowNext[window];
        if (keyUnfired[slot] == window)
        {
            keyUnfired[slot] = next;
        }
        if (prev == NONE)
        {
            keyHead[slot] = next;
        }
        else
        {
            windowNext[prev] = next;
        }
        if (next == NONE)
        {
            keyTail[slot] = prev;
        }
        else
        {
            windowPrev[next] = prev;
        }
        windowNext[window] = freeWindows;
        freeWindows = window;
        windowsInUse--;
    }

    private boolean before(final int a, final int b)
    {
        return keyDue[a] < keyDue[b] || (keyDue[a] == keyDue[b] && keyValue[a] < keyValue[b]);
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
            keyHeapIndex[heap[index]] = index;
            index = parent;
        }
        heap[index] = slot;
        keyHeapIndex[slot] = index;
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
            keyHeapIndex[heap[index]] = index;
            index = child;
        }
        heap[index] = slot;
        keyHeapIndex[slot] = index;
    }

    private void clear()
    {
        slotByKey.clear();
        for (int i = 0; i < nextFreeKey.length; i++)
        {
            nextFreeKey[i] = i + 1 < nextFreeKey.length ? i + 1 : NONE;
        }
        freeKeys = 0;
        keyCount = 0;
        Arrays.fill(keyHeapIndex, NONE);
        for (int i = 0; i < windowNext.length; i++)
        {
            windowNext[i] = i + 1 < windowNext.length ? i + 1 : NONE;
        }
        freeWindows = 0;
        windowsInUse = 0;
        heapSize = 0;
    }

    /**
     * @return keys with open windows.
     */
    public int keyCount()
    {
        return keyCount;
    }

    /**
     * @return panes or sessions held.
     */
    public int windowsInUse()
    {
        return windowsInUse;
    }

    /**
     * @return events sent to the late output so far.
     */
    public long lateEvents()
    {
        return lateEvents;
    }

    /**
     * @return events not aggregated because the state was full.
     */
    public long stateFullEvents()
    {
        return stateFullEvents;
    }

    /**
     * @return window results emitted so far, updates included.
     */
    public long resultsEmitted()
    {
        return resultsEmitted;
    }

    /**
     * Write the state key by key in the order of the firing heap's array. {@link #readFrom} inserts the keys in that
     * order, which leaves each where it was (a parent fires strictly before its children), so a restored aggregation
     * holds the same heap and later writes the same bytes as one that never stopped. Walking the heap rather than
     * sorting the keys keeps a snapshot point free of allocation, sorting and one hash probe per key: at a million
     * keys the windows are most of what the point stops the rules stage for.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(sessions ? 1 : 0);
        out.writeLong(sizeNs);
        out.writeLong(slideNs);
        out.writeLong(offsetNs);
        out.writeInt(heapSize);
        for (int i = 0; i < heapSize; i++)
        {
            writeKey(out, heap[i]);
        }
    }

    /**
     * One key's windows: a method of its own so that the JIT compiles it after a few hundred keys of the first
     * snapshot, where the loop over the keys, run once per snapshot, would stay interpreted for the first dozen.
     */
    private void writeKey(final DataOutput out, final int slot) throws IOException
    {
        out.writeLong(keyValue[slot]);
        out.writeLong(keyFiredUpTo[slot]);
        int windows = 0;
        for (int window = keyHead[slot]; window != NONE; window = windowNext[window])
        {
            windows++;
        }
        out.writeInt(windows);
        for (int window = keyHead[slot]; window != NONE; window = windowNext[window])
        {
            out.writeLong(windowStart[window]);
            out.writeLong(windowEnd[window]);
            out.writeLong(windowCount[window]);
            out.writeLong(windowSum[window]);
            out.writeLong(windowMin[window]);
            out.writeLong(windowMax[window]);
            out.writeByte(windowFlags[window]);
        }
    }

    /**
     * Replace the state with one written by {@link #writeTo} of an aggregation with the same spec.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the state does not fit.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        clear();
        final boolean writtenSessions = in.readInt() == 1;
        final long writtenSize = in.readLong();
        final long writtenSlide = in.readLong();
        final long writtenOffset = in.readLong();
        if (writtenSessions != sessions || writtenSize != sizeNs || writtenSlide != slideNs ||
            writtenOffset != offsetNs)
        {
            throw new IOException("window " + windowId + ": state of windows of another shape");
        }
        final int keys = in.readInt();
        if (keys < 0 || keys > keyValue.length)
        {
            throw new IOException("window " + windowId + ": " + keys + " keys do not fit " + keyValue.length);
        }
        for (int k = 0; k < keys; k++)
        {
            final int slot = acquireKey(in.readLong());
            keyFiredUpTo[slot] = in.readLong();
            final int windows = in.readInt();
            for (int w = 0; w < windows; w++)
            {
                final int window = allocateWindow();
                if (window == NONE || windows < 0)
                {
                    throw new IOException("window " + windowId + ": state holds more windows than fit");
                }
                windowStart[window] = in.readLong();
                windowEnd[window] = in.readLong();
                windowCount[window] = in.readLong();
                windowSum[window] = in.readLong();
                windowMin[window] = in.readLong();
                windowMax[window] = in.readLong();
                windowFlags[window] = in.readByte();
                linkAfter(slot, keyTail[slot], window);
            }
            if (!sessions)
            {
                keyUnfired[slot] = keyHead[slot];
                skipFiredPanes(slot);
            }
            reschedule(slot);
        }
    }
}
