package dev.vigil.core.rules;

import dev.vigil.core.state.RecordStore;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where each keyed rule's slice lies in its state key's shared records: a store's records are as long as its rules'
 * slices together (each 8-byte aligned), rounded up to a cache line so a rules update has some room, and at most
 * {@code rules.state.max.record.bytes}; a fresh layout puts the slices one after the other in rule id order, and an
 * update places new slices in the first free range that fits.
 */
final class SliceLayout
{
    static final int CACHE_LINE = 64;

    private SliceLayout()
    {
    }

    /**
     * @return the record size of each state key the rules use.
     * @throws IllegalArgumentException naming the state key when its rules need more than maxRecordBytes.
     */
    static Map<StateKey, Integer> recordSizes(final RuleSet rules, final int maxRecordBytes)
    {
        final Map<StateKey, Integer> needed = new EnumMap<>(StateKey.class);
        for (final KeyedStateRule rule : keyedRules(rules))
        {
            needed.merge(rule.stateKey(), sliceBytes(rule), Integer::sum);
        }
        final Map<StateKey, Integer> recordBytes = new EnumMap<>(StateKey.class);
        for (final Map.Entry<StateKey, Integer> entry : needed.entrySet())
        {
            recordBytes.put(entry.getKey(), recordBytesFor(entry.getKey(), entry.getValue(), maxRecordBytes));
        }
        return recordBytes;
    }

    private static int recordBytesFor(final StateKey stateKey, final int bytes, final int maxRecordBytes)
    {
        if (bytes > maxRecordBytes)
        {
            throw new IllegalArgumentException("the " + stateKey.displayName() + " rules need " + bytes +
                " bytes of state per key, more than rules.state.max.record.bytes=" + maxRecordBytes +
                ": raise it, or use fewer panes (a coarser slide) or fewer rules of that key");
        }
        return Math.min(maxRecordBytes, (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
    }

    static int sliceBytes(final KeyedStateRule rule)
    {
        return (rule.stateBytes() + Long.BYTES - 1) & -Long.BYTES;
    }

    /**
     * @return the offset of a rule's slice in a fresh layout: after the slices of the rules of its key before it.
     */
    static int freshOffset(final RuleSet rules, final KeyedStateRule of)
    {
        int end = 0;
        for (final KeyedStateRule rule : keyedRules(rules))
        {
            if (rule == of)
            {
                break;
            }
            if (rule.stateKey() == of.stateKey())
            {
                end += sliceBytes(rule);
            }
        }
        return end;
    }

    static List<KeyedStateRule> keyedRules(final RuleSet rules)
    {
        final List<KeyedStateRule> keyed = new ArrayList<>();
        for (final Rule rule : rules.rules())
        {
            if (rule instanceof KeyedStateRule)
            {
                keyed.add((KeyedStateRule)rule);
            }
        }
        return keyed;
    }

    /**
     * @param taken       ranges {start, end} of a record already taken.
     * @param bytes       the slice to place.
     * @param recordBytes the record's length.
     * @return the lowest offset where the slice fits between the taken ranges, or -1 when it fits nowhere.
     */
    static int firstFit(final List<int[]> taken, final int bytes, final int recordBytes)
    {
        int candidate = 0;
        boolean moved = true;
        while (moved)
        {
            moved = false;
            for (final int[] range : taken)
            {
                if (candidate < range[1] && candidate + bytes > range[0])
                {
                    candidate = range[1];
                    moved = true;
                }
            }
        }
        return candidate + bytes <= recordBytes ? candidate : -1;
    }

    /**
     * @return the record offsets a prefetch loads for a store: each bound rule's slice's first and last word of its
     * first 64 bytes, ascending. Records are only 8-byte aligned, so those bytes, where each rule keeps what it reads
     * first, may span two cache lines.
     */
    static int[] sliceHeadLines(final RuleSet rules, final RecordStore store)
    {
        final TreeSet<Integer> lines = new TreeSet<>();
        for (final KeyedStateRule rule : keyedRules(rules))
        {
            if (rule.stateStore() == store)
            {
                lines.add(rule.stateOffset());
                final int headWords = (Math.min(rule.stateBytes(), CACHE_LINE) + Long.BYTES - 1) / Long.BYTES;
                lines.add(rule.stateOffset() + (headWords - 1) * Long.BYTES);
            }
        }
        return lines.stream().mapToInt(Integer::intValue).toArray();
    }
}
