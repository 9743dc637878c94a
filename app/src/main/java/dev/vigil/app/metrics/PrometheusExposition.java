package dev.vigil.app.metrics;

import dev.vigil.core.counters.CounterMetric;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the engine's counters and round-trip quantiles in the Prometheus text exposition format (version 0.0.4):
 * one HELP and one TYPE line per family, then its samples. Counters that only grow are {@code counter}s, the rest
 * {@code gauge}s; the round trip is a {@code summary} whose quantiles cover the interval since the previous scrape
 * and whose count and sum cover the whole run.
 */
public final class PrometheusExposition
{
    /** Content type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Family of the round-trip summary. */
    static final String ROUND_TRIP_FAMILY = "vigil_round_trip_seconds";

    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    private PrometheusExposition()
    {
    }

    /**
     * @param metrics   the engine's counters.
     * @param roundTrip the engine's round trips; its interval is taken.
     * @return the exposition text.
     */
    public static String write(final List<CounterMetric> metrics, final RoundTripHistogram roundTrip)
    {
        final Map<String, StringBuilder> families = new LinkedHashMap<>();
        for (final CounterMetric metric : metrics)
        {
            final StringBuilder family = families.computeIfAbsent(metric.family(), name -> new StringBuilder()
                .append("# HELP ").append(name).append(' ').append(metric.help()).append('\n')
                .append("# TYPE ").append(name).append(' ').append(metric.gauge() ? "gauge" : "counter").append('\n'));
            family.append(metric.family());
            if (metric.labelName() != null)
            {
                family.append('{').append(metric.labelName()).append("=\"").append(escape(metric.labelValue()))
                    .append("\"}");
            }
            family.append(' ').append(metric.value()).append('\n');
        }

        final StringBuilder text = new StringBuilder(4096);
        for (final StringBuilder family : families.values())
        {
            text.append(family);
        }
        writeRoundTrip(text, roundTrip);
        return text.toString();
    }

    private static void writeRoundTrip(final StringBuilder text, final RoundTripHistogram roundTrip)
    {
        final Histogram interval = roundTrip.takeInterval();
        text.append("# HELP ").append(ROUND_TRIP_FAMILY).append(
            " engine round trip of each decision, ingress to egress; quantiles over the interval since the " +
            "previous scrape\n");
        text.append("# TYPE ").append(ROUND_TRIP_FAMILY).append(" summary\n");
        for (final double quantile : QUANTILES)
        {
            text.append(ROUND_TRIP_FAMILY).append("{quantile=\"").append(quantile).append("\"} ");
            if (interval.getTotalCount() == 0)
            {
                text.append("NaN");
            }
            else
            {
                text.append(seconds(interval.getValueAtPercentile(quantile * 100.0)));
            }
            text.append('\n');
        }
        text.append(ROUND_TRIP_FAMILY).append("_sum ").append(seconds(roundTrip.totalSumNs())).append('\n');
        text.append(ROUND_TRIP_FAMILY).append("_count ").append(roundTrip.totalCount()).append('\n');
    }

    private static String seconds(final double nanoseconds)
    {
        return String.format(Locale.ROOT, "%.9f", nanoseconds / 1e9);
    }

    private static String escape(final String labelValue)
    {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
