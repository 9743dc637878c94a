package dev.vigil.core.rules.expr;

import java.util.List;

/**
 * An expression as parsed, before its names are resolved and its types checked. Each node keeps the column it
 * starts at (an operator's, for operations), for error messages.
 */
interface Syntax
{
    /**
     * @return where the node is in the expression, 1-based.
     */
    int column();

    /** {@code left and right}, {@code left or right}. */
    record Logical(boolean and, Syntax left, Syntax right, int column) implements Syntax
    {
    }

    /** {@code not operand}. */
    record Not(Syntax operand, int column) implements Syntax
    {
    }

    /** {@code left op right}. */
    record Comparison(CompareOp op, Syntax left, Syntax right, int column) implements Syntax
    {
    }

    /** {@code operand in [items]}, {@code operand not in [items]}. */
    record Membership(boolean negated, Syntax operand, List<Syntax> items, int column) implements Syntax
    {
    }

    /** {@code left + right}, {@code left - right}, {@code left * right}. */
    record Arithmetic(char op, Syntax left, Syntax right, int column) implements Syntax
    {
    }

    /** {@code -operand}. */
    record Negation(Syntax operand, int column) implements Syntax
    {
    }

    /** A field, or a symbolic value such as {@code ATM} or {@code GB}, or {@code verdict}. */
    record Name(String name, int column) implements Syntax
    {
    }

    /** A whole number. */
    record IntegerLiteral(long value, int column) implements Syntax
    {
    }

    /** An amount with two decimals, e.g. {@code 200.00}, as minor units (20000). */
    record DecimalLiteral(long minorUnits, int column) implements Syntax
    {
    }

    /** {@code fired(rule)}: the rule's name or id as written. */
    record Fired(String rule, int column) implements Syntax
    {
    }
}
