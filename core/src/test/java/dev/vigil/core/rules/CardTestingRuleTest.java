package dev.vigil.core.rules;

import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CardTestingRuleTest
{
    private static final long MIN = 60_000_000_000L;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final CardTestingRule rule = newRule();
    private long clientSeq;

    @Test
    void aSmallPaymentThenALargeOneWithinTheTimeFires()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 100), "small");
        assertEquals(RuleResult.PASSED, pay(rule, 7, MIN, 5_000), "medium: neither small nor large");
        assertEquals(RuleResult.FIRED, pay(rule, 7, 5 * MIN, 60_000), "large, 5 minutes after the small one");
        assertEquals(71, hit.key());
        assertEquals(60_000, hit.observed());
        assertEquals(50_000, hit.threshold());
        assertEquals(0, hit.windowStartNs());
        assertEquals(5 * MIN + 1, hit.windowEndNs());
    }

    @Test
    void silentWithoutASmallPaymentTooLongAfterItOrOnAnotherCard()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 60_000), "large, no small before");
        assertEquals(RuleResult.PASSED, pay(rule, 7, MIN, 100));
        assertEquals(RuleResult.PASSED, pay(rule, 8, 2 * MIN, 60_000), "another card");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 11 * MIN, 60_000), "exactly 10 minutes later is outside");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 60_000), "a large payment before the small one");
    }

    @Test
    void matchesInEventTimeWhateverTheArrivalOrder()
    {
        final long t = 100 * MIN;
        final long second = 1_000_000_000L;
        assertEquals(RuleResult.PASSED, pay(rule, 7, t + 100 * second, 100), "small at T+100 s");
        assertEquals(RuleResult.PASSED, pay(rule, 7, t + 140 * second, 100), "small at T+140 s");
        assertEquals(RuleResult.FIRED, pay(rule, 7, t + 110 * second, 60_000), "large at T+110 s, arriving last");
        assertEquals(t + 100 * second, hit.windowStartNs(), "paired with the small payment before it");
        assertEquals(t + 110 * second + 1, hit.windowEndNs());

        assertEquals(RuleResult.PASSED, pay(rule, 9, t + 5 * MIN, 70_000), "large, nothing before it yet");
        assertEquals(RuleResult.FIRED, pay(rule, 9, t + MIN, 100), "a small payment arriving late completes it");
        assertEquals(70_000, hit.observed(), "the large payment's amount");
        assertEquals(t + MIN, hit.windowStartNs());
        assertEquals(t + 5 * MIN + 1, hit.windowEndNs());
    }

    @Test
    void stateSurvivesASnapshotAndLimitsAreChecked() throws IOException
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 100));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rule.writeState(new DataOutputStream(bytes));
        final CardTestingRule restored = newRule();
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(RuleResult.FIRED, pay(restored, 7, MIN, 50_000));

        assertThrows(IllegalArgumentException.class,
            () -> new CardTestingRule(5, "x", RuleAction.REVIEW, 1_000, 1_000, MIN, 16));
    }

    private static CardTestingRule newRule()
    {
        return new CardTestingRule(5, "card-testing", RuleAction.DECLINE, 200, 50_000, 10 * MIN, 16);
    }

    private int pay(final CardTestingRule target, final long account, final long timeNs, final long amount)
    {
        frames.transaction(1, ++clientSeq, timeNs, account, amount);
        return target.onTransaction(frames.decodeTransaction(), hit);
    }
}
