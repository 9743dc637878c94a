package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;

/**
 * Pre-trade notional limit: fires when the notional (price × quantity) an account orders in one instrument within
 * an event-time sliding window adds up to more than a limit. Market orders carry no price and count at 0.
 */
public final class NotionalRule extends WindowCountRule implements OrderRule
{
    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what an order gets when the rule fires.
     * @param maxNotional  largest notional per account and instrument and window that passes, in price ticks ×
     *                     quantity.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most account and instrument pairs tracked.
     */
    public NotionalRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxNotional,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action, StateKey.ACCOUNT_INSTRUMENT, maxNotional, windowSizeNs, slideNs, maxKeys);
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        final long notional = saturatingMultiply(order.price(), order.quantity());
        return measure(keyOf(order), order.eventTimeNs(), notional, hit);
    }

    private static long saturatingMultiply(final long a, final long b)
    {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }
}
