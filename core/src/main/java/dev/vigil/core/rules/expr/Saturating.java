package dev.vigil.core.rules.expr;

/**
 * The expression language's arithmetic: 64-bit, and a result beyond the range stops at {@code Long.MAX_VALUE} or
 * {@code Long.MIN_VALUE} instead of wrapping, so that an overflowing product still compares as the large number it
 * is ({@code price * quantity > 1000000} holds when the product overflows).
 */
public final class Saturating
{
    private Saturating()
    {
    }

    /**
     * @param a a value.
     * @param b a value.
     * @return {@code a + b}, saturated.
     */
    public static long add(final long a, final long b)
    {
        final long sum = a + b;
        // Overflow when both operands have the sign the sum lacks.
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /**
     * @param a a value.
     * @param b a value.
     * @return {@code a - b}, saturated.
     */
    public static long subtract(final long a, final long b)
    {
        final long difference = a - b;
        if (((a ^ b) & (a ^ difference)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return difference;
    }

    /**
     * @param a a value.
     * @param b a value.
     * @return {@code a * b}, saturated.
     */
    public static long multiply(final long a, final long b)
    {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            return low;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /**
     * @param a a value.
     * @return {@code -a}, saturated: {@code -Long.MIN_VALUE} is {@code Long.MAX_VALUE}.
     */
    public static long negate(final long a)
    {
        return a == Long.MIN_VALUE ? Long.MAX_VALUE : -a;
    }
}
