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

class AmountSpikeRuleTest
{
    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();
    private final AmountSpikeRule rule = newRule();
    private long clientSeq;

    @Test
    void firesAboveFactorTimesTheMeanOnlyAfterTheMinimumHistory()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 1_000));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 1_000));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 50_000), "only two earlier payments: too little history");

        final AmountSpikeRule fresh = newRule();
        for (int i = 0; i < 3; i++)
        {
            assertEquals(RuleResult.PASSED, pay(fresh, 8, 1_000));
        }
        assertEquals(RuleResult.PASSED, pay(fresh, 8, 5_000), "exactly 5 x the mean of 1,000 passes");
        // mean is now 1,000 + 0.5 * (5,000 - 1,000) = 3,000
        assertEquals(RuleResult.FIRED, pay(fresh, 8, 15_001));
        assertEquals(8, hit.key());
        assertEquals(15_001, hit.observed());
        assertEquals(15_000, hit.threshold());
        assertEquals(RuleResult.PASSED, pay(fresh, 9, 1_000_000), "another account has no history");
    }

    @Test
    void stateSurvivesASnapshotAndParametersAreChecked() throws IOException
    {
        for (int i = 0; i < 3; i++)
        {
            pay(rule, 7, 1_000);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rule.writeState(new DataOutputStream(bytes));
        final AmountSpikeRule restored = newRule();
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(RuleResult.FIRED, pay(restored, 7, 5_001));

        assertThrows(IllegalArgumentException.class,
            () -> new AmountSpikeRule(7, "x", RuleAction.REVIEW, 1, 0.5, 3, 4));
        assertThrows(IllegalArgumentException.class,
            () -> new AmountSpikeRule(7, "x", RuleAction.REVIEW, 5, 0, 3, 4));
    }

    private static AmountSpikeRule newRule()
    {
        return new AmountSpikeRule(7, "spike", RuleAction.REVIEW, 5.0, 0.5, 3, 16);
    }

    private int pay(final AmountSpikeRule target, final long account, final long amount)
    {
        frames.transaction(1, ++clientSeq, clientSeq, account, amount);
        return target.onTransaction(frames.decodeTransaction(), hit);
    }
}
