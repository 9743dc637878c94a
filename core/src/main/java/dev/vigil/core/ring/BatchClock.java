package dev.vigil.core.ring;

import org.agrona.concurrent.NanoClock;

/**
 * Stamps when a stage is done with its events, one clock read per batch instead of one per event.
 * <p>
 * A stage hands its events on only at the end of a batch, when the ring learns its new sequence: an event judged
 * first in a batch of forty waits for the thirty-nine after it. So the time that says when a stage was done with an
 * event is the batch's end, and one read of the clock serves the whole batch. A read costs about as much as a simple
 * rule (a {@code clock_gettime} call), which a busy stage, whose batches are long, then pays once. A batch longer
 * than {@link #MAX_EVENTS_PER_READ} events is stamped in parts, so that no stamp is far from when its part ended.
 * <p>
 * Owned by the stage's thread; holds references to ring slots, which live as long as the ring.
 */
public final class BatchClock
{
    /** Most events stamped by one read of the clock. */
    public static final int MAX_EVENTS_PER_READ = 64;

    /**
     * Where a stage's time goes in a slot.
     */
    @FunctionalInterface
    public interface Stamp
    {
        /**
         * @param event  a slot the stage is done with.
         * @param timeNs when it was done.
         */
        void apply(RingEvent event, long timeNs);
    }

    private final NanoClock clock;
    private final Stamp stamp;
    private final RingEvent[] unstamped = new RingEvent[MAX_EVENTS_PER_READ];
    private int count;

    /**
     * @param clock reads the time.
     * @param stamp where the time goes: a method reference that captures nothing, so nothing is allocated per use.
     */
    public BatchClock(final NanoClock clock, final Stamp stamp)
    {
        this.clock = clock;
        this.stamp = stamp;
    }

    /**
     * The stage is done with an event; it gets its time at the end of the batch.
     *
     * @param event the event's slot.
     */
    public void done(final RingEvent event)
    {
        if (count == MAX_EVENTS_PER_READ)
        {
            endOfBatch();
        }
        unstamped[count++] = event;
    }

    /**
     * Stamp every event the stage is done with since the last stamp, with one read of the clock.
     */
    public void endOfBatch()
    {
        if (count > 0)
        {
            final long nowNs = clock.nanoTime();
            for (int i = 0; i < count; i++)
            {
                stamp.apply(unstamped[i], nowNs);
            }
            count = 0;
        }
    }
}
