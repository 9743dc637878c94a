package dev.vigil.app.engine;

/**
 * When the ingress puts the next periodic snapshot point into the ring: every {@code snapshot.interval.events}
 * inputs, the first of a process already after {@code snapshot.first.events}.
 * <p>
 * Why early: the first snapshot of a process runs code the JIT has not compiled yet, and the rules stage's compiled
 * code has never met a copy-on-write or a snapshot point in the ring, so the JIT throws it away (deoptimises) and
 * compiles it again while the traffic waits. Taken early, after a few seconds of input at most, that happens once
 * while the state is still small; the snapshots that follow find their code compiled. Any point, periodic or asked for,
 * starts the interval again.
 */
final class SnapshotSchedule
{
    private final long intervalEvents;
    private long nextDueSeq;

    /**
     * @param startSeq       the engine sequence the process starts from.
     * @param firstEvents    inputs before the first point (0, or not less than the interval: the interval).
     * @param intervalEvents inputs between points (0: none).
     */
    SnapshotSchedule(final long startSeq, final long firstEvents, final long intervalEvents)
    {
        this.intervalEvents = intervalEvents;
        final long first = firstEvents > 0 ? Math.min(firstEvents, intervalEvents) : intervalEvents;
        this.nextDueSeq = startSeq + first;
    }

    /**
     * @param lastEngineSeq the last input in the ring.
     * @return true when a periodic point is due after it.
     */
    boolean isDue(final long lastEngineSeq)
    {
        return intervalEvents > 0 && lastEngineSeq >= nextDueSeq;
    }

    /**
     * A point, periodic or asked for, went into the ring after this input.
     *
     * @param lastEngineSeq the input the point follows.
     */
    void pointPublished(final long lastEngineSeq)
    {
        nextDueSeq = lastEngineSeq + intervalEvents;
    }
}
