package dev.vigil.core.pipeline;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * How one engine counter is exported: the metric family it belongs to, whether it only grows (a counter) or goes up
 * and down (a gauge), and the one label that tells it apart from the family's other members, if any.
 */
public final class CounterMetric
{
    private final String family;
    private final String help;
    private final boolean gauge;
    private final String labelName;
    private final String labelValue;
    private final AtomicCounter counter;

    CounterMetric(
        final String family,
        final String help,
        final boolean gauge,
        final String labelName,
        final String labelValue,
        final AtomicCounter counter)
    {
        this.family = family;
        this.help = help;
        this.gauge = gauge;
        this.labelName = labelName;
        this.labelValue = labelValue;
        this.counter = counter;
    }

    /**
     * @return metric family name, e.g. {@code vigil_decisions_total}.
     */
    public String family()
    {
        return family;
    }

    /**
     * @return one line saying what the family counts.
     */
    public String help()
    {
        return help;
    }

    /**
     * @return true for a value that goes up and down, false for a count that only grows.
     */
    public boolean gauge()
    {
        return gauge;
    }

    /**
     * @return label name, e.g. {@code verdict}, or null when the family has one member.
     */
    public String labelName()
    {
        return labelName;
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
