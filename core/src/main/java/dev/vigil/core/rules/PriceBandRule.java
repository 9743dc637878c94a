package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

/**
 * Price band: fires when a limit order's price is more than a percentage away from its instrument's reference
 * price, the price of the previous limit order for that instrument (a fat-finger check). Market orders carry no
 * price and are not judged. The hit reports the deviation in basis points, rounded up.
 */
public final class PriceBandRule extends KeyedStateRule implements OrderRule
{
    /** The one word of state per instrument: the previous limit price, 0 before the first. */
    private static final int REFERENCE_PRICE = 0;

    private final long maxDeviationBasisPoints;

    /**
     * @param id                      rule id.
     * @param name                    rule name.
     * @param action                  what an order gets when the rule fires.
     * @param maxDeviationBasisPoints largest distance from the reference that passes, in hundredths of a percent.
     * @param maxKeys                 most instruments tracked.
     */
    public PriceBandRule(
        final int id, final String name, final RuleAction action, final long maxDeviationBasisPoints, final int maxKeys)
    {
        super(id, name, action, StateKey.INSTRUMENT, Long.BYTES, maxKeys);
        this.maxDeviationBasisPoints = maxDeviationBasisPoints;
    }

    @Override
    public int onOrder(final OrderDecoder order, final RuleHit hit)
    {
        if (order.orderTypeRaw() != OrderType.LIMIT.value())
        {
            return RuleResult.PASSED;
        }
        final long instrument = keyOf(order);
        final long state = stateOf(instrument);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long price = order.price();
        final long reference = RecordWords.get(state, REFERENCE_PRICE);
        RecordWords.put(state, REFERENCE_PRICE, price);
        if (reference == 0)
        {
            return RuleResult.PASSED;
        }
        // Exactly |price - reference| / reference > max / 10,000, compared as 128-bit products: no rounding, no
        // overflow, so the band's edge is where it is configured to be.
        final long distance = Math.abs(price - reference);
        if (!greaterProduct(distance, 10_000, maxDeviationBasisPoints, reference))
        {
            return RuleResult.PASSED;
        }
        final long deviationBasisPoints = Math.multiplyHigh(distance, 10_000) != 0 ?
            Long.MAX_VALUE : (distance * 10_000 + reference - 1) / reference;
        final long eventTimeNs = order.eventTimeNs();
        return hit.set(instrument, deviationBasisPoints, maxDeviationBasisPoints, eventTimeNs, eventTimeNs + 1);
    }

    /**
     * @return whether a × b > c × d, for non-negative a, b, c, d, without overflow.
     */
    static boolean greaterProduct(final long a, final long b, final long c, final long d)
    {
        final long high1 = Math.multiplyHigh(a, b);
        final long high2 = Math.multiplyHigh(c, d);
        return high1 != high2 ? high1 > high2 : Long.compareUnsigned(a * b, c * d) > 0;
    }
}
