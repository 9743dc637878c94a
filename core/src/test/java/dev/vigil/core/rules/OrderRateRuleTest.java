package dev.vigil.core.rules;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OrderRateRuleTest
{
    private static final long MS = 1_000_000L;
    private static final long CLIENT_ID = 42;
    private static final long ACCOUNT = 31;
    private static final long OTHER_ACCOUNT = 32;
    private static final long MAX_ORDERS = 2;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final OrderRateRule rule =
        new OrderRateRule(2, "orders-2-per-1s", RuleAction.DECLINE, MAX_ORDERS, 1_000 * MS, 100 * MS, 2);
    private long clientSeq;

    @Test
    void silentAtTheLimitAndFiresWhenExceeded()
    {
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 50 * MS));
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 150 * MS));

        assertEquals(RuleResult.FIRED, onOrder(ACCOUNT, 250 * MS));
        assertHit(ACCOUNT, 3, MAX_ORDERS, -700 * MS, 300 * MS);
    }

    @Test
    void countsPerAccount()
    {
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 10 * MS));
        assertEquals(RuleResult.PASSED, onOrder(OTHER_ACCOUNT, 20 * MS));
        assertEquals(RuleResult.PASSED, onOrder(OTHER_ACCOUNT, 30 * MS));
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 40 * MS));

        assertEquals(RuleResult.FIRED, onOrder(OTHER_ACCOUNT, 99 * MS));
        assertHit(OTHER_ACCOUNT, 3, MAX_ORDERS, -900 * MS, 100 * MS);
    }

    @Test
    void ordersOutsideTheWindowDoNotCount()
    {
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 50 * MS));
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 150 * MS));
        assertEquals(RuleResult.FIRED, onOrder(ACCOUNT, 250 * MS));

        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 1_200 * MS));
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 1_299 * MS));
        assertEquals(RuleResult.FIRED, onOrder(ACCOUNT, 1_300 * MS));
        assertHit(ACCOUNT, 3, MAX_ORDERS, 400 * MS, 1_400 * MS);
    }

    @Test
    void returnsStateFullForNewAccountBeyondMaxKeys()
    {
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 10 * MS));
        assertEquals(RuleResult.PASSED, onOrder(OTHER_ACCOUNT, 10 * MS));
        assertEquals(RuleResult.STATE_FULL, onOrder(33, 20 * MS));
        assertEquals(RuleResult.PASSED, onOrder(ACCOUNT, 20 * MS));
        assertEquals(RuleResult.FIRED, onOrder(ACCOUNT, 30 * MS));
    }

    @Test
    void describesItself()
    {
        assertEquals(2, rule.id());
        assertEquals("orders-2-per-1s", rule.name());
        assertEquals(RuleAction.DECLINE, rule.action());
    }

    private int onOrder(final long accountId, final long eventTimeNs)
    {
        frames.order(CLIENT_ID, ++clientSeq, eventTimeNs, accountId, 101, 5, Side.BUY, OrderType.LIMIT);
        return rule.onOrder(frames.decodeOrder(), hit);
    }

    private void assertHit(
        final long key, final long observed, final long threshold, final long windowStartNs, final long windowEndNs)
    {
        assertEquals(key, hit.key());
        assertEquals(observed, hit.observed());
        assertEquals(threshold, hit.threshold());
        assertEquals(windowStartNs, hit.windowStartNs());
        assertEquals(windowEndNs, hit.windowEndNs());
    }
}
