package dev.vigil.app.live;

import dev.vigil.core.counters.CounterMetric;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the engine's counters by their stable labels and families, as {@code vigil stat} and Prometheus name them:
 * ordered reads of values the engine's threads write, which they never wait for. The list is the one at the
 * page's start; counters made later (rules added by a reload) are not among them.
 */
final class CounterReadings
{
    private final List<CounterMetric> metrics;

    /**
     * @param metrics the engine's counters.
     */
    CounterReadings(final List<CounterMetric> metrics)
    {
        this.metrics = new ArrayList<>(metrics);
    }

    /**
     * @param label a counter's label after the {@code vigil } prefix, e.g. {@code frames received}.
     * @return its value, or 0 when there is no such counter.
     */
    long value(final String label)
    {
        for (final CounterMetric metric : metrics)
        {
            if (metric.label().equals(label))
            {
                return metric.value();
            }
        }
        return 0;
    }

    /**
     * @param family     a Prometheus family, e.g. {@code vigil_alerts_total}.
     * @param labelValue the member's label value, e.g. a rule's name.
     * @return its value, or -1 when there is no such counter.
     */
    long member(final String family, final String labelValue)
    {
        for (final CounterMetric metric : metrics)
        {
            if (metric.family().equals(family) && labelValue.equals(metric.labelValue()))
            {
                return metric.value();
            }
        }
        return -1;
    }

    /**
     * @param family a Prometheus family, e.g. {@code vigil_rejects_total}.
     * @return the sum of its members.
     */
    long sum(final String family)
    {
        long sum = 0;
        for (final CounterMetric metric : metrics)
        {
            if (metric.family().equals(family))
            {
                sum += metric.value();
            }
        }
        return sum;
    }

    /**
     * @param json where every counter goes: an array of its label, family, label value and value.
     */
    void writeJson(final JsonText json)
    {
        json.beginArray();
        for (final CounterMetric metric : metrics)
        {
            json.beginObject()
                .field("label", metric.label())
                .field("family", metric.family())
                .field("labelValue", metric.labelValue())
                .field("value", metric.value())
                .endObject();
        }
        json.endArray();
    }
}
