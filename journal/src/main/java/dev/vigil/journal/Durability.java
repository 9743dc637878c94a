package dev.vigil.journal;

/**
 * When a {@link JournalWriter} forces appended records to storage.
 */
public enum Durability
{
    /**
     * Never: records are in the page cache once appended and survive a process crash, not a power loss.
     * {@link JournalWriter#durableSequence()} follows {@link JournalWriter#lastSequence()}.
     */
    NONE,

    /**
     * At every {@link JournalWriter#endOfBatch()}: the bytes written since the last force are forced before it
     * returns, so a batch's decisions may leave once it returns.
     */
    BATCH,

    /**
     * At {@link JournalWriter#endOfBatch()} or {@link JournalWriter#doDutyCycle()} once at least
     * {@link JournalContext#fsyncIntervalNs()} has passed since the last force and there is something to force.
     */
    PERIODIC
}
