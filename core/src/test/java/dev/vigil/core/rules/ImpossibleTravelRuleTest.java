package dev.vigil.core.rules;

import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImpossibleTravelRuleTest
{
    private static final long MIN = 60_000_000_000L;

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final ImpossibleTravelRule rule = new ImpossibleTravelRule(4, "travel", RuleAction.REVIEW, 60 * MIN, 16);
    private long clientSeq;

    @Test
    void firesOnAnotherCountryWithinTheTimeAndNotAfter()
    {
        assertEquals(RuleResult.PASSED, use(rule, 7, 0, "DE"));
        assertEquals(RuleResult.PASSED, use(rule, 7, 10 * MIN, "DE"), "same country");
        assertEquals(RuleResult.FIRED, use(rule, 7, 40 * MIN, "US"));
        assertEquals(71, hit.key(), "the card: account 7's card 71");
        assertEquals(30 * MIN, hit.observed(), "minutes since the previous use");
        assertEquals(60 * MIN, hit.threshold());
        assertEquals(10 * MIN, hit.windowStartNs());
        assertEquals(40 * MIN + 1, hit.windowEndNs());

        assertEquals(RuleResult.PASSED, use(rule, 7, 100 * MIN, "FR"), "exactly 60 minutes later is possible");
    }

    @Test
    void cardsAreSeparateAndALateUseIsJudgedAgainstTheNewest()
    {
        assertEquals(RuleResult.PASSED, use(rule, 7, 0, "DE"));
        assertEquals(RuleResult.PASSED, use(rule, 8, 5 * MIN, "US"), "another card");
        assertEquals(RuleResult.FIRED, use(rule, 7, -20 * MIN, "GB"), "a late event 20 minutes before");
        assertEquals(20 * MIN, hit.observed());
        assertEquals(RuleResult.PASSED, use(rule, 7, 30 * MIN, "DE"), "the late GB use did not replace the newest");
    }

    @Test
    void stateSurvivesASnapshot() throws IOException
    {
        assertEquals(RuleResult.PASSED, use(rule, 7, 0, "DE"));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rule.writeState(new DataOutputStream(bytes));
        final ImpossibleTravelRule restored = new ImpossibleTravelRule(4, "travel", RuleAction.REVIEW, 60 * MIN, 16);
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertEquals(RuleResult.FIRED, use(restored, 7, MIN, "US"));
        assertEquals(RuleResult.PASSED, use(restored, 9, MIN, "US"));
    }

    @Test
    void stateFullForANewCardOnceFull()
    {
        final ImpossibleTravelRule small = new ImpossibleTravelRule(4, "travel", RuleAction.REVIEW, 60 * MIN, 1);
        assertEquals(RuleResult.PASSED, use(small, 7, 0, "DE"));
        assertEquals(RuleResult.STATE_FULL, use(small, 8, 0, "DE"));
    }

    private int use(final ImpossibleTravelRule target, final long account, final long timeNs, final String country)
    {
        frames.transaction(1, ++clientSeq, timeNs, account, 100, "EUR", country);
        return target.onTransaction(frames.decodeTransaction(), hit);
    }
}
