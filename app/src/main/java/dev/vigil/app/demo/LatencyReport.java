package dev.vigil.app.demo;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints an HdrHistogram of nanosecond latencies as a one-line percentile table in microseconds.
 */
public final class LatencyReport
{
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private LatencyReport()
    {
    }

    /**
     * @param out       where to print.
     * @param title     what was measured.
     * @param histogram latencies in nanoseconds.
     */
    public static void print(final PrintStream out, final String title, final Histogram histogram)
    {
        out.println(title + ", " + histogram.getTotalCount() + " samples, microseconds:");
        final StringBuilder header = new StringBuilder();
        final StringBuilder values = new StringBuilder();
        for (final double percentile : PERCENTILES)
        {
            header.append(String.format(Locale.ROOT, "%10s", "p" + format(percentile)));
            values.append(String.format(
                Locale.ROOT, "%10.1f", histogram.getValueAtPercentile(percentile) / 1000.0));
        }
        header.append(String.format(Locale.ROOT, "%10s", "max"));
        values.append(String.format(Locale.ROOT, "%10.1f", histogram.getMaxValue() / 1000.0));
        out.println(header);
        out.println(values);
    }

    private static String format(final double percentile)
    {
        return percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile);
    }
}
