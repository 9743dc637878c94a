package dev.vigil.app.metrics;

import dev.vigil.core.stage.egress.RoundTripRecorder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The engine's own round trip, ingress to egress, of every decision: recorded on the egress thread into an
 * HdrHistogram {@link Recorder} (wait-free, no allocation), read as interval histograms on the metrics thread.
 */
public final class RoundTripHistogram implements RoundTripRecorder
{
    /** Longest round trip recorded as itself; longer ones count at this value. */
    static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NS, 3);
    private Histogram interval;
    private long totalCount;
    private double totalSumNs;

    @Override
    public void record(final long ingressTimeNs, final long egressTimeNs)
    {
        recorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, egressTimeNs - ingressTimeNs)));
    }

    /**
     * Take what was recorded since the previous call; call from one reading thread only.
     *
     * @return the round trips recorded since the previous call, in nanoseconds; reused by the next call.
     */
    public Histogram takeInterval()
    {
        interval = recorder.getIntervalHistogram(interval);
        totalCount += interval.getTotalCount();
        totalSumNs += interval.getMean() * interval.getTotalCount();
        return interval;
    }

    /**
     * @return round trips recorded up to the last {@link #takeInterval()}.
     */
    public long totalCount()
    {
        return totalCount;
    }

    /**
     * @return sum of the round trips recorded up to the last {@link #takeInterval()}, nanoseconds (from the
     *         histogram, so within its precision).
     */
    public double totalSumNs()
    {
        return totalSumNs;
    }
}
