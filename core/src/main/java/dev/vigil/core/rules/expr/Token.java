package dev.vigil.core.rules.expr;

/**
 * One token of an expression.
 *
 * @param kind   what it is.
 * @param text   as written.
 * @param column where it starts, 1-based.
 */
record Token(Kind kind, String text, int column)
{
    /** Kinds of token. */
    enum Kind
    {
        NAME, INTEGER, DECIMAL, LEFT_PAREN, RIGHT_PAREN, LEFT_BRACKET, RIGHT_BRACKET, COMMA, PLUS, MINUS, STAR,
        EQ, NE, LT, LE, GT, GE, AND, OR, NOT, IN, END
    }

    /**
     * @return the token as error messages quote it.
     */
    String quoted()
    {
        return kind == Kind.END ? "the end" : "'" + text + "'";
    }
}
