package dev.vigil.perf;

import org.HdrHistogram.Histogram;

/**
 * The percentiles a latency report shows — p50, p90, p99, p99.9, p99.99 and max — of one histogram, in µs, and the
 * ratio of one summary to another percentile by percentile.
 */
final class LatencySummary
{
    /** Percentiles reported, before the max. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /** Column titles: the percentiles, then max. */
    static final String[] COLUMNS = {"p50", "p90", "p99", "p99.9", "p99.99", "max"};

    /** Column of p99 in {@link #valuesUs()}. */
    static final int P99 = 2;

    private final double[] valuesUs;

    private LatencySummary(final double[] valuesUs)
    {
        this.valuesUs = valuesUs;
    }

    /**
     * @param histogramNs latencies in ns.
     * @return its summary in µs; all zero when it is empty.
     */
    static LatencySummary of(final Histogram histogramNs)
    {
        final double[] values = new double[COLUMNS.length];
        if (histogramNs.getTotalCount() > 0)
        {
            for (int i = 0; i < PERCENTILES.length; i++)
            {
                values[i] = histogramNs.getValueAtPercentile(PERCENTILES[i]) / 1000.0;
            }
            values[PERCENTILES.length] = histogramNs.getMaxValue() / 1000.0;
        }
        return new LatencySummary(values);
    }

    /**
     * @return one value per column of {@link #COLUMNS}, µs.
     */
    double[] valuesUs()
    {
        return valuesUs.clone();
    }

    /**
     * @param baseline what to divide by.
     * @return this / baseline per column; NaN where the baseline is 0 (nothing to compare with).
     */
    double[] ratioTo(final LatencySummary baseline)
    {
        final double[] ratios = new double[COLUMNS.length];
        for (int i = 0; i < ratios.length; i++)
        {
            final double base = baseline.valuesUs[i];
            ratios[i] = base > 0 ? valuesUs[i] / base : Double.NaN;
        }
        return ratios;
    }
}
