package dev.vigil.core.rules;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PriceBandRuleTest
{
    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final PriceBandRule rule = new PriceBandRule(8, "price-band", RuleAction.DECLINE, 500, 16);
    private long clientSeq;

    @Test
    void firesMoreThanTheBandAwayFromThePreviousLimitPrice()
    {
        assertEquals(RuleResult.PASSED, order(10_000, OrderType.LIMIT), "no reference yet");
        assertEquals(RuleResult.PASSED, order(10_500, OrderType.LIMIT), "exactly 5% above passes");
        assertEquals(RuleResult.FIRED, order(9_974, OrderType.LIMIT), "5.0095% below 10,500");
        assertEquals(TestFrames.INSTRUMENT_ID, hit.key());
        assertEquals(500, hit.threshold());
        assertEquals(501, hit.observed(), "basis points rounded up: 526 * 10,000 / 10,500 = 500.95");
    }

    @Test
    void marketOrdersAreNotJudgedAndDoNotMoveTheReference()
    {
        assertEquals(RuleResult.PASSED, order(10_000, OrderType.LIMIT));
        assertEquals(RuleResult.PASSED, order(0, OrderType.MARKET));
        assertEquals(RuleResult.FIRED, order(20_000, OrderType.LIMIT));
        assertEquals(10_000, hit.observed(), "100% away, in basis points");
    }

    @Test
    void productsCompareWithoutOverflow()
    {
        assertEquals(true, PriceBandRule.greaterProduct(Long.MAX_VALUE, 10_000, 500, Long.MAX_VALUE));
        assertEquals(false, PriceBandRule.greaterProduct(5, 10_000, 500, 100));
        assertEquals(true, PriceBandRule.greaterProduct(6, 10_000, 500, 100));
    }

    private int order(final long price, final OrderType type)
    {
        frames.order(1, ++clientSeq, clientSeq, 7, price, 10, Side.BUY, type);
        return rule.onOrder(frames.decodeOrder(), hit);
    }
}
