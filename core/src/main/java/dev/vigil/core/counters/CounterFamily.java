package dev.vigil.core.counters;

import java.util.Objects;

/**
 * A Prometheus metric family that counters are exported as: its name, help line and type, and, where the family has
 * several members, the name of the label that tells them apart. A family whose members are made from values (a
 * verdict, a reject reason, a rule's name) also says how their {@code vigil stat} labels begin, so that each member's
 * label and Prometheus sample come from the same value.
 */
public final class CounterFamily
{
    private final String name;
    private final String help;
    private final boolean gauge;
    private final String labelName;
    private final String labelPrefix;

    private CounterFamily(
        final String name, final String help, final boolean gauge, final String labelName, final String labelPrefix)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.help = Objects.requireNonNull(help, "help");
        this.gauge = gauge;
        this.labelName = labelName;
        this.labelPrefix = labelPrefix;
    }

    /**
     * @param name family name, ending in {@code _total}.
     * @param help one line saying what it counts.
     * @return a family of one counter, a count that only grows.
     */
    public static CounterFamily counter(final String name, final String help)
    {
        return new CounterFamily(name, help, false, null, null);
    }

    /**
     * @param name family name.
     * @param help one line saying what it measures.
     * @return a family of one gauge, a value that goes up and down.
     */
    public static CounterFamily gauge(final String name, final String help)
    {
        return new CounterFamily(name, help, true, null, null);
    }

    /**
     * @param name        family name, ending in {@code _total}.
     * @param help        one line saying what it counts.
     * @param labelName   the label that tells the members apart, e.g. {@code verdict}.
     * @param labelPrefix how each member's {@code vigil stat} label begins, before a space and the label value, e.g.
     *                    {@code decisions} for {@code decisions approve}; null where each member names its own label.
     * @return a family of counters told apart by one label.
     */
    public static CounterFamily counter(
        final String name, final String help, final String labelName, final String labelPrefix)
    {
        return new CounterFamily(name, help, false, Objects.requireNonNull(labelName, "labelName"), labelPrefix);
    }

    /**
     * @param name        family name.
     * @param help        one line saying what they measure.
     * @param labelName   the label that tells the members apart, e.g. {@code rule}.
     * @param labelPrefix how each member's {@code vigil stat} label begins, before a space and the label value.
     * @return a family of gauges told apart by one label.
     */
    public static CounterFamily gauge(
        final String name, final String help, final String labelName, final String labelPrefix)
    {
        return new CounterFamily(name, help, true, Objects.requireNonNull(labelName, "labelName"), labelPrefix);
    }

    /**
     * @return family name, e.g. {@code vigil_decisions_total}.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return one line saying what the family counts.
     */
    public String help()
    {
        return help;
    }

    /**
     * @return true for values that go up and down, false for counts that only grow.
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
     * @param labelValue the member's label value, e.g. {@code approve}.
     * @return the member's {@code vigil stat} label, e.g. {@code decisions approve}.
     * @throws IllegalStateException for a family without a label prefix.
     */
    public String memberLabel(final String labelValue)
    {
        if (labelPrefix == null)
        {
            throw new IllegalStateException(name + ": its members name their own labels");
        }
        return labelPrefix + ' ' + labelValue;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
