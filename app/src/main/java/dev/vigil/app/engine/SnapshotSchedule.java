package dev.vigil.app.engine;

/**
 * When the ingress puts the next periodic snapshot point into the ring: every {@code snapshot.interval.events}
 * inputs, the first of a process already after {@code snapshot.first.events}.
 * <p>
 * Why early: the first snapshot of a process runs code the JIT has not compiled yet, and the rules stage's compiled
 * code has never met a copy-on-write or a snapshot point in the ring, so the JIT throws it away (deoptimises) and
 * compiles it again while the traffic waits. Taken early, that happens once, in the process's first second or so
 * (with a small state on a fresh engine; after a recovery the state is whatever was recovered). The snapshots that
 * follow find their code compiled. Any point, periodic or asked for, starts the interval again.
 */
final class SnapshotSchedule
{
    private final long intervalEvents;
    /** Inputs after the last point (or the start) that make the next one due: the first's, then the interval. */
    private long dueAfterEvents;
    private long lastPointSeq;

    /**
     * @param startSeq       the engine sequence the process starts from.
     * @param firstEvents    inputs before the first point (0, or not less than the interval: the interval).
     * @param intervalEvents inputs between points (0: none).
     */
    SnapshotSchedule(final long startSeq, final long firstEvents, final long intervalEvents)
    {
        this.intervalEvents = intervalEvents;
        this.dueAfterEvents = firstEvents > 0 ? Math.min(firstEvents, intervalEvents) : intervalEvents;
        this.lastPointSeq = startSeq;
    }

    /**
     * @param lastEngineSeq the last input in the ring.
     * @return true when a periodic point is due after it.
     */
    boolean isDue(final long lastEngineSeq)
    {
        // By difference, so that no interval up to Long.MAX_VALUE overflows.
        return intervalEvents > 0 && lastEngineSeq - lastPointSeq >= dueAfterEvents;
    }

    /**
     * A point, periodic or asked for, went into the ring after this input.
     *
     * @param lastEngineSeq the input the point follows.
     */
    void pointPublished(final long lastEngineSeq)
    {
        lastPointSeq = lastEngineSeq;
        dueAfterEvents = intervalEvents;
    }
}
