package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.core.window.KeyedSlidingCounter;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Pre-trade order-rate limit: fires when an account sends more than a number of orders within an event-time
 * sliding window.
 */
public final class OrderRateRule extends NamedRule implements OrderRule
{
    private final long maxOrders;
    private final KeyedSlidingCounter counter;

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
        super(id, name, action);
        this.maxOrders = maxOrders;
        this.counter = new KeyedSlidingCounter(maxKeys, windowSizeNs, slideNs);
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        return WindowCountCheck.check(counter, order.accountId(), order.eventTimeNs(), maxOrders, hit);
    }

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        counter.writeTo(out);
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        counter.readFrom(in);
    }
}
