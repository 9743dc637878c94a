package dev.vigil.core.rules.threshold;

import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.window.DistinctValuesRecord;
import dev.vigil.core.window.WindowInput;

/**
 * What a threshold rule measures and when it fires: an aggregate of the values of a key's events in a sliding
 * window, compared with a limit.
 *
 * @param input        the messages it judges.
 * @param aggregate    what it measures.
 * @param value        the value aggregated, over the input's fields; null for a count.
 * @param comparison   how the measure is compared with the limit.
 * @param limit        the limit.
 * @param windowSizeNs window length.
 * @param slideNs      pane length, dividing the window into at most 1024 panes.
 */
public record ThresholdSpec(
    WindowInput input,
    Aggregate aggregate,
    ValueExpression value,
    Comparison comparison,
    long limit,
    long windowSizeNs,
    long slideNs)
{
    /** Largest limit of a distinct count: its table holds the limit + 1 values. */
    public static final int MAX_DISTINCT_LIMIT = DistinctValuesRecord.MAX_CAP - 1;

    /**
     * @throws IllegalArgumentException when the parts do not fit together.
     */
    public ThresholdSpec
    {
        if ((value == null) == aggregate.takesValue())
        {
            throw new IllegalArgumentException(aggregate.displayName() + (aggregate.takesValue() ?
                " needs a value" : " takes no value"));
        }
        if (aggregate.needsNumber() && !value.type().isNumeric())
        {
            throw new IllegalArgumentException(aggregate.displayName() + " of " + value.type().noun());
        }
        if (aggregate == Aggregate.DISTINCT_COUNT && (limit < 1 || limit > MAX_DISTINCT_LIMIT))
        {
            throw new IllegalArgumentException("a distinct count's limit must be in [1, " + MAX_DISTINCT_LIMIT + "]");
        }
    }

    /**
     * @return a new instance of the aggregate, as the rule keeps it.
     */
    WindowAggregate newAggregate()
    {
        switch (aggregate)
        {
            case COUNT:
                return new TotalAggregate(windowSizeNs, slideNs, true);
            case SUM:
                return new TotalAggregate(windowSizeNs, slideNs, false);
            case MIN:
                return new ExtremumAggregate(windowSizeNs, slideNs, false);
            case MAX:
                return new ExtremumAggregate(windowSizeNs, slideNs, true);
            case MEAN:
                return new MeanAggregate(windowSizeNs, slideNs);
            default:
                return new DistinctCountAggregate(windowSizeNs, slideNs, (int)limit + 1);
        }
    }

    /**
     * @return bytes of state per key.
     */
    public int stateBytes()
    {
        return newAggregate().stateBytes();
    }

    /**
     * @param canonical true for the value's canonical form, false for it as written.
     * @return what the rule measures and when it fires, e.g. {@code sum(amount) above 500000}.
     */
    public String describe(final boolean canonical)
    {
        final String measured = value == null ? aggregate.displayName() :
            aggregate.displayName() + "(" + (canonical ? value.canonical() : value.text()) + ")";
        return measured + " " + comparison.fieldName() + " " + limit;
    }
}
