package dev.vigil.core.rules.threshold;

/**
 * One aggregate of a key's sliding window, over the key's slice of its record: takes an event's value and leaves
 * what it measured, and the window measured, in fields (one instance per rule, on the rules thread), so that
 * nothing is allocated per event.
 */
abstract class WindowAggregate
{
    /** What the last {@link #add} measured. */
    long measured;
    /** Inclusive start of the window the last {@link #add} measured. */
    long windowStartNs;
    /** Exclusive end of the window the last {@link #add} measured. */
    long windowEndNs;

    /**
     * @return bytes of a key's state.
     */
    abstract int stateBytes();

    /**
     * Take one event into its key's window and measure the window.
     *
     * @param state       address of the key's slice, zero when the key is new.
     * @param eventTimeNs the event's time.
     * @param value       the event's value; 0 for a count.
     * @return false when the event is too late for any window the key remembers: it counts nowhere, and the rule
     * passes it.
     */
    abstract boolean add(long state, long eventTimeNs, long value);

    /**
     * @param comparison how the rule compares.
     * @param limit      the rule's limit.
     * @return true when what the last {@link #add} measured makes the rule fire.
     */
    boolean fires(final Comparison comparison, final long limit)
    {
        return comparison.holds(measured, limit);
    }
}
