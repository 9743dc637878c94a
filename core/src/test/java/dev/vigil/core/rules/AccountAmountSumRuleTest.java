package dev.vigil.core.rules;

import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccountAmountSumRuleTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long MAX_SUM = 10_000;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final AccountAmountSumRule rule =
        new AccountAmountSumRule(3, "amount-sum", RuleAction.REVIEW, MAX_SUM, 10 * SEC, SEC, 16);
    private long clientSeq;

    @Test
    void silentUpToTheLimitAndFiresAboveIt()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, SEC, 4_000));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 2 * SEC, 6_000), "exactly at the limit passes");
        assertEquals(RuleResult.FIRED, pay(rule, 7, 3 * SEC, 1));
        assertEquals(10_001, hit.observed());
        assertEquals(MAX_SUM, hit.threshold());
        assertEquals(7, hit.key());
        assertEquals(-6 * SEC, hit.windowStartNs());
        assertEquals(4 * SEC, hit.windowEndNs());
    }

    @Test
    void amountsLeaveTheWindowAsItSlides()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, SEC, 9_000));
        assertEquals(RuleResult.FIRED, pay(rule, 7, 10 * SEC, 2_000), "1s and 10s share the window [1s, 11s)");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 11 * SEC, 1), "the 9,000 at 1s left with the slide to 12s");
        assertEquals(RuleResult.FIRED, pay(rule, 7, 11 * SEC + 500_000_000L, 8_000));
        assertEquals(2_000 + 1 + 8_000, hit.observed(), "the window [2s, 12s) holds 2,000 + 1 + 8,000");
    }

    @Test
    void accountsAreSeparateAndStateSurvivesASnapshot() throws IOException
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, SEC, 6_000));
        assertEquals(RuleResult.PASSED, pay(rule, 8, SEC, 6_000));

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rule.writeState(new DataOutputStream(bytes));
        final AccountAmountSumRule restored =
            new AccountAmountSumRule(3, "amount-sum", RuleAction.REVIEW, MAX_SUM, 10 * SEC, SEC, 16);
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertEquals(RuleResult.FIRED, pay(restored, 7, 2 * SEC, 5_000));
        assertEquals(11_000, hit.observed());
        assertEquals(RuleResult.PASSED, pay(restored, 9, 2 * SEC, 5_000));
    }

    private int pay(final AccountAmountSumRule target, final long account, final long timeNs, final long amount)
    {
        frames.transaction(1, ++clientSeq, timeNs, account, amount);
        return target.onTransaction(frames.decodeTransaction(), hit);
    }
}
