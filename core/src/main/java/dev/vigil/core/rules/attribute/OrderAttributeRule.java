package dev.vigil.core.rules.attribute;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.core.rules.OrderKey;
import dev.vigil.core.rules.OrderRule;
import dev.vigil.core.rules.RuleHit;

/**
 * A per-key attribute kept over orders.
 */
public final class OrderAttributeRule extends AttributeRule implements OrderRule
{
    private final OrderKey key;

    /**
     * @param id      the rule's id.
     * @param name    the name expressions read it by.
     * @param key     what it is kept per.
     * @param spec    what it keeps.
     * @param maxKeys most keys tracked.
     */
    public OrderAttributeRule(
        final int id, final String name, final OrderKey key, final AttributeSpec spec, final int maxKeys)
    {
        super(id, name, key.stateKey(), spec, maxKeys);
        this.key = key;
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        fields().order(order);
        return keep(key.of(order), order.eventTimeNs(), hit);
    }
}
