package dev.vigil.core.rules.expr;

/**
 * The comparison operators, as written.
 */
enum CompareOp
{
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    CompareOp(final String symbol)
    {
        this.symbol = symbol;
    }

    String symbol()
    {
        return symbol;
    }

    /**
     * @return the operator that compares the same with its operands swapped: {@code a < b} is {@code b > a}.
     */
    CompareOp swapped()
    {
        switch (this)
        {
            case LT:
                return GT;
            case LE:
                return GE;
            case GT:
                return LT;
            case GE:
                return LE;
            default:
                return this;
        }
    }

    /**
     * @return true for the operators that need ordered operands.
     */
    boolean isOrdering()
    {
        return this != EQ && this != NE;
    }

    boolean holds(final long left, final long right)
    {
        switch (this)
        {
            case EQ:
                return left == right;
            case NE:
                return left != right;
            case LT:
                return left < right;
            case LE:
                return left <= right;
            case GT:
                return left > right;
            default:
                return left >= right;
        }
    }
}
