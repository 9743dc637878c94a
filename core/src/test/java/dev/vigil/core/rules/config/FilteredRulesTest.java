package dev.vigil.core.rules.config;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.TestEvents;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.RecordingWindowSink;
import dev.vigil.core.window.SourceWatermarks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.vigil.core.window.RecordingWindowSink.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code where:} on rules and windows: an event that does not meet a rule's condition is not seen by the rule at all
 * (no state, no alert), a condition may read what rules with lower ids decided, and every error names its line,
 * field, column and what is allowed.
 */
class FilteredRulesTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long CARD = 71;

    private final TestEvents events = new TestEvents();
    private RuleAlerts alerts = new RingEvent(64).alerts();

    @Test
    void aRuleSeesOnlyTheEventsThatMeetItsWhere()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 1\n" +
            "    name: atm-abroad\n" +
            "    type: velocity\n" +
            "    key: card\n" +
            "    where: channel == ATM and country != GB\n" +
            "    window: {size: 60s, slide: 1s}\n" +
            "    parameters: {max-count: 1}\n" +
            "    action: review\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);

        assertEquals(Verdict.APPROVE, pay(evaluator, 1, CARD, PaymentChannel.ATM, "FR"));
        for (int i = 0; i < 5; i++)
        {
            assertEquals(Verdict.APPROVE, pay(evaluator, 2 + i, CARD, PaymentChannel.POS, "FR"), "not an ATM");
            assertEquals(Verdict.APPROVE, pay(evaluator, 2 + i, CARD, PaymentChannel.ATM, "GB"), "at home");
        }
        assertEquals(Verdict.APPROVE, pay(evaluator, 8, 99, PaymentChannel.POS, "DE"));
        assertEquals(1, rules.ruleById(1).stateEntries(), "card 99 never met the condition: no state for it");

        assertEquals(Verdict.REVIEW, pay(evaluator, 9, CARD, PaymentChannel.ATM, "DE"));
        assertEquals(1, alerts.size());
        assertEquals(2, alerts.observed(0), "the two ATM withdrawals abroad, nothing else");
        assertEquals(CARD, alerts.key(0));
    }

    @Test
    void aConditionSeesWhatRulesWithLowerIdsDecided()
    {
        final RuleSet rules = build("rules:\n" +
            "  - {id: 0, name: big, type: amount-threshold, parameters: {max-amount: 1000}, action: decline}\n" +
            "  - {id: 1, name: medium, type: amount-threshold, parameters: {max-amount: 100}, action: review}\n" +
            "  - id: 2\n" +
            "    name: medium-not-big\n" +
            "    type: amount-threshold\n" +
            "    where: fired(medium) and not fired(big)\n" +
            "    parameters: {max-amount: 0}\n" +
            "    action: alert_only\n" +
            "  - id: 3\n" +
            "    name: held\n" +
            "    type: amount-threshold\n" +
            "    where: verdict >= review\n" +
            "    parameters: {max-amount: 0}\n" +
            "    action: alert_only\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);

        evaluator.evaluate(payment(1, CARD, 50, PaymentChannel.POS, "DE"), freshAlerts());
        assertEquals(0L, evaluator.firedRules());
        evaluator.evaluate(payment(2, CARD, 500, PaymentChannel.POS, "DE"), freshAlerts());
        assertEquals(0b1110L, evaluator.firedRules(), "medium, so medium-not-big, and review so held");
        evaluator.evaluate(payment(3, CARD, 5_000, PaymentChannel.POS, "DE"), freshAlerts());
        assertEquals(0b1011L, evaluator.firedRules(), "big and medium: not medium-not-big; decline so held");
    }

    @Test
    void orderRulesTakeConditionsOverOrderFields()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 2\n" +
            "    name: big-sells\n" +
            "    type: order-rate\n" +
            "    key: instrument\n" +
            "    where: side == SELL and notional >= 1000 and order-type in [LIMIT]\n" +
            "    window: {size: 10s, slide: 1s}\n" +
            "    parameters: {max-count: 1}\n" +
            "    action: decline\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);
        evaluator.evaluate(events.order(SEC, 1, 5, 100, 10, Side.SELL, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(2 * SEC, 1, 5, 100, 9, Side.SELL, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(3 * SEC, 1, 5, 100, 10, Side.BUY, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(4 * SEC, 1, 5, 100, 10, Side.SELL, OrderType.MARKET), freshAlerts());
        assertEquals(Verdict.APPROVE, evaluator.verdict(), "one big limit sell so far");
        evaluator.evaluate(events.order(5 * SEC, 1, 5, 50, 20, Side.SELL, OrderType.LIMIT), freshAlerts());
        assertEquals(Verdict.DECLINE, evaluator.verdict(), "the second big limit sell");
    }

    @Test
    void aFilteredWindowAggregatesOnlyTheEventsThatMeetIt()
    {
        final RulesFile file = RulesFile.parse("r.yaml", "windows:\n" +
            "  - id: 1\n" +
            "    name: atm-cash\n" +
            "    type: tumbling\n" +
            "    key: card\n" +
            "    where: channel == ATM\n" +
            "    size: 10s\n");
        assertEquals("atm-cash (tumbling) transactions by card of amount size 10s where channel == ATM",
            file.windows().get(0).describe());
        final EventTimeWindows windows = new EventTimeWindows(new RuleSetBuilder(16).build(file, null).windows(),
            new SourceWatermarks(0, Long.MAX_VALUE, 4));
        final RecordingWindowSink out = new RecordingWindowSink();
        windows.sink(out);
        windows.onTransaction(1, payment(1, CARD, 100, PaymentChannel.ATM, "DE"));
        windows.onTransaction(2, payment(2, CARD, 40, PaymentChannel.POS, "DE"));
        windows.onTransaction(3, payment(3, CARD, 5, PaymentChannel.ATM, "DE"));
        windows.onTransaction(4, payment(4, 99, 7, PaymentChannel.POS, "DE"));
        assertEquals(1, windows.windows(0).keyCount(), "card 99 never used an ATM");
        windows.onHeartbeat(5, 1, 10 * SEC);
        assertEquals(List.of(result(5, 1, CARD, 0, 10 * SEC, 2, 105, 5, 100, false)), out.lines,
            "the POS payment neither counts nor holds the window back; the watermark moved with it");
    }

    @Test
    void aChangedWhereIsAChangedRuleAndTheSameOneWrittenOtherwiseIsNot()
    {
        final RuleSetBuilder builder = new RuleSetBuilder(16);
        final RuleSet first = builder.build(RulesFile.parse("r.yaml", velocity("channel == ATM and amount >= 200.00")),
            null);
        final RuleSet same = builder.build(RulesFile.parse("r.yaml",
            velocity("(channel==atm) and amount >= 20000")), first);
        assertSame(first.ruleById(1), same.ruleById(1), "the same condition: the rule and its state are kept");
        final RuleSet changed = builder.build(RulesFile.parse("r.yaml", velocity("channel == ATM")), same);
        assertNotSame(same.ruleById(1), changed.ruleById(1));
        final RuleSet none = builder.build(RulesFile.parse("r.yaml", velocity(null)), changed);
        assertNotSame(changed.ruleById(1), none.ruleById(1));

        assertEquals("id=1 v (velocity) key card window 1m slide 1s max-count 1 -> review",
            RulesFile.parse("r.yaml", velocity(null)).rules().get(0).canonical(),
            "a rule without where has the canonical form it always had");
        assertEquals("v (velocity) key card window 1m slide 1s max-count 1 where channel == ATM -> review",
            RulesFile.parse("r.yaml", velocity("channel == ATM")).rules().get(0).describe());
    }

    @Test
    void everyWhereErrorNamesItsLineFieldColumnAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n" +
            "  - {id: 0, name: big, type: amount-threshold, parameters: {max-amount: 1}, action: decline}\n" +
            "  - id: 1\n" +
            "    name: a\n" +
            "    type: amount-threshold\n" +
            "    where: chanel == ATM\n" +                                       // 6 unknown field
            "    parameters: {max-amount: 1}\n" +
            "    action: review\n" +
            "  - id: 2\n" +
            "    name: b\n" +
            "    type: order-rate\n" +
            "    where: amount > 5 or fired(big) or fired(c)\n" +               // 12 three problems
            "    window: {size: 1s, slide: 1s}\n" +
            "    parameters: {max-count: 1}\n" +
            "    action: review\n" +
            "  - {id: 3, name: c, type: amount-threshold, where: 'country = GB', parameters: {max-amount: 1}, " +
            "action: review}\n" +                                                    // 16 syntax
            "windows:\n" +
            "  - {id: 0, name: w, type: tumbling, size: 1s, where: verdict == decline}\n")); // 18 no outcomes
        final List<String> errors = ex.errors();
        assertEquals(List.of(
            "r.yaml:6: rule 'a': field 'where': unknown field 'chanel' of transactions at column 1; allowed: amount, " +
                "currency, country, channel, merchant, account, card, event-time, verdict, or a value such as ATM " +
                "or GB compared with a field",
            "r.yaml:12: rule 'b': field 'where': unknown field 'amount' of orders at column 1; allowed: price, " +
                "quantity, notional, side, order-type, account, instrument, event-time, verdict, or a value such as " +
                "ATM or GB compared with a field",
            "r.yaml:12: rule 'b': field 'where': fired(big): that rule does not judge orders at column 15; " +
                "allowed: fired(rule) of a rule with a lower id than this one's that judges orders",
            "r.yaml:12: rule 'b': field 'where': fired(c): rule 3 runs after this rule (id 2); rules run in id " +
                "order at column 29; allowed: fired(rule) of a rule with a lower id than this one's that judges " +
                "orders",
            "r.yaml:16: rule 'c': field 'where': '=' alone at column 9; allowed: '==' to compare for equality",
            "r.yaml:18: window 'w': field 'where': verdict outside a rule's where: at column 1; allowed: fields of " +
                "transactions only: windows and values do not see rules' outcomes"), errors);
    }

    @Test
    void aCustomRuleTakesAConditionOverWhatItJudges()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 4\n" +
            "    name: round\n" +
            "    type: custom\n" +
            "    class: " + EveryTransactionRule.class.getName() + "\n" +
            "    where: currency == EUR\n" +
            "    action: review\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);
        evaluator.evaluate(events.payment(SEC, 1, CARD, 5, 1_000, "USD", "US", PaymentChannel.ECOM),
            freshAlerts());
        assertEquals(Verdict.APPROVE, evaluator.verdict());
        evaluator.evaluate(events.payment(SEC, 1, CARD, 5, 1_000, "EUR", "DE", PaymentChannel.ECOM),
            freshAlerts());
        assertEquals(Verdict.REVIEW, evaluator.verdict());

        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n  - {id: 4, name: round, type: custom, class: " + EveryTransactionRule.class.getName() +
            ", where: side == BUY, action: review}\n"));
        assertTrue(ex.errors().get(0).startsWith("r.yaml:2: rule 'round': field 'where': unknown field 'side' of " +
            "transactions at column 1"), ex.errors().toString());
    }

    private RuleAlerts freshAlerts()
    {
        alerts = new RingEvent(64).alerts();
        return alerts;
    }

    private Verdict pay(
        final RuleEvaluator evaluator, final long second, final long card, final PaymentChannel channel,
        final String country)
    {
        evaluator.evaluate(events.payment(second * SEC, 7, card, 5, 1_000, "EUR", country, channel),
            freshAlerts());
        return evaluator.verdict();
    }

    private TransactionDecoder payment(
        final long second, final long card, final long amount, final PaymentChannel channel, final String country)
    {
        return events.payment(second * SEC, 7, card, 5, amount, "EUR", country, channel);
    }

    private static RuleSet build(final String yaml)
    {
        return new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", yaml), null);
    }

    private static String velocity(final String where)
    {
        return "rules:\n" +
            "  - id: 1\n" +
            "    name: v\n" +
            "    type: velocity\n" +
            "    key: card\n" +
            (where == null ? "" : "    where: " + where + "\n") +
            "    window: {size: 60s, slide: 1s}\n" +
            "    parameters: {max-count: 1}\n" +
            "    action: review\n";
    }
}
