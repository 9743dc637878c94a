package dev.vigil.core.ring;

import dev.vigil.codecs.Verdict;

/**
 * Fixed-capacity list of the alerts raised for one event, stored in parallel primitive arrays so a slot can be
 * reused without allocating. An alert of a sequence pattern also lists the events it matched (engine sequence,
 * event time and value each), from a pool shared by the event's alerts.
 */
public final class RuleAlerts
{
    private final int[] ruleIds;
    private final Verdict[] actions;
    private final long[] keys;
    private final long[] observed;
    private final long[] thresholds;
    private final long[] windowStartsNs;
    private final long[] windowEndsNs;
    private final int[] matchedFrom;
    private final int[] matchedCounts;
    private final long[] matchedEngineSeqs;
    private final long[] matchedTimesNs;
    private final long[] matchedValues;
    private int size;
    private int matchedSize;

    RuleAlerts(final int capacity, final int matchedCapacity)
    {
        matchedFrom = new int[capacity];
        matchedCounts = new int[capacity];
        matchedEngineSeqs = new long[matchedCapacity];
        matchedTimesNs = new long[matchedCapacity];
        matchedValues = new long[matchedCapacity];
        ruleIds = new int[capacity];
        actions = new Verdict[capacity];
        keys = new long[capacity];
        observed = new long[capacity];
        thresholds = new long[capacity];
        windowStartsNs = new long[capacity];
        windowEndsNs = new long[capacity];
    }

    void clear()
    {
        size = 0;
        matchedSize = 0;
    }

    /**
     * Append an alert; ignored when full (the event's fired-rules bitmap still records the rule).
     *
     * @param ruleId        of the rule that fired.
     * @param action        verdict the rule asks for; APPROVE for alert-only rules.
     * @param key           the rule's key value (account, card…).
     * @param observedValue what the rule measured.
     * @param threshold     the limit it was compared with.
     * @param windowStartNs start of the window measured, inclusive; equal to the event time for single-event rules.
     * @param windowEndNs   end of the window measured, exclusive.
     * @return true when recorded.
     */
    public boolean add(
        final int ruleId,
        final Verdict action,
        final long key,
        final long observedValue,
        final long threshold,
        final long windowStartNs,
        final long windowEndNs)
    {
        if (size == ruleIds.length)
        {
            return false;
        }
        final int i = size++;
        ruleIds[i] = ruleId;
        actions[i] = action;
        keys[i] = key;
        observed[i] = observedValue;
        thresholds[i] = threshold;
        windowStartsNs[i] = windowStartNs;
        windowEndsNs[i] = windowEndNs;
        matchedFrom[i] = matchedSize;
        matchedCounts[i] = 0;
        return true;
    }

    /**
     * List one more matched event under the alert added last; ignored when the pool is full (the alert then lists
     * the events that fitted).
     *
     * @param engineSeq   the event's engine sequence.
     * @param eventTimeNs its event time.
     * @param value       the value the pattern kept for it.
     */
    public void addMatchedEvent(final long engineSeq, final long eventTimeNs, final long value)
    {
        if (size == 0 || matchedSize == matchedEngineSeqs.length)
        {
            return;
        }
        final int m = matchedSize++;
        matchedEngineSeqs[m] = engineSeq;
        matchedTimesNs[m] = eventTimeNs;
        matchedValues[m] = value;
        matchedCounts[size - 1]++;
    }

    /**
     * @param index an alert.
     * @return events it lists as matched; 0 but for sequence patterns.
     */
    public int matchedCount(final int index)
    {
        return matchedCounts[index];
    }

    /**
     * @param index an alert.
     * @param event from 0 to {@link #matchedCount(int)}, in event-time order.
     * @return that event's engine sequence.
     */
    public long matchedEngineSeq(final int index, final int event)
    {
        return matchedEngineSeqs[matchedFrom[index] + event];
    }

    /**
     * @param index an alert.
     * @param event from 0 to {@link #matchedCount(int)}, in event-time order.
     * @return that event's time.
     */
    public long matchedTimeNs(final int index, final int event)
    {
        return matchedTimesNs[matchedFrom[index] + event];
    }

    /**
     * @param index an alert.
     * @param event from 0 to {@link #matchedCount(int)}, in event-time order.
     * @return that event's value.
     */
    public long matchedValue(final int index, final int event)
    {
        return matchedValues[matchedFrom[index] + event];
    }

    public int size()
    {
        return size;
    }

    /**
     * @param matchedEvents matched events the next alert would list.
     * @return whether one more alert with that many matched events fits.
     */
    public boolean hasRoomFor(final int matchedEvents)
    {
        return size < ruleIds.length && matchedSize + matchedEvents <= matchedEngineSeqs.length;
    }

    public int ruleId(final int index)
    {
        return ruleIds[index];
    }

    public Verdict action(final int index)
    {
        return actions[index];
    }

    public long key(final int index)
    {
        return keys[index];
    }

    public long observed(final int index)
    {
        return observed[index];
    }

    public long threshold(final int index)
    {
        return thresholds[index];
    }

    public long windowStartNs(final int index)
    {
        return windowStartsNs[index];
    }

    public long windowEndNs(final int index)
    {
        return windowEndsNs[index];
    }
}
