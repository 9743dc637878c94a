package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;

/**
 * Pre-trade order-rate limit: fires when an account sends more than a number of orders within an event-time
 * sliding window.
 */
public final class OrderRateRule extends WindowCountRule implements OrderRule
{
    private final OrderKey key;

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what an order gets when the rule fires.
     * @param maxOrders    most orders per account and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most accounts tracked.
     */
    public OrderRateRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxOrders,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        this(id, name, action, OrderKey.ACCOUNT, maxOrders, windowSizeNs, slideNs, maxKeys);
    }

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what an order gets when the rule fires.
     * @param key          what the orders are counted by.
     * @param maxOrders    most orders per account and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most accounts tracked.
     */
    public OrderRateRule(
        final int id,
        final String name,
        final RuleAction action,
        final OrderKey key,
        final long maxOrders,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action, key.stateKey(), maxOrders, windowSizeNs, slideNs, maxKeys);
        this.key = key;
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        return count(key.of(order), order.eventTimeNs(), hit);
    }
}
