package dev.vigil.core.rules.threshold;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.core.rules.OrderKey;
import dev.vigil.core.rules.OrderRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;

/**
 * A threshold rule over orders, keyed by account or instrument.
 */
public final class OrderThresholdRule extends ThresholdRule implements OrderRule
{
    private final OrderKey key;

    /**
     * @param id      rule id.
     * @param name    rule name.
     * @param action  what an order gets when the rule fires.
     * @param key     what the windows are kept by.
     * @param spec    what the rule measures and when it fires; its value over orders.
     * @param maxKeys most keys of the rule's own store.
     */
    public OrderThresholdRule(
        final int id,
        final String name,
        final RuleAction action,
        final OrderKey key,
        final ThresholdSpec spec,
        final int maxKeys)
    {
        super(id, name, action, key.stateKey(), spec, maxKeys);
        this.key = key;
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        fields().order(order);
        return judge(key.of(order), order.eventTimeNs(), hit);
    }
}
