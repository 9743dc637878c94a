package dev.vigil.core.rules;

import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccountVelocityRuleTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long CLIENT_ID = 42;
    private static final long ACCOUNT = 7;
    private static final long OTHER_ACCOUNT = 8;
    private static final long MAX_COUNT = 3;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final AccountVelocityRule rule =
        new AccountVelocityRule(1, "velocity-3-per-10s", RuleAction.REVIEW, MAX_COUNT, 10 * SEC, SEC, 2);
    private long clientSeq;

    @Test
    void silentAtTheLimitAndFiresWhenExceeded()
    {
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 2 * SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 3 * SEC));

        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 4 * SEC));
        assertHit(ACCOUNT, 4, MAX_COUNT, -5 * SEC, 5 * SEC);

        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 4 * SEC + 500_000_000L));
        assertHit(ACCOUNT, 5, MAX_COUNT, -5 * SEC, 5 * SEC);
    }

    @Test
    void countsPerAccount()
    {
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 2 * SEC));
        assertEquals(RuleResult.PASSED, onTransaction(OTHER_ACCOUNT, 2 * SEC + 500_000_000L));
        assertEquals(RuleResult.PASSED, onTransaction(OTHER_ACCOUNT, 3 * SEC));
        assertEquals(RuleResult.PASSED, onTransaction(OTHER_ACCOUNT, 3 * SEC + 500_000_000L));

        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 4 * SEC));

        assertEquals(RuleResult.FIRED, onTransaction(OTHER_ACCOUNT, 4 * SEC));
        assertHit(OTHER_ACCOUNT, 4, MAX_COUNT, -5 * SEC, 5 * SEC);

        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 5 * SEC));
        assertHit(ACCOUNT, 4, MAX_COUNT, -4 * SEC, 6 * SEC);
    }

    @Test
    void oldTransactionsLeaveTheWindow()
    {
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 2 * SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 3 * SEC));
        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 4 * SEC));

        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 11 * SEC + 500_000_000L));
        assertHit(ACCOUNT, 4, MAX_COUNT, 2 * SEC, 12 * SEC);

        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 13 * SEC + 500_000_000L));
    }

    @Test
    void returnsStateFullForNewAccountBeyondMaxKeys()
    {
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, SEC));
        assertEquals(RuleResult.PASSED, onTransaction(OTHER_ACCOUNT, SEC));

        assertEquals(RuleResult.STATE_FULL, onTransaction(9, SEC));
        assertEquals(RuleResult.STATE_FULL, onTransaction(10, 2 * SEC));

        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 2 * SEC));
        assertEquals(RuleResult.PASSED, onTransaction(ACCOUNT, 3 * SEC));
        assertEquals(RuleResult.FIRED, onTransaction(ACCOUNT, 4 * SEC));
        assertHit(ACCOUNT, 4, MAX_COUNT, -5 * SEC, 5 * SEC);
    }

    @Test
    void describesItself()
    {
        assertEquals(1, rule.id());
        assertEquals("velocity-3-per-10s", rule.name());
        assertEquals(RuleAction.REVIEW, rule.action());
    }

    private int onTransaction(final long accountId, final long eventTimeNs)
    {
        frames.transaction(CLIENT_ID, ++clientSeq, eventTimeNs, accountId, 100);
        return rule.onTransaction(frames.decodeTransaction(), hit);
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
