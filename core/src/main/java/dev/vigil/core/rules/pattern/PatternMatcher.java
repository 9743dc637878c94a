package dev.vigil.core.rules.pattern;

import dev.vigil.core.state.RecordWords;
import org.agrona.UnsafeApi;

import java.util.Arrays;

/**
 * Finds, per key, the matches of a {@link PatternShape} in event time whatever the order events arrive in, over a
 * bounded buffer of the key's recent events kept in a record of keyed state.
 * <p>
 * The record holds up to {@code maxEvents} events sorted by event time (ties in arrival order): each event's time,
 * engine sequence, value and condition mask (which of the pattern's conditions it satisfies). An arriving event is
 * inserted in its place, then one pass over the buffer in time order finds whether a match <em>that includes it</em>
 * now exists: a dynamic programme over (slot, event) that keeps, for each, the latest possible first-event time of a
 * partial match ending there — once over every partial match, once over those that include the new event. A match
 * exists when some accepting slot's latest start is less than {@code within} before its event. The pass costs O(events
 * × slots) and allocates nothing; the match found is reported through {@link PatternMatch} (the first by end event, and
 * of those the latest-starting, so replay reports the same one).
 * <p>
 * What the buffer keeps bounds what is found, and is stated as the rule's semantics:
 * <ul>
 *     <li>An event more than {@code allowedLateness} behind the key's newest event time is late: not stored, never
 *     part of a match ({@link #NOT_SEEN}).</li>
 *     <li>Events older than {@code newest − allowedLateness − within} (less the absence after the last step, if any)
 *     can take part in no match with an event that is not late, and leave the buffer — for a pattern judged on the
 *     watermark, not before the matches ending after the last one judged have been judged. So does the oldest event
 *     when more than {@code maxEvents} are held, after the arriving event was matched (the ring has a spare entry for
 *     it). Every match among events that are not late is found while the key holds at most {@code maxEvents} events
 *     within that horizon besides the arriving one.</li>
 *     <li>An absence before the first event ({@code absentBefore}) is judged over the buffer and, for events that have
 *     left it, over the newest such event that left.</li>
 *     <li>Events that satisfy none of the pattern's conditions are not seen, unless a step needs the key's very next
 *     event ({@link PatternShape#storesEveryEvent()}).</li>
 * </ul>
 * Layout, in words: {@code [newest time, head | count << 32, newest absent-condition time that left, last end
 * judged, masks (a byte each), times, engine sequences, values]}, a ring of {@code maxEvents + 1} entries; the header's
 * times biased so a new record's zeros read as "none".
 */
public final class PatternMatcher
{
    /** {@link #add} found no match that includes the event. */
    public static final int NO_MATCH = 0;
    /** {@link #add} found a match that includes the event; see {@link #match()}. */
    public static final int MATCH = 1;
    /** {@link #add}: the event is late or satisfies no condition; the record is unchanged but for nothing. */
    public static final int NOT_SEEN = 2;

    /** Most events one key's buffer may hold. */
    public static final int MAX_EVENTS = 64;

    private static final long NONE = Long.MIN_VALUE;
    private static final int NEWEST_TIME = 0;
    private static final int HEAD_AND_COUNT = 1;
    private static final int ABSENT_LEFT_TIME = 2;
    private static final int JUDGED_UP_TO = 3;
    private static final int MASKS = 4;
    private static final int NO_PREDECESSOR = -1;
    /** Mask bit of an event kept only for an absence after a match: it takes no step. */
    private static final int ABSENCE_ONLY = 0x80;

    private final PatternShape shape;
    private final int maxEvents;
    private final int ringSize;
    private final int timesWord;
    private final int idsWord;
    private final int valuesWord;
    private final int slots;
    private final long[] startAll;
    private final long[] startWith;
    private final long[] runAll;
    private final long[] runWith;
    private final int[] runAllFrom;
    private final int[] runWithFrom;
    private final long[] nextAll;
    private final long[] nextWith;
    private final int[] nextAllFrom;
    private final int[] nextWithFrom;
    private final int[] fromAll;
    private final int[] fromWith;
    private final PatternMatch match = new PatternMatch();
    private long nextDueNs = NONE;

    /**
     * @param shape     the compiled pattern.
     * @param maxEvents events one key's buffer holds, in [1, {@link #MAX_EVENTS}].
     */
    public PatternMatcher(final PatternShape shape, final int maxEvents)
    {
        if (maxEvents < 1 || maxEvents > MAX_EVENTS)
        {
            throw new IllegalArgumentException("maxEvents " + maxEvents + " not in [1, " + MAX_EVENTS + "]");
        }
        this.shape = shape;
        this.maxEvents = maxEvents;
        this.ringSize = maxEvents + 1;
        this.timesWord = MASKS + (ringSize + 7) / 8;
        this.idsWord = timesWord + ringSize;
        this.valuesWord = idsWord + ringSize;
        this.slots = shape.slotCount();
        this.startAll = new long[slots];
        this.startWith = new long[slots];
        this.runAll = new long[slots];
        this.runWith = new long[slots];
        this.runAllFrom = new int[slots];
        this.runWithFrom = new int[slots];
        this.nextAll = new long[slots];
        this.nextWith = new long[slots];
        this.nextAllFrom = new int[slots];
        this.nextWithFrom = new int[slots];
        this.fromAll = new int[slots * ringSize];
        this.fromWith = new int[slots * ringSize];
    }

    /**
     * @param maxEvents events one key's buffer holds.
     * @return bytes of one key's record.
     */
    public static int stateBytes(final int maxEvents)
    {
        final int ringSize = maxEvents + 1;
        return (MASKS + (ringSize + 7) / 8 + 3 * ringSize) * Long.BYTES;
    }

    /**
     * @return bytes of one key's record for this matcher.
     */
    public int stateBytes()
    {
        return stateBytes(maxEvents);
    }

    /**
     * @return the match the last {@link #add} that answered {@link #MATCH} found.
     */
    public PatternMatch match()
    {
        return match;
    }

    /**
     * For a pattern with an absence after its last step: judge the key's next match whose absence time the
     * watermark has passed, in end-time order after those judged before. Answers {@link #MATCH} with the first whose
     * absence held (its events in {@link #match()}; call again for the next); {@link #NO_MATCH} when none is left,
     * every match ending up to {@code watermark − absence} then judged, and {@link #nextDueNs()} says when the key
     * next has one to judge. A match is judged as the watermark passes the end of its absence, so ends up to
     * {@code previousWatermark − absence} were judged at earlier moves (a match completed after that is late and not
     * judged); each end time fires once.
     *
     * @param record              address of the key's record.
     * @param previousWatermarkNs the watermark at the move before, {@code Long.MIN_VALUE} for none.
     * @param watermarkNs         the watermark: no event at or before it is still expected.
     * @return {@link #MATCH} or {@link #NO_MATCH}.
     */
    public int judgeAbsence(final long record, final long previousWatermarkNs, final long watermarkNs)
    {
        final long absentNs = shape.absentAfterNs();
        final long judgedUpTo = Math.max(RecordWords.getBiased(record, JUDGED_UP_TO),
            previousWatermarkNs == NONE ? NONE : previousWatermarkNs - absentNs);
        final long dueUpTo = watermarkNs - absentNs;
        final int found = find(record, -1, judgedUpTo, dueUpTo);
        final long judged = found == MATCH ? match.lastTimeNs() : Math.max(judgedUpTo, dueUpTo);
        RecordWords.putBiased(record, JUDGED_UP_TO, judged);
        return found;
    }

    /**
     * @return after {@link #judgeAbsence}: the watermark at which the key next has a match to judge, or
     * {@code Long.MIN_VALUE} for none yet.
     */
    public long nextDueNs()
    {
        return nextDueNs;
    }

    /**
     * Take one event of the key whose record this is, and find whether it completes a match. For a pattern with an
     * absence after its last step, a {@link #MATCH} is a candidate, judged later by {@link #judgeAbsence}: it ends
     * after every match judged so far.
     *
     * @param record   address of the key's record ({@link #stateBytes()} long, zeros when new).
     * @param timeNs   the event's time.
     * @param mask     the conditions it satisfies, a bit each.
     * @param engineSeq its engine sequence, reported with a match.
     * @param value    its value, reported with a match.
     * @return {@link #MATCH}, {@link #NO_MATCH} or {@link #NOT_SEEN}.
     */
    public int add(final long record, final long timeNs, final int mask, final long engineSeq, final long value)
    {
        return add(record, timeNs, mask, engineSeq, value, NONE);
    }

    /**
     * As {@link #add(long, long, int, long, long)}, for a pattern judged on the watermark: a candidate must end after
     * {@code endsAfterNs} (the watermark less the absence: an earlier end's absence is already over, and it is late).
     *
     * @param record      address of the key's record.
     * @param timeNs      the event's time.
     * @param mask        the conditions it satisfies, a bit each.
     * @param engineSeq   its engine sequence, reported with a match.
     * @param value       its value, reported with a match.
     * @param endsAfterNs a candidate match ends after this.
     * @return {@link #MATCH}, {@link #NO_MATCH} or {@link #NOT_SEEN}.
     */
    public int add(
        final long record,
        final long timeNs,
        final int mask,
        final long engineSeq,
        final long value,
        final long endsAfterNs)
    {
        final int seen = mask & shape.usedConditions();
        if (seen == 0 && !shape.storesEveryEvent())
        {
            return NOT_SEEN;
        }
        final long newest = RecordWords.getBiased(record, NEWEST_TIME);
        if (newest != NONE && timeNs < newest - shape.allowedLatenessNs())
        {
            keepLateAbsence(record, timeNs, seen & shape.absentAfterMask(), engineSeq, value, endsAfterNs);
            return NOT_SEEN;
        }
        if (newest == NONE || timeNs > newest)
        {
            RecordWords.putBiased(record, NEWEST_TIME, timeNs);
            leaveBefore(record, oldestNeededAfter(record, timeNs));
        }
        final int position = insert(record, timeNs, seen, engineSeq, value);
        final int found = find(record, position,
            Math.max(RecordWords.getBiased(record, JUDGED_UP_TO), endsAfterNs), Long.MAX_VALUE);
        if (count(record) > maxEvents)
        {
            leaveOldest(record);
        }
        return found;
    }

    /**
     * An event too late to be matched may still be the event an absence after a match waits for: kept for that
     * alone, when it comes after every match end already judged.
     */
    private void keepLateAbsence(
        final long record, final long timeNs, final int absentBits, final long engineSeq, final long value,
        final long endsAfterNs)
    {
        if (absentBits != 0 && timeNs > Math.max(RecordWords.getBiased(record, JUDGED_UP_TO), endsAfterNs))
        {
            insert(record, timeNs, absentBits | ABSENCE_ONLY, engineSeq, value);
            if (count(record) > maxEvents)
            {
                leaveOldest(record);
            }
        }
    }

    /**
     * Events at or before the time returned take part in no match left to find: none with an event that is not late
     * and, for a pattern judged on the watermark, none ending after the last end judged.
     */
    private long oldestNeededAfter(final long record, final long newestNs)
    {
        final long withinNs = shape.withinNs();
        final long byNewest = newestNs - shape.allowedLatenessNs() - withinNs - shape.absentAfterNs();
        if (shape.absentAfterMask() == 0)
        {
            return byNewest;
        }
        final long judged = RecordWords.getBiased(record, JUDGED_UP_TO);
        return judged == NONE ? NONE : Math.min(byNewest, judged - withinNs);
    }

    private void leaveBefore(final long record, final long oldestKeptAfterNs)
    {
        while (count(record) > 0 && time(record, 0) <= oldestKeptAfterNs)
        {
            leaveOldest(record);
        }
    }

    private void leaveOldest(final long record)
    {
        if ((mask(record, 0) & shape.absentBeforeMask()) != 0)
        {
            final long left = RecordWords.getBiased(record, ABSENT_LEFT_TIME);
            RecordWords.putBiased(record, ABSENT_LEFT_TIME, Math.max(left, time(record, 0)));
        }
        final long headAndCount = RecordWords.get(record, HEAD_AND_COUNT);
        final int head = (int)headAndCount;
        final int count = (int)(headAndCount >>> 32);
        putHeadAndCount(record, head + 1 == ringSize ? 0 : head + 1, count - 1);
    }

    /**
     * Insert in event-time order, ties after what is there; the ring has one entry more than it keeps, so the event
     * is matched even when it is older than everything a full buffer holds.
     */
    private int insert(final long record, final long timeNs, final int mask, final long engineSeq, final long value)
    {
        final int count = count(record);
        int position = count;
        while (position > 0 && time(record, position - 1) > timeNs)
        {
            position--;
        }
        final long headAndCount = RecordWords.get(record, HEAD_AND_COUNT);
        putHeadAndCount(record, (int)headAndCount, count + 1);
        for (int i = count; i > position; i--)
        {
            copyEntry(record, i - 1, i);
        }
        putEntry(record, position, timeNs, mask, engineSeq, value);
        return position;
    }

    /**
     * One pass of the dynamic programme. With an arrived event ({@code arrived >= 0}), a match must include it;
     * without, any match counts, must hold its absence after, and the first match ending after {@code dueUpToNs}
     * sets {@link #nextDueNs}.
     */
    private int find(final long record, final int arrived, final long endsAfterNs, final long dueUpToNs)
    {
        Arrays.fill(runAll, NONE);
        Arrays.fill(runWith, NONE);
        Arrays.fill(nextAll, NONE);
        Arrays.fill(nextWith, NONE);
        nextDueNs = NONE;
        final int count = count(record);
        final long withinNs = shape.withinNs();
        final int absentMask = shape.absentBeforeMask();
        final long absentNs = shape.absentBeforeNs();
        final boolean judging = arrived < 0;
        long lastAbsent = RecordWords.getBiased(record, ABSENT_LEFT_TIME);
        int first = 0;
        long stopAtNs = Long.MAX_VALUE;
        if (!judging)
        {
            // A match that includes the arrived event lies within `within` of it on either side: events before that
            // only matter for an absence before, and none after it can end such a match.
            final long arrivedNs = time(record, arrived);
            stopAtNs = arrivedNs + withinNs;
            while (first < arrived && time(record, first) <= arrivedNs - withinNs)
            {
                if ((mask(record, first) & absentMask) != 0)
                {
                    lastAbsent = Math.max(lastAbsent, time(record, first));
                }
                first++;
            }
        }
        for (int event = first; event < count; event++)
        {
            final long timeNs = time(record, event);
            if (timeNs >= stopAtNs)
            {
                break;
            }
            final int mask = mask(record, event);
            final boolean absentHolds = absentMask == 0 || lastAbsent == NONE || lastAbsent < timeNs - absentNs;
            for (int slot = 0; slot < slots; slot++)
            {
                takeSlot(slot, event, timeNs, mask, event == arrived, absentHolds);
            }
            if (timeNs > endsAfterNs)
            {
                for (int slot = shape.firstAccepting(); slot < slots; slot++)
                {
                    final long start = judging ? startAll[slot] : startWith[slot];
                    if (start == NONE || timeNs - start >= withinNs)
                    {
                        continue;
                    }
                    if (judging && timeNs > dueUpToNs)
                    {
                        nextDueNs = timeNs + shape.absentAfterNs();
                        return NO_MATCH;
                    }
                    if (!judging || absentAfterHolds(record, event, count))
                    {
                        report(record, slot, event, arrived);
                        return MATCH;
                    }
                }
            }
            advance(event, mask);
            if ((mask & absentMask) != 0)
            {
                lastAbsent = Math.max(lastAbsent, timeNs);
            }
        }
        return NO_MATCH;
    }

    private boolean absentAfterHolds(final long record, final int last, final int count)
    {
        final long untilNs = time(record, last) + shape.absentAfterNs();
        for (int event = last + 1; event < count && time(record, event) <= untilNs; event++)
        {
            if ((mask(record, event) & shape.absentAfterMask()) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private void takeSlot(
        final int slot, final int event, final long timeNs, final int mask, final boolean isArrived,
        final boolean absentHolds)
    {
        final int at = slot * ringSize + event;
        if ((mask & (1 << shape.slotCondition(slot))) == 0 || (mask & ABSENCE_ONLY) != 0)
        {
            startAll[slot] = NONE;
            startWith[slot] = NONE;
            return;
        }
        if (slot == 0)
        {
            final long start = absentHolds ? timeNs : NONE;
            startAll[0] = start;
            startWith[0] = isArrived ? start : NONE;
            fromAll[at] = NO_PREDECESSOR;
            fromWith[at] = NO_PREDECESSOR;
            return;
        }
        final boolean strict = shape.isStrict(slot);
        final long all = strict ? nextAll[slot] : runAll[slot];
        final int allFrom = strict ? nextAllFrom[slot] : runAllFrom[slot];
        startAll[slot] = all;
        fromAll[at] = allFrom;
        if (isArrived)
        {
            startWith[slot] = all;
            fromWith[at] = allFrom;
        }
        else
        {
            startWith[slot] = strict ? nextWith[slot] : runWith[slot];
            fromWith[at] = strict ? nextWithFrom[slot] : runWithFrom[slot];
        }
    }

    private void advance(final int event, final int mask)
    {
        for (int slot = 1; slot < slots; slot++)
        {
            if ((mask & shape.forbiddenBetween(slot)) != 0)
            {
                runAll[slot] = NONE;
                runWith[slot] = NONE;
            }
            long nextStartAll = NONE;
            long nextStartWith = NONE;
            int nextFromAll = NO_PREDECESSOR;
            int nextFromWith = NO_PREDECESSOR;
            for (int from = shape.firstPredecessor(slot); from < slot; from++)
            {
                final int node = (from << 8) | event;
                if (startAll[from] > nextStartAll)
                {
                    nextStartAll = startAll[from];
                    nextFromAll = node;
                }
                if (startWith[from] > nextStartWith)
                {
                    nextStartWith = startWith[from];
                    nextFromWith = node;
                }
            }
            nextAll[slot] = nextStartAll;
            nextAllFrom[slot] = nextFromAll;
            nextWith[slot] = nextStartWith;
            nextWithFrom[slot] = nextFromWith;
            if (nextStartAll > runAll[slot])
            {
                runAll[slot] = nextStartAll;
                runAllFrom[slot] = nextFromAll;
            }
            if (nextStartWith > runWith[slot])
            {
                runWith[slot] = nextStartWith;
                runWithFrom[slot] = nextFromWith;
            }
        }
    }

    private void report(final long record, final int lastSlot, final int lastEvent, final int arrived)
    {
        match.clear();
        int slot = lastSlot;
        int event = lastEvent;
        boolean includesArrivedLater = arrived >= 0;
        while (true)
        {
            match.prepend(time(record, event), engineSeq(record, event), value(record, event));
            final int at = slot * ringSize + event;
            final int from;
            if (includesArrivedLater)
            {
                from = fromWith[at];
                includesArrivedLater = event != arrived;
            }
            else
            {
                from = fromAll[at];
            }
            if (from == NO_PREDECESSOR)
            {
                return;
            }
            slot = from >>> 8;
            event = from & 0xFF;
        }
    }

    private int count(final long record)
    {
        return (int)(RecordWords.get(record, HEAD_AND_COUNT) >>> 32);
    }

    private void putHeadAndCount(final long record, final int head, final int count)
    {
        RecordWords.put(record, HEAD_AND_COUNT, ((long)count << 32) | (head & 0xFFFF_FFFFL));
    }

    private int ringIndex(final long record, final int event)
    {
        final int index = (int)RecordWords.get(record, HEAD_AND_COUNT) + event;
        return index >= ringSize ? index - ringSize : index;
    }

    private long time(final long record, final int event)
    {
        return RecordWords.get(record, timesWord + ringIndex(record, event));
    }

    private long engineSeq(final long record, final int event)
    {
        return RecordWords.get(record, idsWord + ringIndex(record, event));
    }

    private long value(final long record, final int event)
    {
        return RecordWords.get(record, valuesWord + ringIndex(record, event));
    }

    private int mask(final long record, final int event)
    {
        return UnsafeApi.getByte(record + MASKS * Long.BYTES + ringIndex(record, event)) & 0xFF;
    }

    private void copyEntry(final long record, final int fromEvent, final int toEvent)
    {
        final int from = ringIndex(record, fromEvent);
        final int to = ringIndex(record, toEvent);
        RecordWords.put(record, timesWord + to, RecordWords.get(record, timesWord + from));
        RecordWords.put(record, idsWord + to, RecordWords.get(record, idsWord + from));
        RecordWords.put(record, valuesWord + to, RecordWords.get(record, valuesWord + from));
        UnsafeApi.putByte(record + MASKS * Long.BYTES + to, UnsafeApi.getByte(record + MASKS * Long.BYTES + from));
    }

    private void putEntry(
        final long record, final int event, final long timeNs, final int mask, final long engineSeq, final long value)
    {
        final int at = ringIndex(record, event);
        RecordWords.put(record, timesWord + at, timeNs);
        RecordWords.put(record, idsWord + at, engineSeq);
        RecordWords.put(record, valuesWord + at, value);
        UnsafeApi.putByte(record + MASKS * Long.BYTES + at, (byte)mask);
    }
}
