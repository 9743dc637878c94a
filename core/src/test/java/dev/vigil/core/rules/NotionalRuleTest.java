package dev.vigil.core.rules;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class NotionalRuleTest
{
    private static final long SEC = 1_000_000_000L;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final NotionalRule rule = new NotionalRule(6, "notional", RuleAction.DECLINE, 100_000, 10 * SEC, SEC, 16);
    private long clientSeq;

    @Test
    void notionalOfAnAccountAndInstrumentAddsUpInTheWindow()
    {
        assertEquals(RuleResult.PASSED, order(7, SEC, 100, 500), "50,000");
        assertEquals(RuleResult.PASSED, order(7, 2 * SEC, 100, 500), "100,000: at the limit");
        assertEquals(RuleResult.FIRED, order(7, 3 * SEC, 10, 1));
        assertEquals(100_010, hit.observed());
        assertEquals(100_000, hit.threshold());
        assertEquals(StateKey.accountInstrument(7, TestFrames.INSTRUMENT_ID), hit.key());

        assertEquals(RuleResult.PASSED, order(8, 3 * SEC, 100, 900), "another account");
        assertEquals(RuleResult.PASSED, order(7, 12 * SEC, 100, 900), "the earlier orders left the window");
    }

    @Test
    void marketOrdersCountAtZeroAndHugeNotionalsSaturate()
    {
        frames.order(1, ++clientSeq, SEC, 7, 0, 1_000_000, Side.BUY, OrderType.MARKET);
        assertEquals(RuleResult.PASSED, rule.onOrder(frames.decodeOrder(), hit));
        assertEquals(RuleResult.FIRED, order(9, SEC, Long.MAX_VALUE / 2, 4));
        assertEquals(Long.MAX_VALUE, hit.observed());
        assertNotEquals(StateKey.accountInstrument(1, 2), StateKey.accountInstrument(2, 1), "pairs, not sets, of ids");
    }

    private int order(final long account, final long timeNs, final long price, final long quantity)
    {
        frames.order(1, ++clientSeq, timeNs, account, price, quantity, Side.BUY, OrderType.LIMIT);
        return rule.onOrder(frames.decodeOrder(), hit);
    }
}
