package dev.vigil.core.rules.expr;

/**
 * The nodes of constants and of {@code + - *} and unary minus, with {@link Saturating} arithmetic.
 */
final class ArithmeticNodes
{
    private ArithmeticNodes()
    {
    }

    static final class Constant extends LongNode
    {
        private final long value;

        Constant(final long value)
        {
            this.value = value;
        }

        @Override
        long value(final EventFields fields)
        {
            return value;
        }
    }

    static final class Add extends LongNode
    {
        private final LongNode left;
        private final LongNode right;

        Add(final LongNode left, final LongNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        long value(final EventFields fields)
        {
            return Saturating.add(left.value(fields), right.value(fields));
        }
    }

    static final class Subtract extends LongNode
    {
        private final LongNode left;
        private final LongNode right;

        Subtract(final LongNode left, final LongNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        long value(final EventFields fields)
        {
            return Saturating.subtract(left.value(fields), right.value(fields));
        }
    }

    static final class Multiply extends LongNode
    {
        private final LongNode left;
        private final LongNode right;

        Multiply(final LongNode left, final LongNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        long value(final EventFields fields)
        {
            return Saturating.multiply(left.value(fields), right.value(fields));
        }
    }

    static final class Negate extends LongNode
    {
        private final LongNode operand;

        Negate(final LongNode operand)
        {
            this.operand = operand;
        }

        @Override
        long value(final EventFields fields)
        {
            return Saturating.negate(operand.value(fields));
        }
    }
}
