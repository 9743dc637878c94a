package dev.vigil.core.rules.threshold;

/**
 * How a threshold rule compares what it measured with its limit: it fires when the comparison holds.
 */
public enum Comparison
{
    /** Fires when the measure is above the limit. */
    ABOVE("above", ">"),
    /** Fires when the measure is at least the limit. */
    AT_LEAST("at-least", ">="),
    /** Fires when the measure is below the limit. */
    BELOW("below", "<"),
    /** Fires when the measure is at most the limit. */
    AT_MOST("at-most", "<=");

    private final String fieldName;
    private final String symbol;

    Comparison(final String fieldName, final String symbol)
    {
        this.fieldName = fieldName;
        this.symbol = symbol;
    }

    /**
     * @return the field a rules file writes the limit in, e.g. {@code at-least}.
     */
    public String fieldName()
    {
        return fieldName;
    }

    /**
     * @return the comparison as an operator, e.g. {@code >=}.
     */
    public String symbol()
    {
        return symbol;
    }

    /**
     * @param measured what the rule measured.
     * @param limit    the rule's limit.
     * @return true when the rule fires.
     */
    public boolean holds(final long measured, final long limit)
    {
        switch (this)
        {
            case ABOVE:
                return measured > limit;
            case AT_LEAST:
                return measured >= limit;
            case BELOW:
                return measured < limit;
            default:
                return measured <= limit;
        }
    }

    /**
     * The comparison of a mean, exactly: {@code sum / count} against the limit without rounding, as
     * {@code sum} against {@code limit * count} in 128 bits.
     *
     * @param sum   the values' sum.
     * @param count how many values, at least 1.
     * @param limit the rule's limit.
     * @return true when the rule fires.
     */
    public boolean holdsForMean(final long sum, final long count, final long limit)
    {
        final long high = Math.multiplyHigh(limit, count);
        final long low = limit * count;
        // Compare (0 or -1 as the high word of sum, sum) with (high, low) as signed 128-bit numbers.
        final long sumHigh = sum < 0 ? -1 : 0;
        final int order = sumHigh != high ? Long.compare(sumHigh, high) : Long.compareUnsigned(sum, low);
        switch (this)
        {
            case ABOVE:
                return order > 0;
            case AT_LEAST:
                return order >= 0;
            case BELOW:
                return order < 0;
            default:
                return order <= 0;
        }
    }

    /**
     * @param name a field name of a rules file.
     * @return the comparison it writes, or null.
     */
    public static Comparison byFieldName(final String name)
    {
        for (final Comparison comparison : values())
        {
            if (comparison.fieldName.equals(name))
            {
                return comparison;
            }
        }
        return null;
    }
}
