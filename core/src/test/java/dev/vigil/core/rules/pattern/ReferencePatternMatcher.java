package dev.vigil.core.rules.pattern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented semantics of sequence patterns, kept naively for tests: per key every event that was not late, in
 * event-time order (ties in arrival order), and a search over every way the pattern's steps could take them.
 */
final class ReferencePatternMatcher
{
    record Step(int condition, int minTimes, int maxTimes, boolean next, int forbiddenBetween)
    {
    }

    record Event(long timeNs, int mask, long id, boolean absenceOnly)
    {
        Event(final long timeNs, final int mask, final long id)
        {
            this(timeNs, mask, id, false);
        }
    }

    private final List<Step> steps;
    private final long withinNs;
    private final long latenessNs;
    private final int absentMask;
    private final long absentNs;
    private final int absentAfterMask;
    private final long absentAfterNs;
    private long watermarkNs = Long.MIN_VALUE;
    private final boolean storesEveryEvent;
    private final int usedConditions;
    private final Map<Long, List<Event>> eventsByKey = new HashMap<>();
    private final Map<Long, Long> newestByKey = new HashMap<>();

    ReferencePatternMatcher(
        final List<Step> steps, final long withinNs, final long latenessNs, final int absentMask, final long absentNs)
    {
        this(steps, withinNs, latenessNs, absentMask, absentNs, 0, 0);
    }

    ReferencePatternMatcher(
        final List<Step> steps, final long withinNs, final long latenessNs, final int absentMask, final long absentNs,
        final int absentAfterMask, final long absentAfterNs)
    {
        this.absentAfterMask = absentAfterMask;
        this.absentAfterNs = absentAfterNs;
        this.steps = steps;
        this.withinNs = withinNs;
        this.latenessNs = latenessNs;
        this.absentMask = absentMask;
        this.absentNs = absentNs;
        int used = absentMask | absentAfterMask;
        boolean anyNext = false;
        for (int i = 0; i < steps.size(); i++)
        {
            final Step step = steps.get(i);
            used |= (1 << step.condition()) | (i > 0 || step.maxTimes() > 1 ? step.forbiddenBetween() : 0);
            anyNext |= step.next() && (i > 0 || step.maxTimes() > 1);
        }
        this.usedConditions = used;
        this.storesEveryEvent = anyNext;
    }

    /**
     * @return {@link PatternMatcher#MATCH}, {@link PatternMatcher#NO_MATCH} or {@link PatternMatcher#NOT_SEEN}.
     */
    int add(final long key, final long timeNs, final int mask, final long id)
    {
        final int seen = mask & usedConditions;
        if (seen == 0 && !storesEveryEvent)
        {
            return PatternMatcher.NOT_SEEN;
        }
        final Long newest = newestByKey.get(key);
        if (newest != null && timeNs < newest - latenessNs)
        {
            // Too late to be matched, but an absence after a match not yet judged still counts it.
            final int absent = seen & absentAfterMask;
            if (absent != 0 && (watermarkNs == Long.MIN_VALUE || timeNs > watermarkNs - absentAfterNs))
            {
                final List<Event> events = eventsByKey.computeIfAbsent(key, k -> new ArrayList<>());
                int position = events.size();
                while (position > 0 && events.get(position - 1).timeNs() > timeNs)
                {
                    position--;
                }
                events.add(position, new Event(timeNs, absent, id, true));
            }
            return PatternMatcher.NOT_SEEN;
        }
        newestByKey.put(key, newest == null ? timeNs : Math.max(newest, timeNs));
        final List<Event> events = eventsByKey.computeIfAbsent(key, k -> new ArrayList<>());
        int position = events.size();
        while (position > 0 && events.get(position - 1).timeNs() > timeNs)
        {
            position--;
        }
        final Event arrived = new Event(timeNs, seen, id);
        events.add(position, arrived);
        return matchesWith(events, position) ? PatternMatcher.MATCH : PatternMatcher.NO_MATCH;
    }

    /**
     * @return whether the events taken (indexes into the key's events, in order) are a match that includes arrived.
     */
    boolean isMatch(final List<Event> events, final List<Integer> taken, final int arrived)
    {
        if (arrived >= 0 && !taken.contains(arrived))
        {
            return false;
        }
        final int first = taken.get(0);
        final int last = taken.get(taken.size() - 1);
        if (events.get(last).timeNs() - events.get(first).timeNs() >= withinNs)
        {
            return false;
        }
        for (int i = 0; i < first; i++)
        {
            final Event before = events.get(i);
            if ((before.mask() & absentMask) != 0 && before.timeNs() >= events.get(first).timeNs() - absentNs)
            {
                return false;
            }
        }
        return assigns(events, taken, 0, 0, -1);
    }

    private boolean assigns(
        final List<Event> events, final List<Integer> taken, final int step, final int index, final int previous)
    {
        if (step == steps.size())
        {
            return index == taken.size();
        }
        final Step s = steps.get(step);
        for (int times = s.minTimes(); times <= s.maxTimes(); times++)
        {
            if (index + times > taken.size())
            {
                break;
            }
            boolean ok = true;
            int before = previous;
            for (int r = 0; r < times && ok; r++)
            {
                final int event = taken.get(index + r);
                ok = (events.get(event).mask() & (1 << s.condition())) != 0 && !events.get(event).absenceOnly();
                if (ok && before >= 0)
                {
                    ok = !s.next() || event == before + 1;
                    for (int between = before + 1; ok && between < event; between++)
                    {
                        ok = (events.get(between).mask() & s.forbiddenBetween()) == 0;
                    }
                }
                before = event;
            }
            if (ok && assigns(events, taken, step + 1, index + times, before))
            {
                return true;
            }
        }
        return false;
    }

    private boolean matchesWith(final List<Event> events, final int arrived)
    {
        if (absentAfterMask != 0)
        {
            // Judged on the watermark, not on arrival: an arrival only ever makes a match to judge later.
            return false;
        }
        final List<Integer> taken = new ArrayList<>();
        return search(events, arrived, 0, taken, -1);
    }

    /**
     * @param arrived an event every match must take, or -1.
     * @param endAt   the event every match must end at, or -1.
     */
    private boolean search(
        final List<Event> events, final int arrived, final int from, final List<Integer> taken, final int endAt)
    {
        if (!taken.isEmpty() && (endAt < 0 || taken.get(taken.size() - 1) == endAt) &&
            isMatch(events, taken, arrived))
        {
            return true;
        }
        final int pivot = arrived >= 0 ? arrived : endAt;
        int most = 0;
        for (final Step step : steps)
        {
            most += step.maxTimes();
        }
        if (taken.size() == most)
        {
            return false;
        }
        for (int next = from; next < events.size(); next++)
        {
            final Event event = events.get(next);
            if (Math.abs(event.timeNs() - events.get(pivot).timeNs()) >= withinNs || (endAt >= 0 && next > endAt))
            {
                continue;
            }
            if (!taken.isEmpty() && event.timeNs() - events.get(taken.get(0)).timeNs() >= withinNs)
            {
                break;
            }
            taken.add(next);
            if (search(events, arrived, next + 1, taken, endAt))
            {
                return true;
            }
            taken.remove(taken.size() - 1);
        }
        return false;
    }

    List<Event> events(final long key)
    {
        return eventsByKey.get(key);
    }

    /**
     * The watermark moved to {@code watermarkNs}: the matches whose absence it passed with this move — ending after
     * {@code previous − absence} and at or before {@code watermark − absence} — with no absent event after them
     * within that length, fire, one per key and end time.
     *
     * @return "key@endTime" of each match that fired, in key then end-time order.
     */
    List<String> judge(final long watermark)
    {
        final List<String> fired = new ArrayList<>();
        final long after = watermarkNs == Long.MIN_VALUE ? Long.MIN_VALUE : watermarkNs - absentAfterNs;
        final long upTo = watermark - absentAfterNs;
        watermarkNs = watermark;
        for (final Map.Entry<Long, List<Event>> entry : new java.util.TreeMap<>(eventsByKey).entrySet())
        {
            final List<Event> events = entry.getValue();
            long lastFired = Long.MIN_VALUE;
            for (int end = 0; end < events.size(); end++)
            {
                final long endTime = events.get(end).timeNs();
                if (endTime > after && endTime <= upTo && endTime > lastFired && absentAfterHolds(events, end) &&
                    search(events, -1, 0, new ArrayList<>(), end))
                {
                    fired.add(entry.getKey() + "@" + endTime);
                    lastFired = endTime;
                }
            }
        }
        return fired;
    }

    private boolean absentAfterHolds(final List<Event> events, final int last)
    {
        final long until = events.get(last).timeNs() + absentAfterNs;
        for (int i = last + 1; i < events.size() && events.get(i).timeNs() <= until; i++)
        {
            if ((events.get(i).mask() & absentAfterMask) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
