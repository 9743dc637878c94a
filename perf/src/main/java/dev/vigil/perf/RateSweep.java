package dev.vigil.perf;

import java.util.Locale;

/**
 * How a sweep steps its rate and when it stops: each step multiplies the rate by a factor; the sweep stops at the
 * first step whose p99 is over the SLO, whose achieved rate falls short of the rate asked for (saturated), or that
 * could not send and answer everything it scheduled, or when the next rate would pass the highest allowed.
 */
final class RateSweep
{
    /** Achieved below this share of the rate asked for counts as saturated. */
    static final double SATURATION_SHARE = 0.95;

    private final long sloP99Ns;
    private final double factor;
    private final int maxRate;

    /**
     * @param sloP99Ns the p99 not to exceed.
     * @param factor   rate multiplier between steps, above 1.
     * @param maxRate  highest rate to try.
     */
    RateSweep(final long sloP99Ns, final double factor, final int maxRate)
    {
        if (factor <= 1)
        {
            throw new IllegalArgumentException("sweep factor " + factor + ": must be above 1");
        }
        this.sloP99Ns = sloP99Ns;
        this.factor = factor;
        this.maxRate = maxRate;
    }

    /**
     * @param rate the rate just measured.
     * @return the next rate, or 0 when the next would pass the highest allowed.
     */
    int nextRate(final int rate)
    {
        final long next = Math.max(rate + 1L, Math.round(rate * factor));
        return next > maxRate ? 0 : (int)next;
    }

    /**
     * @param rate          the rate asked for.
     * @param achievedRate  answers recorded per second.
     * @param p99Ns         the step's p99.
     * @param complete      every scheduled request was sent and answered.
     * @return why to stop after this step, or null to go on.
     */
    String stopReason(final int rate, final double achievedRate, final long p99Ns, final boolean complete)
    {
        if (p99Ns > sloP99Ns)
        {
            return String.format(Locale.ROOT, "p99 %s at %,d msg/s is over the SLO of %s",
                HiccupDetector.formatNs(p99Ns), rate, HiccupDetector.formatNs(sloP99Ns));
        }
        if (!complete || achievedRate < SATURATION_SHARE * rate)
        {
            return String.format(Locale.ROOT, "saturated at %,d msg/s: achieved %,d msg/s%s",
                rate, Math.round(achievedRate), complete ? "" : ", not every request was sent and answered");
        }
        return null;
    }
}
