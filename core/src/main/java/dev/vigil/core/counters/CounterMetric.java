package dev.vigil.core.counters;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * How one engine counter is exported: the metric family it belongs to, whether it only grows (a counter) or goes up
 * and down (a gauge), and the one label that tells it apart from the family's other members, if any. Made from the
 * same description as the counter's label in the counters file, which {@code vigil stat} shows.
 */
public final class CounterMetric
{
    private final String label;
    private final CounterFamily family;
    private final String labelValue;
    private final AtomicCounter counter;

    CounterMetric(final String label, final CounterFamily family, final String labelValue, final AtomicCounter counter)
    {
        this.label = label;
        this.family = family;
        this.labelValue = labelValue;
        this.counter = counter;
    }

    /**
     * @return the counter's label after the {@code vigil } prefix, the row {@code vigil stat} shows it in.
     */
    public String label()
    {
        return label;
    }

    /**
     * @return metric family name, e.g. {@code vigil_decisions_total}.
     */
    public String family()
    {
        return family.name();
    }

    /**
     * @return one line saying what the family counts.
     */
    public String help()
    {
        return family.help();
    }

    /**
     * @return true for a value that goes up and down, false for a count that only grows.
     */
    public boolean gauge()
    {
        return family.gauge();
    }

    /**
     * @return label name, e.g. {@code verdict}, or null when the family has one member.
     */
    public String labelName()
    {
        return family.labelName();
    }

    /**
     * @return label value, e.g. {@code approve}, or null when the family has one member.
     */
    public String labelValue()
    {
        return labelValue;
    }

    /**
     * @return the current value.
     */
    public long value()
    {
        return counter.get();
    }
}
