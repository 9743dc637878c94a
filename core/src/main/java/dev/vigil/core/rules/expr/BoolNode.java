package dev.vigil.core.rules.expr;

/**
 * A compiled condition: a small immutable node of the tree an expression compiles to, built once at load.
 * Evaluation allocates nothing and cannot fail: the compiler checked the types.
 */
abstract class BoolNode
{
    /**
     * @param fields the event and the outcome so far.
     * @return whether the condition holds.
     */
    abstract boolean test(EventFields fields);
}
