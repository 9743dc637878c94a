package dev.vigil.core.rules.attribute;

/**
 * What a per-key attribute keeps of the events of its key that meet its condition.
 */
public enum AttributeKind
{
    /** The value of the key's earliest event by event time. */
    FIRST("first", false),
    /** The value of the key's newest event by event time. */
    LAST("last", false),
    /** How many events of the key fall in the event's sliding window. */
    COUNT("count", true),
    /** The sum of their values. */
    SUM("sum", true),
    /** The mean of their values, rounded down. */
    MEAN("mean", true);

    private final String displayName;
    private final boolean windowed;

    AttributeKind(final String displayName, final boolean windowed)
    {
        this.displayName = displayName;
        this.windowed = windowed;
    }

    /**
     * @return the name a rules file gives it.
     */
    public String displayName()
    {
        return displayName;
    }

    /**
     * @return true when it is kept over a sliding window, which the attribute must then give.
     */
    public boolean windowed()
    {
        return windowed;
    }

    /**
     * @return true when it keeps a value of each event (all but a count).
     */
    public boolean takesValue()
    {
        return this != COUNT;
    }

    /**
     * @return true when its value must be a number or an amount.
     */
    public boolean needsNumber()
    {
        return this == SUM || this == MEAN;
    }

    /**
     * @param name a name as a rules file writes it.
     * @return the kind, or null.
     */
    public static AttributeKind byName(final String name)
    {
        for (final AttributeKind kind : values())
        {
            if (kind.displayName.equals(name))
            {
                return kind;
            }
        }
        return null;
    }

    /**
     * @return every kind's name, for error messages.
     */
    public static String names()
    {
        final StringBuilder names = new StringBuilder();
        for (final AttributeKind kind : values())
        {
            names.append(names.length() == 0 ? "" : ", ").append(kind.displayName);
        }
        return names.toString();
    }
}
