package dev.vigil.core.rules.threshold;

/**
 * What a threshold rule measures over the events of a key's sliding window.
 */
public enum Aggregate
{
    /** How many events. */
    COUNT("count"),
    /** The total of their values (a negative value counts as 0). */
    SUM("sum"),
    /** The smallest value. */
    MIN("min"),
    /** The largest value. */
    MAX("max"),
    /** The mean of their values, compared exactly and reported rounded down (a negative value counts as 0). */
    MEAN("mean"),
    /** How many distinct values (merchants, countries…), exact up to the limit + 1. */
    DISTINCT_COUNT("distinct-count");

    private final String displayName;

    Aggregate(final String displayName)
    {
        this.displayName = displayName;
    }

    /**
     * @return the name a rules file uses.
     */
    public String displayName()
    {
        return displayName;
    }

    /**
     * @return true when the aggregate takes a value; count does not.
     */
    public boolean takesValue()
    {
        return this != COUNT;
    }

    /**
     * @return true when the value must be a number; distinct-count counts values of any type.
     */
    public boolean needsNumber()
    {
        return this != COUNT && this != DISTINCT_COUNT;
    }

    /**
     * @param name a name as a rules file writes it.
     * @return the aggregate, or null.
     */
    public static Aggregate byName(final String name)
    {
        for (final Aggregate aggregate : values())
        {
            if (aggregate.displayName.equals(name))
            {
                return aggregate;
            }
        }
        return null;
    }

    /**
     * @return every name, for error messages.
     */
    public static String names()
    {
        final StringBuilder names = new StringBuilder();
        for (final Aggregate aggregate : values())
        {
            names.append(names.length() == 0 ? "" : ", ").append(aggregate.displayName);
        }
        return names.toString();
    }
}
