package dev.vigil.core.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static dev.vigil.core.window.KeySlots.NO_SLOT;
import static dev.vigil.core.window.WindowPool.NO_WINDOW;

/**
 * The state and firing of one windowed aggregation over every key, in event time (DESIGN §5, Flink's model).
 * <p>
 * Tumbling and sliding windows share panes: time is cut into slide-long panes aligned to epoch 0 plus the offset, an
 * event updates exactly one pane of its key, and a window is the {@code size / slide} panes before its end. So an
 * event costs the same whatever the ratio of size to slide; emitting a window slides the key's {@link PaneRuns run} by
 * one pane. Session windows are kept per key as a sorted list of disjoint sessions, merged as events bridge them.
 * <p>
 * Each key with state is scheduled in {@link KeySlots} at the event time at which it next needs work — its next
 * window to fire or its oldest window to purge — so that when the watermark advances windows fire in order of their
 * end, ties broken by key, whatever the order keys arrived in. A window fires when the watermark reaches
 * {@code end - 1}; it is purged when the watermark reaches {@code end - 1 + allowed lateness}. An event whose windows
 * have all been purged goes to the late output; one that lands in a window that already fired makes that window fire
 * again at once, marked as an update.
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

    private static final long NO_FIRE = Long.MAX_VALUE;
    private static final byte FIRED = 1;
    private static final byte SUPERSEDES = 2;

    private final int windowId;
    private final boolean sessions;
    private final long sizeNs;
    private final long slideNs;
    private final long offsetNs;
    private final long latenessNs;
    private final long panesPerWindow;

    private final KeySlots keys;
    private final WindowPool windows;
    private final PaneRuns runs;
    private final long[] keyFiredUpTo;
    private final int[] keyUnfired;

    private long lateEvents;
    private long stateFullEvents;
    private long resultsEmitted;

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
        this.keys = new KeySlots(maxKeys);
        this.windows = new WindowPool(maxKeys, spec.maxWindows());
        this.runs = new PaneRuns(maxKeys, windows, slideNs, offsetNs, panesPerWindow);
        this.keyFiredUpTo = new long[maxKeys];
        this.keyUnfired = new int[maxKeys];
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
        for (int slot = keys.first(); slot != NO_SLOT; slot = keys.first())
        {
            if (keys.due(slot) > watermark)
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
            if (firedEnd > keyFiredUpTo[slot])
            {
                keyFiredUpTo[slot] = firedEnd;
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
        for (long i = 0; i < panesPerWindow && end <= keyFiredUpTo[slot]; i++, end += slideNs)
        {
            if (end - 1 + latenessNs > watermark)
            {
                emitPaneWindow(engineSeq, slot, window, end, sink);
            }
        }
        // Another event in an existing pane changes neither the next window to fire nor the next purge.
        if (dueMayChange || windows.inUse() != panesBefore)
        {
            reschedule(slot);
        }
        return ACCEPTED;
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
            final int unfired = keyUnfired[slot];
            if (lastEndOf(pane) > keyFiredUpTo[slot] && (unfired == NO_WINDOW || pane < windows.start(unfired)))
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
        if (end != NO_FIRE && end - 1 <= keys.due(slot))
        {
            emitRun(engineSeq, slot, end, sink);
            keyFiredUpTo[slot] = end;
            skipFiredPanes(slot);
        }
        int window = windows.head(slot);
        while (window != NO_WINDOW)
        {
            final long lastEnd = lastEndOf(windows.start(window));
            if (lastEnd > keyFiredUpTo[slot] || lastEnd - 1 + latenessNs > watermark)
            {
                break;
            }
            final int next = windows.next(window);
            runs.onPaneRemoved(slot, window);
            unlink(slot, window);
            window = next;
        }
    }

    private long paneDue(final int slot)
    {
        final long end = nextPaneWindowEnd(slot);
        long due = end == NO_FIRE ? NO_FIRE : end - 1;
        final int head = windows.head(slot);
        if (head != NO_WINDOW)
        {
            final long lastEnd = lastEndOf(windows.start(head));
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
        if (window == NO_WINDOW)
        {
            return NO_FIRE;
        }
        final long firedUpTo = keyFiredUpTo[slot];
        final long firstEnd = (windows.start(window) + 1) * slideNs + offsetNs;
        return firstEnd > firedUpTo ? firstEnd : firedUpTo + slideNs;
    }

    private void skipFiredPanes(final int slot)
    {
        int window = keyUnfired[slot];
        while (window != NO_WINDOW && lastEndOf(windows.start(window)) <= keyFiredUpTo[slot])
        {
            window = windows.next(window);
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
        int slot = keys.slotOf(key);

        // Sessions are disjoint and sorted, so those the new one overlaps or touches are adjacent.
        int before = slot == NO_SLOT ? NO_WINDOW : windows.tail(slot);
        while (before != NO_WINDOW && windows.start(before) > newEnd)
        {
            before = windows.prev(before);
        }
        int first = NO_WINDOW;
        int last = NO_WINDOW;
        long mergedStart = newStart;
        long mergedEnd = newEnd;
        while (before != NO_WINDOW && windows.end(before) >= newStart)
        {
            last = last == NO_WINDOW ? before : last;
            first = before;
            mergedStart = Math.min(mergedStart, windows.start(before));
            mergedEnd = Math.max(mergedEnd, windows.end(before));
            before = windows.prev(before);
        }

        if (watermark != SourceWatermarks.NO_WATERMARK && mergedEnd - 1 + latenessNs <= watermark)
        {
            lateEvents++;
            sink.onLateEvent(engineSeq, windowId, key, eventTimeNs, watermark);
            return LATE;
        }

        final int session;
        byte flags = 0;
        if (first == NO_WINDOW)
        {
            slot = acquireKey(key);
            session = slot == NO_SLOT ? NO_WINDOW : windows.allocate();
            if (session == NO_WINDOW)
            {
                if (slot != NO_SLOT)
                {
                    releaseKeyIfEmpty(slot);
                }
                stateFullEvents++;
                return STATE_FULL;
            }
            windows.linkAfter(slot, before, session);
        }
        else
        {
            session = first;
            flags = windows.flags(first);
            while (last != first)
            {
                final int absorbed = last;
                last = windows.prev(last);
                flags |= windows.flags(absorbed);
                windows.combineInto(session, absorbed);
                unlink(slot, absorbed);
            }
        }
        windows.start(session, mergedStart);
        windows.end(session, mergedEnd);
        windows.add(session, value);

        final boolean emittedBefore = (flags & (FIRED | SUPERSEDES)) != 0;
        if (watermark != SourceWatermarks.NO_WATERMARK && mergedEnd - 1 <= watermark)
        {
            emitSession(engineSeq, slot, session, emittedBefore, sink);
            windows.flags(session, FIRED);
        }
        else
        {
            windows.flags(session, emittedBefore ? SUPERSEDES : 0);
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
        int first = NO_WINDOW;
        for (int session = windows.tail(slot); session != NO_WINDOW && (windows.flags(session) & FIRED) == 0;
            session = windows.prev(session))
        {
            first = session;
        }
        return first;
    }

    private void stepSessions(final long engineSeq, final int slot, final long watermark, final WindowSink sink)
    {
        final int unfired = firstUnfiredSession(slot);
        if (unfired != NO_WINDOW && windows.end(unfired) - 1 <= keys.due(slot))
        {
            emitSession(engineSeq, slot, unfired, (windows.flags(unfired) & SUPERSEDES) != 0, sink);
            windows.flags(unfired, FIRED);
        }
        int session = windows.head(slot);
        while (session != NO_WINDOW && (windows.flags(session) & FIRED) != 0 &&
            windows.end(session) - 1 + latenessNs <= watermark)
        {
            final int next = windows.next(session);
            unlink(slot, session);
            session = next;
        }
    }

    private long sessionDue(final int slot)
    {
        long due = NO_FIRE;
        final int head = windows.head(slot);
        if ((windows.flags(head) & FIRED) != 0)
        {
            due = windows.end(head) - 1 + latenessNs;
        }
        final int unfired = firstUnfiredSession(slot);
        if (unfired != NO_WINDOW)
        {
            due = Math.min(due, windows.end(unfired) - 1);
        }
        return due;
    }

    private void emitSession(
        final long engineSeq, final int slot, final int session, final boolean update, final WindowSink sink)
    {
        resultsEmitted++;
        sink.onWindowResult(engineSeq, windowId, keys.key(slot), windows.start(session), windows.end(session),
            windows.count(session), windows.sum(session), windows.min(session), windows.max(session), update);
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
        if (windows.head(slot) == NO_WINDOW)
        {
            keys.release(slot);
            return;
        }
        keys.schedule(slot, sessions ? sessionDue(slot) : paneDue(slot));
    }

    /**
     * Load the key's entry in the key table and, when the key is held, its first words; changes nothing.
     *
     * @param key a key an event will bring.
     * @return a sum of the words loaded, only so that the loads are kept.
     */
    long prefetch(final long key)
    {
        final int slot = keys.slotOf(key);
        return slot == NO_SLOT ? 0 : windows.head(slot) + runs.end(slot);
    }

    private int acquireKey(final long key)
    {
        final int existing = keys.slotOf(key);
        if (existing != NO_SLOT)
        {
            return existing;
        }
        final int slot = keys.add(key);
        if (slot != NO_SLOT)
        {
            windows.clearList(slot);
            keyFiredUpTo[slot] = Long.MIN_VALUE;
            keyUnfired[slot] = NO_WINDOW;
            runs.reset(slot);
        }
        return slot;
    }

    private void releaseKeyIfEmpty(final int slot)
    {
        if (windows.head(slot) == NO_WINDOW)
        {
            keys.release(slot);
        }
    }

    private void unlink(final int slot, final int window)
    {
        if (keyUnfired[slot] == window)
        {
            keyUnfired[slot] = windows.next(window);
        }
        windows.free(slot, window);
    }

    /**
     * @return keys with open windows.
     */
    public int keyCount()
    {
        return keys.count();
    }

    /**
     * @return panes or sessions held.
     */
    public int windowsInUse()
    {
        return windows.inUse();
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
        final int scheduled = keys.scheduled();
        out.writeInt(scheduled);
        for (int i = 0; i < scheduled; i++)
        {
            writeKey(out, keys.scheduledAt(i));
        }
    }

    /**
     * One key's windows: a method of its own so that the JIT compiles it after a few hundred keys of the first
     * snapshot, where the loop over the keys, run once per snapshot, would stay interpreted for the first dozen.
     */
    private void writeKey(final DataOutput out, final int slot) throws IOException
    {
        out.writeLong(keys.key(slot));
        out.writeLong(keyFiredUpTo[slot]);
        int count = 0;
        for (int window = windows.head(slot); window != NO_WINDOW; window = windows.next(window))
        {
            count++;
        }
        out.writeInt(count);
        for (int window = windows.head(slot); window != NO_WINDOW; window = windows.next(window))
        {
            out.writeLong(windows.start(window));
            out.writeLong(windows.end(window));
            out.writeLong(windows.count(window));
            out.writeLong(windows.sum(window));
            out.writeLong(windows.min(window));
            out.writeLong(windows.max(window));
            out.writeByte(windows.flags(window));
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
        keys.clear();
        windows.clear();
        final boolean writtenSessions = in.readInt() == 1;
        final long writtenSize = in.readLong();
        final long writtenSlide = in.readLong();
        final long writtenOffset = in.readLong();
        if (writtenSessions != sessions || writtenSize != sizeNs || writtenSlide != slideNs ||
            writtenOffset != offsetNs)
        {
            throw new IOException("window " + windowId + ": state of windows of another shape");
        }
        final int count = in.readInt();
        if (count < 0 || count > keys.capacity())
        {
            throw new IOException("window " + windowId + ": " + count + " keys do not fit " + keys.capacity());
        }
        for (int k = 0; k < count; k++)
        {
            final int slot = acquireKey(in.readLong());
            keyFiredUpTo[slot] = in.readLong();
            final int windowCount = in.readInt();
            for (int w = 0; w < windowCount; w++)
            {
                final int window = windows.allocate();
                if (window == NO_WINDOW || windowCount < 0)
                {
                    throw new IOException("window " + windowId + ": state holds more windows than fit");
                }
                windows.restore(window, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readByte());
                windows.linkAfter(slot, windows.tail(slot), window);
            }
            if (!sessions)
            {
                keyUnfired[slot] = windows.head(slot);
                skipFiredPanes(slot);
            }
            reschedule(slot);
        }
    }
}
