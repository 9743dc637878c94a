package dev.vigil.core.rules.attribute;

import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprType;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowInput;

/**
 * What a per-key attribute keeps, as a rules file states it.
 *
 * @param input        the messages it is kept over.
 * @param kind         what it keeps.
 * @param value        the value it keeps of each event; null for a count.
 * @param where        which events it keeps, null for all.
 * @param windowSizeNs the sliding window of a count, sum or mean; 0 for first and last.
 * @param slideNs      the window's slide; 0 for first and last.
 */
public record AttributeSpec(
    WindowInput input,
    AttributeKind kind,
    ValueExpression value,
    Condition where,
    long windowSizeNs,
    long slideNs)
{
    /**
     * @throws IllegalArgumentException where the parts do not fit together (the rules file reader reports these
     *                                  itself, naming the line).
     */
    public AttributeSpec
    {
        if ((value == null) == kind.takesValue())
        {
            throw new IllegalArgumentException(kind.displayName() + (kind.takesValue() ?
                " needs a value" : " takes no value"));
        }
        if (kind.needsNumber() && !value.type().isNumeric())
        {
            throw new IllegalArgumentException(kind.displayName() + " of " + value.type().noun());
        }
        if (kind.windowed() != (windowSizeNs > 0 && slideNs > 0))
        {
            throw new IllegalArgumentException(kind.displayName() + (kind.windowed() ?
                " needs a window" : " has no window"));
        }
    }

    /**
     * @return the type expressions see: a count is a number, the others have their value's type.
     */
    public ExprType type()
    {
        return value == null ? ExprType.NUMBER : value.type();
    }

    /**
     * @return what keeps it in a key's record.
     */
    KeptValue newKeeper()
    {
        return kind.windowed() ? new WindowedValue(kind, windowSizeNs, slideNs) : new EarliestOrLatestValue(
            kind == AttributeKind.LAST);
    }

    /**
     * @param canonical true for the canonical form of the expressions, false for them as written.
     * @return the attribute as one line, e.g. {@code keep first(country) where channel == POS}.
     */
    public String describe(final boolean canonical)
    {
        final StringBuilder text = new StringBuilder("keep ").append(kind.displayName());
        if (value != null)
        {
            text.append('(').append(canonical ? value.canonical() : value.text()).append(')');
        }
        if (windowSizeNs > 0)
        {
            text.append(" window ").append(Durations.format(windowSizeNs)).append(" slide ")
                .append(Durations.format(slideNs));
        }
        if (where != null)
        {
            text.append(" of events where ").append(canonical ? where.canonical() : where.text());
        }
        return text.toString();
    }
}
