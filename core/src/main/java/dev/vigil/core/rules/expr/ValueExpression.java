package dev.vigil.core.rules.expr;

/**
 * A compiled value over an event's fields, e.g. {@code amount} or {@code price * quantity}, evaluated per event
 * without allocating and without failing.
 */
public final class ValueExpression
{
    private final LongNode root;
    private final ExprType type;
    private final String text;
    private final String canonical;

    ValueExpression(final LongNode root, final ExprType type, final String text, final String canonical)
    {
        this.root = root;
        this.type = type;
        this.text = text.trim().replaceAll("\\s+", " ");
        this.canonical = canonical;
    }

    /**
     * @param text  the value as written.
     * @param scope what it may refer to.
     * @return the value, compiled.
     * @throws ExprException with every problem found, each naming its column and what is allowed.
     */
    public static ValueExpression compile(final String text, final ExprScope scope)
    {
        return Compiler.value(text, scope);
    }

    /**
     * @param fields the event.
     * @return the value.
     */
    public long value(final EventFields fields)
    {
        return root.value(fields);
    }

    /**
     * @return its type: a number, an amount, or a symbolic type.
     */
    public ExprType type()
    {
        return type;
    }

    /**
     * @return the value as written, its spaces collapsed to one.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return the value fully parenthesised: two values with the same canonical form are the same.
     */
    public String canonical()
    {
        return canonical;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
