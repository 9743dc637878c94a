package dev.vigil.core.ring;

import dev.vigil.codecs.Verdict;

/**
 * Fixed-capacity list of the alerts raised for one event, stored in parallel primitive arrays so a slot can be
 * reused without allocating.
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
    private int size;

    RuleAlerts(final int capacity)
    {
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
        return true;
    }

    public int size()
    {
        return size;
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
