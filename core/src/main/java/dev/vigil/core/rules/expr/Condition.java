package dev.vigil.core.rules.expr;

/**
 * A compiled condition — a rule's or a window's {@code where:} — evaluated per event without allocating and
 * without failing: its types were checked when it was compiled.
 */
public final class Condition
{
    private final BoolNode root;
    private final String text;
    private final String canonical;

    Condition(final BoolNode root, final String text, final String canonical)
    {
        this.root = root;
        this.text = text.trim().replaceAll("\\s+", " ");
        this.canonical = canonical;
    }

    /**
     * @param text  the condition as written.
     * @param scope what it may refer to.
     * @return the condition, compiled.
     * @throws ExprException with every problem found, each naming its column and what is allowed.
     */
    public static Condition compile(final String text, final ExprScope scope)
    {
        return Compiler.condition(text, scope);
    }

    /**
     * @param fields the event, and for a rule's condition the outcome so far.
     * @return whether the condition holds.
     */
    public boolean test(final EventFields fields)
    {
        return root.test(fields);
    }

    /**
     * @return the condition as written, its spaces collapsed to one.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return the condition fully parenthesised, constants as numbers and rules by name and id: two conditions with
     * the same canonical form select the same events.
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
