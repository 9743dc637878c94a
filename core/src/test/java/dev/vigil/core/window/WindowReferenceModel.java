package dev.vigil.core.window;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deliberately naive model of DESIGN §5 to check the engine's windows against: it keeps every accepted event and
 * recomputes windows and sessions from them by brute force, with none of the engine's data structures.
 */
final class WindowReferenceModel
{
    private final WindowSpec spec;
    private final long outOfOrdernessNs;
    private final long idleTimeoutNs;
    private final Map<Long, Long> newestBySource = new HashMap<>();
    private long newestOverall = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private final TreeMap<Long, List<long[]>> liveEventsByKey = new TreeMap<>();
    private final Set<String> emittedSessionForms = new HashSet<>();
    final List<String> lines = new ArrayList<>();

    private static final int T = 0;
    private static final int VALUE = 1;
    private static final int EMITTED = 2;

    WindowReferenceModel(final WindowSpec spec, final long outOfOrdernessNs, final long idleTimeoutNs)
    {
        this.spec = spec;
        this.outOfOrdernessNs = outOfOrdernessNs;
        this.idleTimeoutNs = idleTimeoutNs;
    }

    void event(final long seq, final long source, final long key, final long t, final long value)
    {
        final long before = watermark;
        if (spec.kind() == WindowKind.SESSION)
        {
            sessionEvent(seq, key, t, value, before);
        }
        else
        {
            paneEvent(seq, key, t, value, before);
        }
        advance(seq, before, moveWatermark(source, t));
    }

    void heartbeat(final long seq, final long source, final long t)
    {
        final long before = watermark;
        advance(seq, before, moveWatermark(source, t));
    }

    private long moveWatermark(final long source, final long t)
    {
        newestBySource.merge(source, t, Math::max);
        newestOverall = Math.max(newestOverall, t);
        long lowest = Long.MAX_VALUE;
        for (final long newest : newestBySource.values())
        {
            if (newest >= newestOverall - idleTimeoutNs)
            {
                lowest = Math.min(lowest, newest);
            }
        }
        watermark = Math.max(watermark, lowest - outOfOrdernessNs - 1);
        return watermark;
    }

    private boolean known(final long w)
    {
        return w != Long.MIN_VALUE;
    }

    private List<Long> windowEndsOf(final long t)
    {
        final List<Long> ends = new ArrayList<>();
        final long firstEnd = Math.floorDiv(t - spec.offsetNs(), spec.slideNs()) * spec.slideNs() + spec.offsetNs() +
            spec.slideNs();
        for (long end = firstEnd; end - spec.sizeNs() <= t; end += spec.slideNs())
        {
            ends.add(end);
        }
        return ends;
    }

    private void paneEvent(final long seq, final long key, final long t, final long value, final long w)
    {
        final List<Long> ends = windowEndsOf(t);
        final boolean accepted = !known(w) || ends.stream().anyMatch(end -> end - 1 + spec.allowedLatenessNs() > w);
        if (!accepted)
        {
            lines.add(RecordingWindowSink.late(seq, spec.id(), key, t, w));
            return;
        }
        liveEventsByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[]{t, value, 0});
        for (final long end : ends)
        {
            if (known(w) && end - 1 <= w && end - 1 + spec.allowedLatenessNs() > w)
            {
                emitPaneWindow(seq, key, end, true);
            }
        }
    }

    private void emitPaneWindow(final long seq, final long key, final long end, final boolean updateIfSeen)
    {
        long count = 0;
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (final long[] e : liveEventsByKey.get(key))
        {
            if (e[T] >= end - spec.sizeNs() && e[T] < end)
            {
                count++;
                sum = KeyedWindows.saturatingAdd(sum, e[VALUE]);
                min = Math.min(min, e[VALUE]);
                max = Math.max(max, e[VALUE]);
            }
        }
        lines.add(RecordingWindowSink.result(
            seq, spec.id(), key, end - spec.sizeNs(), end, count, sum, min, max, updateIfSeen && count > 1));
    }

    private void advance(final long seq, final long before, final long after)
    {
        if (after == before)
        {
            return;
        }
        if (spec.kind() == WindowKind.SESSION)
        {
            advanceSessions(seq, after);
            return;
        }
        final TreeSet<long[]> due =
            new TreeSet<>(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        liveEventsByKey.forEach((key, events) ->
        {
            for (final long[] e : events)
            {
                for (final long end : windowEndsOf(e[T]))
                {
                    if ((!known(before) || end - 1 > before) && end - 1 <= after)
                    {
                        due.add(new long[]{end, key});
                    }
                }
            }
        });
        for (final long[] window : due)
        {
            emitPaneWindow(seq, window[1], window[0], false);
        }
    }

    /** Sessions of a key's live events: [start, end, count, sum, min, max] plus the events themselves. */
    private List<List<long[]>> sessionsOf(final List<long[]> events)
    {
        final List<long[]> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(e -> e[T]));
        final List<List<long[]>> sessions = new ArrayList<>();
        long end = Long.MIN_VALUE;
        for (final long[] e : sorted)
        {
            if (sessions.isEmpty() || e[T] > end)
            {
                sessions.add(new ArrayList<>());
            }
            sessions.get(sessions.size() - 1).add(e);
            final boolean opened = sessions.get(sessions.size() - 1).size() == 1;
            end = opened ? e[T] + spec.sizeNs() : Math.max(end, e[T] + spec.sizeNs());
        }
        return sessions;
    }

    private static long start(final List<long[]> session)
    {
        return session.stream().mapToLong(e -> e[T]).min().orElseThrow();
    }

    private long end(final List<long[]> session)
    {
        return session.stream().mapToLong(e -> e[T]).max().orElseThrow() + spec.sizeNs();
    }

    private String form(final long key, final List<long[]> session)
    {
        return key + ":" + start(session) + ":" + end(session) + ":" + session.size();
    }

    private void sessionEvent(final long seq, final long key, final long t, final long value, final long w)
    {
        final List<long[]> events = liveEventsByKey.computeIfAbsent(key, k -> new ArrayList<>());
        final long[] event = {t, value, 0};
        events.add(event);
        List<long[]> mine = null;
        for (final List<long[]> session : sessionsOf(events))
        {
            if (session.contains(event))
            {
                mine = session;
            }
        }
        final long end = end(mine);
        if (known(w) && end - 1 + spec.allowedLatenessNs() <= w)
        {
            events.remove(event);
            if (events.isEmpty())
            {
                liveEventsByKey.remove(key);
            }
            lines.add(RecordingWindowSink.late(seq, spec.id(), key, t, w));
            return;
        }
        if (known(w) && end - 1 <= w)
        {
            emitSession(seq, key, mine);
        }
    }

    private void emitSession(final long seq, final long key, final List<long[]> session)
    {
        final boolean update = session.stream().anyMatch(e -> e[EMITTED] != 0);
        final long sum = session.stream().mapToLong(e -> e[VALUE]).reduce(0, KeyedWindows::saturatingAdd);
        final long min = session.stream().mapToLong(e -> e[VALUE]).min().orElseThrow();
        final long max = session.stream().mapToLong(e -> e[VALUE]).max().orElseThrow();
        lines.add(RecordingWindowSink.result(
            seq, spec.id(), key, start(session), end(session), session.size(), sum, min, max, update));
        session.forEach(e -> e[EMITTED] = 1);
        emittedSessionForms.add(form(key, session));
    }

    private void advanceSessions(final long seq, final long w)
    {
        final List<Object[]> due = new ArrayList<>();
        liveEventsByKey.forEach((key, events) ->
        {
            for (final List<long[]> session : sessionsOf(events))
            {
                if (end(session) - 1 <= w && !emittedSessionForms.contains(form(key, session)))
                {
                    due.add(new Object[]{end(session), key, session});
                }
            }
        });
        due.sort(Comparator.<Object[]>comparingLong(a -> (Long)a[0]).thenComparingLong(a -> (Long)a[1]));
        for (final Object[] d : due)
        {
            @SuppressWarnings("unchecked") final List<long[]> session = (List<long[]>)d[2];
            emitSession(seq, (Long)d[1], session);
        }
        final List<Long> emptyKeys = new ArrayList<>();
        liveEventsByKey.forEach((key, events) ->
        {
            for (final List<long[]> session : sessionsOf(events))
            {
                if (emittedSessionForms.contains(form(key, session)) &&
                    end(session) - 1 + spec.allowedLatenessNs() <= w)
                {
                    events.removeAll(session);
                }
            }
            if (events.isEmpty())
            {
                emptyKeys.add(key);
            }
        });
        emptyKeys.forEach(liveEventsByKey::remove);
    }
}
