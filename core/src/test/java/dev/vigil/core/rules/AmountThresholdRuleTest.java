package dev.vigil.core.rules;

import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AmountThresholdRuleTest
{
    private static final long CLIENT_ID = 42;
    private static final long ACCOUNT = 7_001;
    private static final long MAX_AMOUNT = 10_000;
    private static final long EVENT_TIME_NS = 123_456_789L;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final AmountThresholdRule rule =
        new AmountThresholdRule(3, "amount-over-10000", RuleAction.DECLINE, MAX_AMOUNT);

    @Test
    void passesAtTheLimitWhereARuleWithALowerOneFires()
    {
        frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, MAX_AMOUNT);
        final AmountThresholdRule lower =
            new AmountThresholdRule(4, "amount-over-9999", RuleAction.DECLINE, MAX_AMOUNT - 1);

        assertEquals(RuleResult.FIRED, lower.onTransaction(frames.decodeTransaction(), hit));
        assertEquals(RuleResult.PASSED, rule.onTransaction(frames.decodeTransaction(), hit));
        // A pass leaves the shared hit as the last rule to fire filled it.
        assertHit(ACCOUNT, MAX_AMOUNT, MAX_AMOUNT - 1, EVENT_TIME_NS, EVENT_TIME_NS + 1);
    }

    @Test
    void passesBelowTheLimitAndFiresAboveIt()
    {
        for (final long amount : new long[]{0, 1, MAX_AMOUNT / 2, MAX_AMOUNT - 1})
        {
            frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, amount);
            assertEquals(RuleResult.PASSED, rule.onTransaction(frames.decodeTransaction(), hit), "amount " + amount);
        }
        assertHit(0, 0, 0, 0, 0);

        for (final long amount : new long[]{MAX_AMOUNT + 1, 2 * MAX_AMOUNT, Long.MAX_VALUE})
        {
            frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, amount);
            assertEquals(RuleResult.FIRED, rule.onTransaction(frames.decodeTransaction(), hit), "amount " + amount);
            assertHit(ACCOUNT, amount, MAX_AMOUNT, EVENT_TIME_NS, EVENT_TIME_NS + 1);
        }
    }

    @Test
    void firesOneMinorUnitAboveTheLimit()
    {
        frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, MAX_AMOUNT + 1);

        assertEquals(RuleResult.FIRED, rule.onTransaction(frames.decodeTransaction(), hit));
        assertHit(ACCOUNT, MAX_AMOUNT + 1, MAX_AMOUNT, EVENT_TIME_NS, EVENT_TIME_NS + 1);
    }

    @Test
    void firesForEachLargeTransactionAndKeepsNoState()
    {
        frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, 50_000);
        assertEquals(RuleResult.FIRED, rule.onTransaction(frames.decodeTransaction(), hit));
        assertHit(ACCOUNT, 50_000, MAX_AMOUNT, EVENT_TIME_NS, EVENT_TIME_NS + 1);

        frames.transaction(CLIENT_ID, 2, EVENT_TIME_NS + 5, ACCOUNT, 9_999);
        assertEquals(RuleResult.PASSED, rule.onTransaction(frames.decodeTransaction(), hit));

        frames.transaction(CLIENT_ID, 3, -40, ACCOUNT + 1, 10_500);
        assertEquals(RuleResult.FIRED, rule.onTransaction(frames.decodeTransaction(), hit));
        assertHit(ACCOUNT + 1, 10_500, MAX_AMOUNT, -40, -39);
    }

    @Test
    void describesItself()
    {
        assertEquals(3, rule.id());
        assertEquals("amount-over-10000", rule.name());
        assertEquals(RuleAction.DECLINE, rule.action());
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
