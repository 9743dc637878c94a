package dev.vigil.core.state;

import org.agrona.UnsafeApi;

/**
 * Reads and writes the 8-byte words of a record at a native address from a {@link RecordStore}: plain loads and
 * stores, no bounds checks (the address and word come from the store and the rule's fixed layout), nothing allocated.
 */
public final class RecordWords
{
    private RecordWords()
    {
    }

    /**
     * @param record address of a record, or of a rule's slice of one.
     * @param word   index of the word, from 0.
     * @return the word's value.
     */
    public static long get(final long record, final int word)
    {
        return UnsafeApi.getLong(record + ((long)word << 3));
    }

    /**
     * @param record address of a record, or of a rule's slice of one.
     * @param word   index of the word, from 0.
     * @param value  what to store.
     */
    public static void put(final long record, final int word, final long value)
    {
        UnsafeApi.putLong(record + ((long)word << 3), value);
    }

    /**
     * A word kept with its sign bit flipped, so that a new record's zero reads as {@code Long.MIN_VALUE}: the "none
     * yet" value of times and pane numbers.
     *
     * @param record address of a record, or of a rule's slice of one.
     * @param word   index of the word, from 0.
     * @return the word's value, {@code Long.MIN_VALUE} when never written.
     */
    public static long getBiased(final long record, final int word)
    {
        return get(record, word) ^ Long.MIN_VALUE;
    }

    /**
     * @param record address of a record, or of a rule's slice of one.
     * @param word   index of the word, from 0.
     * @param value  what {@link #getBiased} will read.
     */
    public static void putBiased(final long record, final int word, final long value)
    {
        put(record, word, value ^ Long.MIN_VALUE);
    }
}
