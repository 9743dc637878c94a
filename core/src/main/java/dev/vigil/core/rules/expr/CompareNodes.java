package dev.vigil.core.rules.expr;

import java.util.Arrays;

/**
 * The nodes of comparisons and of {@code in [...]}: one small class per operator, and one per operator against a
 * constant (the usual case, {@code amount >= 20000}), so that a node does its comparison without branching on the
 * operator.
 */
final class CompareNodes
{
    /** Sets this small are searched one by one; larger ones by binary search. */
    private static final int LINEAR_SEARCH_MAX = 8;

    private CompareNodes()
    {
    }

    /**
     * @param op    the comparison.
     * @param left  its left operand.
     * @param right its right operand.
     * @return the node.
     */
    static BoolNode compare(final CompareOp op, final LongNode left, final LongNode right)
    {
        switch (op)
        {
            case EQ:
                return new Eq(left, right);
            case NE:
                return new Ne(left, right);
            case LT:
                return new Lt(left, right);
            case LE:
                return new Le(left, right);
            case GT:
                return new Lt(right, left);
            default:
                return new Le(right, left);
        }
    }

    /**
     * @param op       the comparison.
     * @param left     its left operand.
     * @param constant its right operand, a constant.
     * @return the node.
     */
    static BoolNode compare(final CompareOp op, final LongNode left, final long constant)
    {
        switch (op)
        {
            case EQ:
                return new EqConst(left, constant);
            case NE:
                return new NeConst(left, constant);
            case LT:
                return new LtConst(left, constant);
            case LE:
                return new LeConst(left, constant);
            case GT:
                return new GtConst(left, constant);
            default:
                return new GeConst(left, constant);
        }
    }

    /**
     * @param operand the value looked for.
     * @param values  the set; copied and sorted.
     * @return the node of {@code operand in [values]}.
     */
    static BoolNode in(final LongNode operand, final long[] values)
    {
        final long[] sorted = Arrays.stream(values).distinct().sorted().toArray();
        return sorted.length == 1 ? new EqConst(operand, sorted[0]) : sorted.length <= LINEAR_SEARCH_MAX ?
            new InSmallSet(operand, sorted) : new InSortedSet(operand, sorted);
    }

    private abstract static class Binary extends BoolNode
    {
        final LongNode left;
        final LongNode right;

        Binary(final LongNode left, final LongNode right)
        {
            this.left = left;
            this.right = right;
        }
    }

    private abstract static class WithConstant extends BoolNode
    {
        final LongNode left;
        final long constant;

        WithConstant(final LongNode left, final long constant)
        {
            this.left = left;
            this.constant = constant;
        }
    }

    static final class Eq extends Binary
    {
        Eq(final LongNode left, final LongNode right)
        {
            super(left, right);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) == right.value(fields);
        }
    }

    static final class Ne extends Binary
    {
        Ne(final LongNode left, final LongNode right)
        {
            super(left, right);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) != right.value(fields);
        }
    }

    static final class Lt extends Binary
    {
        Lt(final LongNode left, final LongNode right)
        {
            super(left, right);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) < right.value(fields);
        }
    }

    static final class Le extends Binary
    {
        Le(final LongNode left, final LongNode right)
        {
            super(left, right);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) <= right.value(fields);
        }
    }

    static final class EqConst extends WithConstant
    {
        EqConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) == constant;
        }
    }

    static final class NeConst extends WithConstant
    {
        NeConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) != constant;
        }
    }

    static final class LtConst extends WithConstant
    {
        LtConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) < constant;
        }
    }

    static final class LeConst extends WithConstant
    {
        LeConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) <= constant;
        }
    }

    static final class GtConst extends WithConstant
    {
        GtConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) > constant;
        }
    }

    static final class GeConst extends WithConstant
    {
        GeConst(final LongNode left, final long constant)
        {
            super(left, constant);
        }

        @Override
        boolean test(final EventFields fields)
        {
            return left.value(fields) >= constant;
        }
    }

    static final class InSmallSet extends BoolNode
    {
        private final LongNode operand;
        private final long[] values;

        InSmallSet(final LongNode operand, final long[] values)
        {
            this.operand = operand;
            this.values = values;
        }

        @Override
        boolean test(final EventFields fields)
        {
            final long value = operand.value(fields);
            for (final long candidate : values)
            {
                if (candidate == value)
                {
                    return true;
                }
            }
            return false;
        }
    }

    static final class InSortedSet extends BoolNode
    {
        private final LongNode operand;
        private final long[] values;

        InSortedSet(final LongNode operand, final long[] values)
        {
            this.operand = operand;
            this.values = values;
        }

        @Override
        boolean test(final EventFields fields)
        {
            return Arrays.binarySearch(values, operand.value(fields)) >= 0;
        }
    }
}
