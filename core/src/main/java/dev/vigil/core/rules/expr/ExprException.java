package dev.vigil.core.rules.expr;

import java.util.List;

/**
 * An expression that does not compile, with every problem found: each names the column of the expression where it
 * is and what is allowed there.
 */
public final class ExprException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * One problem of an expression.
     *
     * @param column  where in the expression, 1-based.
     * @param problem what is wrong.
     * @param allowed what would be right.
     */
    public record Problem(int column, String problem, String allowed)
    {
        /**
         * @return the problem and its column, e.g. {@code unknown field 'amt' at column 1}.
         */
        public String describe()
        {
            return problem + " at column " + column;
        }
    }

    /**
     * @param problems what is wrong, at least one.
     */
    public ExprException(final List<Problem> problems)
    {
        super(problems.get(0).describe() + "; allowed: " + problems.get(0).allowed());
        this.problems = List.copyOf(problems);
    }

    /**
     * @param column  where in the expression, 1-based.
     * @param problem what is wrong.
     * @param allowed what would be right.
     */
    public ExprException(final int column, final String problem, final String allowed)
    {
        this(List.of(new Problem(column, problem, allowed)));
    }

    /**
     * @return every problem, in the order found.
     */
    public List<Problem> problems()
    {
        return problems;
    }
}
