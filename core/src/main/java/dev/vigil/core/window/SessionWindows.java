package dev.vigil.core.window;

import static dev.vigil.core.window.KeySlots.NO_SLOT;
import static dev.vigil.core.window.WindowPool.NO_WINDOW;

/**
 * Session windows: an event opens {@code [t, t + gap)}, and the sessions of a key that it overlaps or touches merge
 * with it into one. A key's sessions are a sorted list of disjoint windows; each fires when the watermark passes its
 * end, and fires again, as an update, when a late event changes it before it is purged.
 */
final class SessionWindows extends KeyedWindows
{
    /** The session has fired, and has not changed since. */
    private static final byte FIRED = 1;
    /** The session merged with one that had fired: when it fires, it replaces that result. */
    private static final byte SUPERSEDES = 2;

    SessionWindows(final WindowSpec spec)
    {
        super(spec, SESSION_STATE);
    }

    @Override
    public int maxResultsPerEvent()
    {
        return 1;
    }

    @Override
    public int onEvent(
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
                windows.free(slot, absorbed);
            }
        }
        windows.start(session, mergedStart);
        windows.end(session, mergedEnd);
        windows.add(session, value);

        final boolean emittedBefore = (flags & (FIRED | SUPERSEDES)) != 0;
        if (watermark != SourceWatermarks.NO_WATERMARK && mergedEnd - 1 <= watermark)
        {
            emit(engineSeq, slot, session, emittedBefore, sink);
            windows.flags(session, FIRED);
        }
        else
        {
            windows.flags(session, emittedBefore ? SUPERSEDES : 0);
        }
        reschedule(slot);
        return ACCEPTED;
    }

    @Override
    void step(final long engineSeq, final int slot, final long watermark, final WindowSink sink)
    {
        final int unfired = firstUnfired(slot);
        if (unfired != NO_WINDOW && windows.end(unfired) - 1 <= keys.due(slot))
        {
            emit(engineSeq, slot, unfired, (windows.flags(unfired) & SUPERSEDES) != 0, sink);
            windows.flags(unfired, FIRED);
        }
        int session = windows.head(slot);
        while (session != NO_WINDOW && (windows.flags(session) & FIRED) != 0 &&
            windows.end(session) - 1 + latenessNs <= watermark)
        {
            final int next = windows.next(session);
            windows.free(slot, session);
            session = next;
        }
    }

    @Override
    long due(final int slot)
    {
        long due = NO_FIRE;
        final int head = windows.head(slot);
        if ((windows.flags(head) & FIRED) != 0)
        {
            due = windows.end(head) - 1 + latenessNs;
        }
        final int unfired = firstUnfired(slot);
        if (unfired != NO_WINDOW)
        {
            due = Math.min(due, windows.end(unfired) - 1);
        }
        return due;
    }

    @Override
    void onKeyAdded(final int slot)
    {
        // A key's sessions carry all it needs.
    }

    @Override
    long prefetch(final long key)
    {
        final int slot = keys.slotOf(key);
        return slot == NO_SLOT ? 0 : windows.tail(slot);
    }

    /** Sessions track firing each by its own flags, not by time: the snapshot's word is unused. */
    @Override
    long firedUpTo(final int slot)
    {
        return Long.MIN_VALUE;
    }

    @Override
    void onKeyRestored(final int slot, final long firedUpTo)
    {
        // The flags came back with the sessions.
    }

    /**
     * Sessions of a key that have fired end before those that have not (the watermark passed their ends), so the
     * fired ones are a prefix of the list, purged from its head, and the unfired ones a short suffix.
     */
    private int firstUnfired(final int slot)
    {
        int first = NO_WINDOW;
        for (int session = windows.tail(slot); session != NO_WINDOW && (windows.flags(session) & FIRED) == 0;
            session = windows.prev(session))
        {
            first = session;
        }
        return first;
    }

    private void emit(
        final long engineSeq, final int slot, final int session, final boolean update, final WindowSink sink)
    {
        resultsEmitted++;
        sink.onWindowResult(engineSeq, windowId, keys.key(slot), windows.start(session), windows.end(session),
            windows.count(session), windows.sum(session), windows.min(session), windows.max(session), update);
    }
}
