package dev.vigil.core.rules.config;

import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.TestEvents;
import dev.vigil.core.rules.threshold.OrderThresholdRule;
import dev.vigil.core.rules.threshold.TransactionThresholdRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The rules files shipped in config/ load and build: the default rules without a where: or a threshold rule, the
 * analysts' examples with them.
 */
class ExampleRulesFilesTest
{
    private static final Path CONFIG = Path.of("..", "config");
    private static final long SEC = 1_000_000_000L;

    @Test
    void theAnalystExamplesLoadAndJudge() throws IOException
    {
        final Path file = CONFIG.resolve("examples").resolve("analyst-rules.yaml");
        final RulesFile rulesFile = RulesFile.parse(file.toString(), Files.readString(file));
        final RuleSet rules = new RuleSetBuilder(64).build(rulesFile, null);
        assertEquals(List.of(0, 1, 12, 13, 14, 15, 16, 20, 21, 30, 31, 32, 33, 34, 40, 41),
            rules.rules().stream().map(Rule::id).toList());
        assertInstanceOf(TransactionThresholdRule.class, rules.ruleById(12));
        assertInstanceOf(OrderThresholdRule.class, rules.ruleById(20));
        assertNotNull(rules.filter(1), "a built-in rule behind a where:");
        assertNull(rules.filter(14));
        assertNotNull(rules.windows().get(0).filter());

        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.REVIEW);
        final TestEvents events = new TestEvents();
        evaluator.evaluate(events.payment(0, 7, 71, 5, 1_000, "EUR", "GB", PaymentChannel.POS),
            new RingEvent(64).alerts());
        for (int i = 1; i <= 4; i++)
        {
            assertEquals(0, evaluator.firedRules() & 1L << 12, "not yet");
            evaluator.evaluate(events.payment(i * SEC, 7, 71, 5, 10_000, "EUR", "FR", PaymentChannel.ATM),
                new RingEvent(64).alerts());
        }
        assertEquals(1L << 12 | 1L << 31, evaluator.firedRules(),
            "the fourth withdrawal outside GB, the card's home, within 10 minutes; the fifth payment of a quiet " +
            "account");

        evaluator.evaluate(events.payment(100 * SEC, 8, 81, 5, 150, "EUR", "FR", PaymentChannel.POS),
            new RingEvent(64).alerts());
        evaluator.evaluate(events.payment(160 * SEC, 8, 81, 5, 5_000, "EUR", "FR", PaymentChannel.ECOM),
            new RingEvent(64).alerts());
        evaluator.evaluate(events.payment(220 * SEC, 8, 81, 5, 200_000, "EUR", "FR", PaymentChannel.POS),
            new RingEvent(64).alerts());
        assertEquals(1L << 30, evaluator.firedRules() & 1L << 30, "probe abroad, online, then large: the pattern");
    }

    @Test
    void theDefaultRulesHaveNoWhereAndNoThreshold() throws IOException
    {
        final Path file = CONFIG.resolve("rules.yaml");
        final RulesFile rulesFile = RulesFile.parse(file.toString(), Files.readString(file));
        final RuleSet rules = new RuleSetBuilder(64).build(rulesFile, null);
        assertEquals(10, rules.rules().size());
        for (final Rule rule : rules.rules())
        {
            assertNull(rules.filter(rule.id()), rule.name());
        }
    }
}
