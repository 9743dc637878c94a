package dev.vigil.core.rules.attribute;

/**
 * How one kind of attribute keeps its value in a key's record: each event reads the value as it was before the
 * event, then, when the event is one the attribute keeps, takes it in.
 */
abstract class KeptValue
{
    /**
     * @return bytes of state per key.
     */
    abstract int stateBytes();

    /**
     * @param state       the key's slice of its record.
     * @param eventTimeNs the event's time.
     * @param kept        whether the event meets the attribute's condition and is taken in.
     * @param value       the event's value (0 for a count).
     * @return the attribute's value for the key before this event; where it has none yet (no event kept, or the
     * event too late for the window), the event's own value for first, last and mean, and 0 for count and sum.
     */
    abstract long observe(long state, long eventTimeNs, boolean kept, long value);
}
