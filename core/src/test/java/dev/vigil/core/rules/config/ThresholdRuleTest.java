package dev.vigil.core.rules.config;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.TestEvents;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code type: threshold}, each aggregate and comparison, read from a rules file and run by the evaluator: where it
 * fires, what it reports, where it stays silent, and every error of its fields.
 */
class ThresholdRuleTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long CARD = 71;

    private final TestEvents events = new TestEvents();
    private RuleAlerts alerts;
    private RuleEvaluator evaluator;

    @Test
    void countsTheFilteredEventsOfAKeyAndReportsCountAndWindow()
    {
        use("    key: card\n" +
            "    where: channel == ATM and country != GB\n" +
            "    window: {size: 10m, slide: 10s}\n" +
            "    aggregate: count\n" +
            "    above: 2\n");
        assertEquals(Verdict.APPROVE, pay(5, CARD, 100, PaymentChannel.ATM, "FR"));
        assertEquals(Verdict.APPROVE, pay(6, CARD, 100, PaymentChannel.POS, "FR"));
        assertEquals(Verdict.APPROVE, pay(7, CARD, 100, PaymentChannel.ATM, "GB"));
        assertEquals(Verdict.APPROVE, pay(15, CARD, 100, PaymentChannel.ATM, "DE"));
        assertEquals(Verdict.REVIEW, pay(25, CARD, 100, PaymentChannel.ATM, "IT"));
        assertEquals(3, alerts.observed(0));
        assertEquals(2, alerts.threshold(0));
        assertEquals(CARD, alerts.key(0));
        assertEquals(30 * SEC - 600 * SEC, alerts.windowStartNs(0), "the window whose last pane holds 25 s");
        assertEquals(30 * SEC, alerts.windowEndNs(0));
        assertEquals(Verdict.APPROVE, pay(630, CARD, 100, PaymentChannel.ATM, "IT"), "the others have expired");
    }

    @Test
    void atLeastFiresOnTheLimitAndAboveOnlyPastIt()
    {
        use("    key: account\n    window: {size: 1m, slide: 1s}\n    aggregate: count\n    at-least: 2\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 1, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(2, CARD, 1, PaymentChannel.POS, "DE"));
    }

    @Test
    void sumsAmountsWithADecimalLimit()
    {
        use("    key: card\n    window: {size: 1h, slide: 1m}\n    aggregate: sum\n    value: amount\n" +
            "    above: 500.00\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 30_000, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.APPROVE, pay(2, CARD, 20_000, PaymentChannel.POS, "DE"), "500.00 is not above 500.00");
        assertEquals(Verdict.REVIEW, pay(3, CARD, 1, PaymentChannel.POS, "DE"));
        assertEquals(50_001, alerts.observed(0));
        assertEquals(50_000, alerts.threshold(0));
    }

    @Test
    void minAndMaxAreTheExtremaOfTheWindow()
    {
        use("    key: card\n    window: {size: 10s, slide: 1s}\n    aggregate: min\n    value: amount\n" +
            "    below: 100\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 500, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(2, CARD, 50, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(3, CARD, 900, PaymentChannel.POS, "DE"), "50 is still in the window");
        assertEquals(50, alerts.observed(0));
        assertEquals(Verdict.APPROVE, pay(12, CARD, 900, PaymentChannel.POS, "DE"), "50 left the window at 12 s");

        use("    key: card\n    window: {size: 10s, slide: 1s}\n    aggregate: max\n    value: amount - 100\n" +
            "    at-least: 400\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 499, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(2, CARD, 500, PaymentChannel.POS, "DE"));
        assertEquals(400, alerts.observed(0));
        assertEquals(Verdict.APPROVE, pay(1, CARD, 10, PaymentChannel.POS, "DE"),
            "out of order: its own window ends before the 400 of 2 s");
        assertEquals(Verdict.REVIEW, pay(3, CARD, 10, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.APPROVE, pay(15, CARD, 10, PaymentChannel.POS, "DE"));
    }

    @Test
    void theMeanComparesExactlyAndReportsRoundedDown()
    {
        use("    key: card\n    window: {size: 10s, slide: 1s}\n    aggregate: mean\n    value: amount\n" +
            "    above: 3\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 3, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(2, CARD, 4, PaymentChannel.POS, "DE"), "3.5 is above 3");
        assertEquals(3, alerts.observed(0), "reported rounded down");
        assertEquals(Verdict.APPROVE, pay(3, CARD, 2, PaymentChannel.POS, "DE"), "3.0 is not");
    }

    @Test
    void countsDistinctValuesOfAnyField()
    {
        use("    key: card\n    window: {size: 1h, slide: 1m}\n    aggregate: distinct-count\n    value: country\n" +
            "    above: 2\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 1, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.APPROVE, pay(2, CARD, 1, PaymentChannel.POS, "FR"));
        assertEquals(Verdict.APPROVE, pay(3, CARD, 1, PaymentChannel.POS, "DE"));
        assertEquals(Verdict.REVIEW, pay(4, CARD, 1, PaymentChannel.POS, "IT"));
        assertEquals(3, alerts.observed(0));
        assertEquals(Verdict.REVIEW, pay(5, CARD, 1, PaymentChannel.POS, "ES"));
        assertEquals(3, alerts.observed(0), "counted exactly up to the limit + 1");
        assertEquals(Verdict.APPROVE, pay(3_700, CARD, 1, PaymentChannel.POS, "ES"), "all expired but this one");
    }

    @Test
    void ordersHaveThresholdsOfTheirOwnFields()
    {
        evaluator = new RuleEvaluator(build("rules:\n" +
            "  - id: 3\n" +
            "    name: sells\n" +
            "    type: threshold\n" +
            "    input: orders\n" +
            "    key: instrument\n" +
            "    where: side == SELL\n" +
            "    window: {size: 1m, slide: 1s}\n" +
            "    aggregate: sum\n" +
            "    value: price * quantity\n" +
            "    above: 1000\n" +
            "    action: decline\n"), Verdict.REVIEW);
        evaluator.evaluate(events.order(SEC, 1, 5, 10, 60, Side.SELL, OrderType.LIMIT), fresh());
        evaluator.evaluate(events.order(2 * SEC, 2, 5, 10, 60, Side.BUY, OrderType.LIMIT), fresh());
        assertEquals(Verdict.APPROVE, evaluator.verdict());
        evaluator.evaluate(events.order(3 * SEC, 3, 5, 10, 41, Side.SELL, OrderType.MARKET), fresh());
        assertEquals(Verdict.DECLINE, evaluator.verdict());
        assertEquals(1_010, alerts.observed(0));
        assertEquals(5, alerts.key(0));
    }

    @Test
    void describesItselfWithItsStateCost()
    {
        final RulesFile file = RulesFile.parse("r.yaml", rule("    key: card\n" +
            "    where: channel == ATM\n    window: {size: 10m, slide: 10s}\n    aggregate: count\n    above: 3\n"));
        assertEquals("t (threshold) key card window 10m slide 10s count above 3 where channel == ATM -> review",
            file.rules().get(0).describe());
        final RuleSet rules = new RuleSetBuilder(4).build(file, null);
        assertEquals(8 * (3 + 1 + 2 * 60), ((KeyedStateRule)rules.ruleById(12)).stateBytes(),
            "as a velocity rule of 60 panes");
        assertEquals("id=12 t (threshold) key account input orders max(notional) at-least 7 -> review",
            RulesFile.parse("r.yaml", rule("    input: orders\n    window: {size: 1s, slide: 1s}\n" +
                "    aggregate: max\n    value: notional\n    at-least: 7\n")).rules().get(0).canonical()
                .replace(" window 1s slide 1s", ""));
    }

    @Test
    void everyErrorOfItsFieldsNamesLineAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n" +
            "  - {id: 1, name: a, type: threshold, window: {size: 1m, slide: 1s}, aggregate: median, above: 1, " +
            "action: review}\n" +                                                                   // 2
            "  - {id: 2, name: b, type: threshold, window: {size: 1m, slide: 1s}, aggregate: count, value: amount, " +
            "above: 1, at-most: 5, action: review}\n" +                                             // 3
            "  - {id: 3, name: c, type: threshold, window: {size: 1m, slide: 1s}, aggregate: sum, " +
            "action: review}\n" +                                                                   // 4
            "  - {id: 4, name: d, type: threshold, key: instrument, window: {size: 1m, slide: 1s}, aggregate: mean, " +
            "value: country, above: 1.5, action: review}\n" +                                       // 5
            "  - {id: 5, name: e, type: threshold, input: trades, window: {size: 1m, slide: 1s}, " +
            "aggregate: count, above: 1, action: review}\n" +                                       // 6
            "  - {id: 6, name: f, type: threshold, window: {size: 1m, slide: 1s}, aggregate: distinct-count, " +
            "value: merchant, above: 64, parameters: {max-count: 1}, action: review}\n" +           // 7
            "  - {id: 7, name: g, type: velocity, window: {size: 1m, slide: 1s}, parameters: {max-count: 1}, " +
            "aggregate: count, action: review}\n" +                                                 // 8
            "  - {id: 8, name: h, type: threshold, input: orders, key: card, window: {size: 1m, slide: 1s}, " +
            "aggregate: sum, value: amount, above: 1, action: review}\n"));                         // 9
        assertEquals(List.of(
            "r.yaml:2: rule 'a': field 'aggregate': unknown aggregate 'median'; allowed: count, sum, min, max, mean, " +
                "distinct-count",
            "r.yaml:3: rule 'b': field 'value': a count takes no value; allowed: no 'value' with count",
            "r.yaml:3: rule 'b': field 'at-most': a second limit, after 'above'; allowed: one of above, at-least, " +
                "below, at-most",
            "r.yaml:4: rule 'c': field 'value' is missing: sum of what?; allowed: amount, or arithmetic of it",
            "r.yaml:4: rule 'c': no limit; allowed: one of above, at-least, below, at-most, e.g. above: 3",
            "r.yaml:5: rule 'd': field 'key': transactions have no instrument; allowed: account, card, merchant",
            "r.yaml:5: rule 'd': field 'value': mean of country (a country); allowed: amount, or arithmetic of it",
            "r.yaml:6: rule 'e': field 'input': unknown input 'trades'; allowed: transactions, orders",
            "r.yaml:7: rule 'f': field 'above': '64' is not allowed; allowed: an integer in [1, 63]",
            "r.yaml:7: rule 'f': field 'parameters': a threshold rule takes no parameters; allowed: aggregate, value " +
                "and one of above, at-least, below, at-most",
            "r.yaml:8: rule 'g': field 'aggregate': a velocity rule takes no aggregate (threshold rules do); " +
                "allowed: no 'aggregate'",
            "r.yaml:9: rule 'h': field 'key': orders have no card; allowed: account, instrument",
            "r.yaml:9: rule 'h': field 'value': unknown field 'amount' of orders at column 1; allowed: price, " +
                "quantity, notional, side, order-type, account, instrument, event-time, or a value such as ATM or " +
                "GB compared with a field"), ex.errors());
    }

    private void use(final String fields)
    {
        evaluator = new RuleEvaluator(build(rule(fields)), Verdict.DECLINE);
    }

    private static String rule(final String fields)
    {
        return "rules:\n  - id: 12\n    name: t\n    type: threshold\n" + fields + "    action: review\n";
    }

    private RuleAlerts fresh()
    {
        alerts = new RingEvent(64).alerts();
        return alerts;
    }

    private Verdict pay(
        final long second, final long card, final long amount, final PaymentChannel channel, final String country)
    {
        evaluator.evaluate(events.payment(second * SEC, 7, card, 5, amount, "EUR", country, channel), fresh());
        return evaluator.verdict();
    }

    private static RuleSet build(final String yaml)
    {
        return new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", yaml), null);
    }
}
