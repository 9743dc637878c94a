package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;

/**
 * A rule over orders.
 */
public interface OrderRule extends Rule
{
    /**
     * Judge one order and update the rule's state.
     *
     * @param order flyweight over the order, valid only during the call.
     * @param hit   filled in when the rule fires.
     * @return a {@link RuleResult} code.
     */
    int onOrder(OrderDecoder order, RuleHit hit);
}
