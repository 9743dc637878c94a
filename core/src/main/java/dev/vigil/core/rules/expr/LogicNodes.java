package dev.vigil.core.rules.expr;

/**
 * The nodes of {@code and}, {@code or}, {@code not} and {@code fired(rule)}. {@code and} and {@code or} evaluate
 * their right operand only when the left one leaves the answer open; as evaluation has no effects, that only saves
 * work.
 */
final class LogicNodes
{
    private LogicNodes()
    {
    }

    static final class And extends BoolNode
    {
        private final BoolNode left;
        private final BoolNode right;

        And(final BoolNode left, final BoolNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.test(fields) && right.test(fields);
        }
    }

    static final class Or extends BoolNode
    {
        private final BoolNode left;
        private final BoolNode right;

        Or(final BoolNode left, final BoolNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.test(fields) || right.test(fields);
        }
    }

    static final class Not extends BoolNode
    {
        private final BoolNode operand;

        Not(final BoolNode operand)
        {
            this.operand = operand;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return !operand.test(fields);
        }
    }

    /** A condition whose operands are all constants. */
    static final class Constant extends BoolNode
    {
        private final boolean value;

        Constant(final boolean value)
        {
            this.value = value;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return value;
        }
    }

    /** Whether a rule with a lower id fired on this event. */
    static final class Fired extends BoolNode
    {
        private final long bit;

        Fired(final int ruleId)
        {
            this.bit = 1L << ruleId;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return (fields.firedRules & bit) != 0;
        }
    }
}
