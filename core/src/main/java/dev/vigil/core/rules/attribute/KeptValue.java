package dev.vigil.core.rules.attribute;

/**
 * How one kind of attribute keeps its value in a key's record. Every event reads the value as it was before the
 * event; only an event the attribute keeps changes the record.
 */
abstract class KeptValue
{
    /**
     * @return bytes of state per key.
     */
    abstract int stateBytes();

    /**
     * Read the value for an event the attribute does not keep: the record is not changed.
     *
     * @param state       the key's slice of its record.
     * @param eventTimeNs the event's time.
     * @param value       the event's value (0 for a count).
     * @return the attribute's value for the key, or {@link #none} where it has none for that time.
     */
    abstract long read(long state, long eventTimeNs, long value);

    /**
     * Read the value before an event the attribute keeps, then take the event in.
     *
     * @param state       the key's slice of its record.
     * @param eventTimeNs the event's time.
     * @param value       the event's value (0 for a count).
     * @return the attribute's value for the key before the event, or {@link #none} where it had none.
     */
    abstract long keep(long state, long eventTimeNs, long value);

    /**
     * @param value the event's value (0 for a count).
     * @return what the attribute reads where it has nothing yet (no event kept, or the event too late for the
     * window, or no room for the key): the event's own value for first, last and mean, and 0 for count and sum.
     */
    abstract long none(long value);
}
