package dev.vigil.perf;

/**
 * When each request of an open-loop run is meant to leave: request {@code i} at {@code start + i × 10⁹ / rate} ns,
 * whatever happened to the requests before it. Exact for any rate: the time is computed from the index, never
 * accumulated, so rounding never drifts.
 */
final class SendSchedule
{
    private static final double NANOS_PER_SECOND = 1e9;

    private final long startNs;
    private final double intervalNs;

    /**
     * @param startNs       intended send time of request 0.
     * @param ratePerSecond requests per second, at least 1.
     */
    SendSchedule(final long startNs, final int ratePerSecond)
    {
        if (ratePerSecond < 1)
        {
            throw new IllegalArgumentException("rate " + ratePerSecond + ": must be at least 1 per second");
        }
        this.startNs = startNs;
        this.intervalNs = NANOS_PER_SECOND / ratePerSecond;
    }

    /**
     * @param ratePerSecond requests per second.
     * @param spanNs        a stretch of time from the start.
     * @return how many requests the schedule holds in that stretch.
     */
    static long requestsIn(final int ratePerSecond, final long spanNs)
    {
        return (long)(spanNs * (double)ratePerSecond / NANOS_PER_SECOND);
    }

    /**
     * @param index request number, from 0.
     * @return when it is meant to leave.
     */
    long intendedSendTimeNs(final long index)
    {
        return startNs + (long)(index * intervalNs);
    }

    /**
     * @param nowNs the time now.
     * @return how many requests are due by now in total (sent or not): the first index not yet due.
     */
    long dueBy(final long nowNs)
    {
        if (nowNs < startNs)
        {
            return 0;
        }
        long due = (long)((nowNs - startNs) / intervalNs) + 1;
        // Floating point may land one off either way: settle against the exact definition.
        while (due > 0 && intendedSendTimeNs(due - 1) > nowNs)
        {
            due--;
        }
        while (intendedSendTimeNs(due) <= nowNs)
        {
            due++;
        }
        return due;
    }
}
