package dev.vigil.core.rules.expr;

/**
 * A compiled value — a number, an amount, or the code of a symbolic value: a small immutable node of the tree an
 * expression compiles to, built once at load. Evaluation allocates nothing and cannot fail.
 */
abstract class LongNode
{
    /**
     * @param fields the event and the outcome so far.
     * @return the value.
     */
    abstract long value(EventFields fields);
}
