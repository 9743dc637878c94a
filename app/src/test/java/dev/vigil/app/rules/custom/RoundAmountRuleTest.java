package dev.vigil.app.rules.custom;

import dev.vigil.core.TestFrames;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.TransactionRule;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.rules.config.RulesFileException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoundAmountRuleTest
{
    private static final String HEADER = "rules:\n";

    private final TestFrames frames = new TestFrames();
    private final RuleHit hit = new RuleHit();

    @Test
    void aCustomRuleLoadsFromTheRulesFileAndFires()
    {
        final RuleSet ruleSet = new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", HEADER + roundAmount("100000")),
            null);
        final TransactionRule rule = (TransactionRule)ruleSet.ruleById(20);
        assertEquals("round-amount", rule.name());

        frames.transaction(1, 1, 0, 7, 500_000);
        assertEquals(RuleResult.FIRED, rule.onTransaction(frames.decodeTransaction(), hit));
        frames.transaction(1, 2, 0, 7, 500_001);
        assertEquals(RuleResult.PASSED, rule.onTransaction(frames.decodeTransaction(), hit));
        frames.transaction(1, 3, 0, 7, 100_000);
        assertEquals(RuleResult.PASSED, rule.onTransaction(frames.decodeTransaction(), hit), "below min-amount");
    }

    @Test
    void aCustomRuleThatRefusesItsParametersIsAnErrorAtItsLine()
    {
        final RulesFile file = RulesFile.parse("r.yaml", HEADER + roundAmount("often"));
        final RulesFileException ex =
            assertThrows(RulesFileException.class, () -> new RuleSetBuilder(16).build(file, null));
        assertEquals(List.of("r.yaml:2: rule 'round-amount' class dev.vigil.app.rules.custom.RoundAmountRule " +
            "refused its parameters: parameter 'unit' = 'often' is not an integer"), ex.errors());
    }

    private static String roundAmount(final String unit)
    {
        return "  - id: 20\n" +
            "    name: round-amount\n" +
            "    type: custom\n" +
            "    class: dev.vigil.app.rules.custom.RoundAmountRule\n" +
            "    parameters: {unit: " + unit + ", min-amount: 500000}\n" +
            "    action: alert_only\n";
    }
}
