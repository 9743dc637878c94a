package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencySummaryTest
{
    @Test
    void percentilesOfOneToTenThousandMicroseconds()
    {
        final Histogram histogramNs = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        for (long us = 1; us <= 10_000; us++)
        {
            histogramNs.recordValue(us * 1_000);
        }

        final double[] us = LatencySummary.of(histogramNs).valuesUs();

        // Three significant digits: each value within 0.1% of the exact percentile.
        final double[] exact = {5_000, 9_000, 9_900, 9_990, 9_999, 10_000};
        for (int i = 0; i < exact.length; i++)
        {
            assertEquals(exact[i], us[i], exact[i] / 1_000, LatencySummary.COLUMNS[i]);
        }
    }

    @Test
    void ratioIsPerPercentile()
    {
        final Histogram echo = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        final Histogram vigil = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        for (long us = 1; us <= 1_000; us++)
        {
            echo.recordValue(us * 1_000);
            // Twice the echo up to p99, then a tail ten times the echo's.
            vigil.recordValue(us <= 990 ? us * 2_000 : us * 10_000);
        }

        final double[] ratios = LatencySummary.of(vigil).ratioTo(LatencySummary.of(echo));

        assertEquals(2.0, ratios[0], 0.01);
        assertEquals(2.0, ratios[1], 0.01);
        assertEquals(2.0, ratios[LatencySummary.P99], 0.01);
        assertEquals(10.0, ratios[3], 0.01);
        assertEquals(10.0, ratios[5], 0.01);
    }

    @Test
    void anEmptyBaselineGivesNoRatio()
    {
        final Histogram empty = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        final Histogram some = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        some.recordValue(5_000);

        assertArrayEquals(new double[6], LatencySummary.of(empty).valuesUs());
        for (final double ratio : LatencySummary.of(some).ratioTo(LatencySummary.of(empty)))
        {
            assertTrue(Double.isNaN(ratio));
        }
    }
}
