package dev.vigil.app.live;

import dev.vigil.app.metrics.RoundTripHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.Arrays;

/**
 * The engine's round trips, ingress to egress, as the page shows them: the percentiles of each interval between
 * updates, and the whole distribution since the page started as an HdrHistogram percentile plot. Read from the
 * engine's {@link RoundTripHistogram} with a reader of its own, so Prometheus scrapes still get all of theirs.
 */
final class RoundTripLatency
{
    /** Percentiles of each interval, and the order of {@link #intervalValuesUs()}. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};
    /** Points of the plot per halving of the distance to 100%, as HdrHistogram's plotter takes them. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double NS_PER_US = 1000.0;

    /** The stages' percentiles of each interval, in the order of {@link #stageValuesUs()}. */
    static final double[] STAGE_PERCENTILES = {50, 99};

    private final RoundTripHistogram.Reader reader;
    private final RoundTripHistogram.StageReader stages;
    private final double[] stageValuesUs = new double[3 * STAGE_PERCENTILES.length];
    private final Histogram sinceStart;
    private final double[] intervalValuesUs = new double[PERCENTILES.length + 1];
    private long intervalCount;

    /**
     * @param reader this page's reader of the engine's round trips, or null when there are none to read.
     */
    RoundTripLatency(final RoundTripHistogram.Reader reader)
    {
        this.reader = reader;
        this.stages = reader == null ? null : reader.stages();
        this.sinceStart = new Histogram(3);
    }

    /**
     * Take the round trips recorded since the previous call; on the feed thread.
     */
    void takeInterval()
    {
        if (reader == null)
        {
            intervalCount = 0;
            Arrays.fill(intervalValuesUs, Double.NaN);
            Arrays.fill(stageValuesUs, Double.NaN);
            return;
        }
        stages.takeIntervals();
        putStage(0, stages.rules());
        putStage(1, stages.journal());
        putStage(2, stages.egress());
        final Histogram interval = reader.takeInterval();
        intervalCount = interval.getTotalCount();
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            intervalValuesUs[i] = intervalCount == 0 ? Double.NaN :
                interval.getValueAtPercentile(PERCENTILES[i]) / NS_PER_US;
        }
        intervalValuesUs[PERCENTILES.length] = intervalCount == 0 ? Double.NaN : interval.getMaxValue() / NS_PER_US;
        sinceStart.add(interval);
    }

    private void putStage(final int stage, final Histogram interval)
    {
        for (int i = 0; i < STAGE_PERCENTILES.length; i++)
        {
            stageValuesUs[stage * STAGE_PERCENTILES.length + i] = interval.getTotalCount() == 0 ? Double.NaN :
                interval.getValueAtPercentile(STAGE_PERCENTILES[i]) / NS_PER_US;
        }
    }

    /**
     * @return the last interval's stage percentiles, microseconds, NaN when empty: ingress to the rules' decision
     * (p50, p99), ingress to the journal's write (p50, p99), the later of the two to egress (p50, p99).
     */
    double[] stageValuesUs()
    {
        return stageValuesUs;
    }

    /**
     * @return round trips in the last interval.
     */
    long intervalCount()
    {
        return intervalCount;
    }

    /**
     * @return the last interval's percentiles ({@link #PERCENTILES}) then its maximum, microseconds; NaN when empty.
     */
    double[] intervalValuesUs()
    {
        return intervalValuesUs;
    }

    /**
     * @param json where the distribution since start goes: its count, and points of percentile and microseconds.
     */
    void writeDistribution(final JsonText json)
    {
        json.beginObject().field("count", sinceStart.getTotalCount());
        json.field("maxUs", sinceStart.getTotalCount() == 0 ? Double.NaN : sinceStart.getMaxValue() / NS_PER_US);
        json.name("points").beginArray();
        if (sinceStart.getTotalCount() > 0)
        {
            for (final HistogramIterationValue value : sinceStart.percentiles(TICKS_PER_HALF_DISTANCE))
            {
                json.beginArray()
                    .value(value.getPercentileLevelIteratedTo())
                    .value(value.getValueIteratedTo() / NS_PER_US)
                    .endArray();
            }
        }
        json.endArray().endObject();
    }
}
