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
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code type: attribute}: per-key values (a home country, the last country, a rolling mean, a count) that rules'
 * expressions read by name, each as it was before the event, read from a rules file and run by the evaluator.
 */
class AttributeRulesTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long CARD = 71;
    private static final String ATM_ABROAD = "  - id: 1\n    name: atm-abroad\n    type: amount-threshold\n" +
        "    where: channel == ATM and country != home_country\n    parameters: {max-amount: 0}\n" +
        "    action: review\n";

    private final TestEvents events = new TestEvents();
    private RuleAlerts alerts;
    private RuleEvaluator evaluator;

    @Test
    void aHomeCountryIsTheEarliestCountryAndRulesCompareWithIt()
    {
        use("rules:\n" + ATM_ABROAD +
            "  - {id: 40, name: home_country, type: attribute, key: card, keep: first, value: country}\n");
        assertEquals(Verdict.APPROVE, pay(10, CARD, PaymentChannel.ATM, "FR"), "no home yet: its own country");
        assertEquals(Verdict.REVIEW, pay(11, CARD, PaymentChannel.ATM, "DE"));
        assertEquals(1, alerts.size(), "one alert, of the rule, none of the attribute");
        assertEquals(1, alerts.ruleId(0));
        assertEquals(Verdict.APPROVE, pay(12, CARD, PaymentChannel.ATM, "FR"));
        assertEquals(Verdict.APPROVE, pay(13, CARD + 1, PaymentChannel.ATM, "DE"), "another card, its own home");
        assertEquals(Verdict.REVIEW, pay(5, CARD, PaymentChannel.ATM, "IT"), "read before the event: FR");
        assertEquals(Verdict.REVIEW, pay(14, CARD, PaymentChannel.ATM, "FR"), "IT at 5 s is now the earliest");
    }

    @Test
    void theLastCountryIsTheNewestByEventTimeBeforeTheEvent()
    {
        use("rules:\n" +
            "  - {id: 2, name: moved, type: amount-threshold, where: country != last_country, " +
            "parameters: {max-amount: 0}, action: review}\n" +
            "  - {id: 3, name: last_country, type: attribute, key: card, keep: last, value: country}\n");
        assertEquals(Verdict.APPROVE, pay(10, CARD, PaymentChannel.POS, "GB"));
        assertEquals(Verdict.REVIEW, pay(20, CARD, PaymentChannel.POS, "FR"), "an attribute with a higher id is " +
            "still read as it was before the event");
        assertEquals(Verdict.APPROVE, pay(30, CARD, PaymentChannel.POS, "FR"));
        assertEquals(Verdict.REVIEW, pay(15, CARD, PaymentChannel.POS, "GB"), "late: the newest is still FR");
        assertEquals(Verdict.APPROVE, pay(40, CARD, PaymentChannel.POS, "FR"), "the late GB did not replace it");
        assertEquals(Verdict.REVIEW, pay(40, CARD, PaymentChannel.POS, "ES"), "a tie: the later arrival is last");
        assertEquals(Verdict.REVIEW, pay(41, CARD, PaymentChannel.POS, "FR"));
    }

    @Test
    void aRollingMeanLeavesTheEventItselfOut()
    {
        use("rules:\n" +
            "  - {id: 4, name: jump, type: amount-threshold, where: amount > 3 * mean_amount, " +
            "parameters: {max-amount: 0}, action: decline}\n" +
            "  - {id: 5, name: mean_amount, type: attribute, key: card, keep: mean, value: amount, " +
            "window: {size: 1h, slide: 1m}}\n");
        assertEquals(Verdict.APPROVE, payAmount(1, 100), "no mean yet: its own amount");
        assertEquals(Verdict.APPROVE, payAmount(2, 100));
        assertEquals(Verdict.DECLINE, payAmount(3, 1_000), "1,000 > 3 x 100");
        assertEquals(Verdict.APPROVE, payAmount(4, 1_000), "1,000 <= 3 x 400");
        assertEquals(Verdict.APPROVE, payAmount(4_000, 700), "the others left the window: its own amount");
        assertEquals(Verdict.DECLINE, payAmount(4_001, 2_101));
    }

    @Test
    void whereDecidesWhichEventsAnAttributeKeepsNotWhichReadIt()
    {
        use("rules:\n" + ATM_ABROAD +
            "  - {id: 6, name: home_country, type: attribute, key: card, keep: first, value: country, " +
            "where: channel == POS}\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, PaymentChannel.ATM, "FR"), "not kept, and nothing kept yet");
        assertEquals(Verdict.APPROVE, pay(2, CARD, PaymentChannel.ATM, "DE"), "still nothing kept");
        assertEquals(Verdict.APPROVE, pay(3, CARD, PaymentChannel.POS, "GB"));
        assertEquals(Verdict.REVIEW, pay(4, CARD, PaymentChannel.ATM, "FR"), "home is GB, kept from the POS payment");
    }

    @Test
    void countsAndSumsOfAWindowSeeOnlyTheEventsBefore()
    {
        use("rules:\n" +
            "  - {id: 7, name: third-atm, type: amount-threshold, where: channel == ATM and atm_uses >= 2 and " +
            "atm_total + amount > 500, parameters: {max-amount: 0}, action: review}\n" +
            "  - {id: 8, name: atm_uses, type: attribute, key: card, keep: count, where: channel == ATM, " +
            "window: {size: 10m, slide: 10s}}\n" +
            "  - {id: 9, name: atm_total, type: attribute, key: card, keep: sum, value: amount, " +
            "where: channel == ATM, window: {size: 10m, slide: 10s}}\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 200, PaymentChannel.ATM, "GB"));
        assertEquals(Verdict.APPROVE, pay(2, CARD, 900, PaymentChannel.POS, "GB"), "not an ATM use");
        assertEquals(Verdict.APPROVE, pay(3, CARD, 200, PaymentChannel.ATM, "GB"), "one before it");
        assertEquals(Verdict.REVIEW, pay(4, CARD, 200, PaymentChannel.ATM, "GB"), "two before it, 600 in all");
        assertEquals(Verdict.APPROVE, pay(700, CARD, 200, PaymentChannel.ATM, "GB"), "the window moved on");
    }

    @Test
    void thresholdRulesAndPatternStepsReadAttributesToo()
    {
        use("rules:\n" +
            "  - {id: 10, name: home_country, type: attribute, key: card, keep: first, value: country}\n" +
            "  - id: 11\n    name: abroad-twice\n    type: threshold\n    key: card\n" +
            "    where: country != home_country\n    window: {size: 1h, slide: 1m}\n    aggregate: count\n" +
            "    at-least: 2\n    action: review\n" +
            "  - id: 12\n    name: abroad-then-big\n    type: pattern\n    key: card\n" +
            "    pattern:\n      within: 1h\n      steps:\n" +
            "        - {where: country != home_country}\n" +
            "        - {where: amount >= 1000 and country != home_country}\n" +
            "    action: decline\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 10, PaymentChannel.POS, "GB"));
        assertEquals(Verdict.APPROVE, pay(2, CARD, 10, PaymentChannel.POS, "FR"));
        assertEquals(Verdict.REVIEW, pay(3, CARD, 10, PaymentChannel.POS, "DE"), "two payments abroad");
        assertEquals(Verdict.DECLINE, pay(4, CARD, 5_000, PaymentChannel.POS, "ES"), "abroad, then big abroad");
        assertEquals(Verdict.APPROVE, pay(5, CARD, 5_000, PaymentChannel.POS, "GB"), "big at home");
    }

    @Test
    void anAttributeDecidesNothingAndKeepsItsStateAcrossARulesUpdate()
    {
        final String attribute = "rules:\n" +
            "  - {id: 40, name: home_country, type: attribute, key: card, keep: first, value: country}\n";
        final RuleSet before = build(attribute);
        evaluator = new RuleEvaluator(before, Verdict.DECLINE);
        assertEquals(Verdict.APPROVE, pay(1, CARD, PaymentChannel.ATM, "GB"));
        assertEquals(Verdict.APPROVE, pay(2, CARD, PaymentChannel.ATM, "FR"));
        assertEquals(0, alerts.size());
        assertEquals(1, ((KeyedStateRule)before.ruleById(40)).stateEntries());

        final RuleSet after = new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", attribute + ATM_ABROAD), before);
        assertSame(before.ruleById(40), after.ruleById(40), "unchanged, so kept with its state");
        evaluator.ruleSet(after);
        assertEquals(Verdict.REVIEW, pay(3, CARD, PaymentChannel.ATM, "FR"), "home GB, kept from before the update");
    }

    @Test
    void aFullStateReadsAsNoValueAndCountsAsStateFull()
    {
        evaluator = new RuleEvaluator(new RuleSetBuilder(1).build(RulesFile.parse("r.yaml", "rules:\n" + ATM_ABROAD +
            "  - {id: 40, name: home_country, type: attribute, key: card, keep: first, value: country}\n"), null),
            Verdict.REVIEW);
        assertEquals(Verdict.APPROVE, pay(1, CARD, PaymentChannel.ATM, "GB"));
        assertEquals(Verdict.REVIEW, pay(2, CARD + 1, PaymentChannel.ATM, "FR"), "no room for a second card");
        assertEquals(1, evaluator.stateFullCount());
        assertEquals(0, alerts.size(), "its home read as its own country: the rule did not fire");
    }

    @Test
    void aThresholdValueReadsAnAttributeAndNegativeValuesSumAsZero()
    {
        use("rules:\n" +
            "  - {id: 1, name: jump, type: threshold, key: card, window: {size: 1m, slide: 1s}, aggregate: max, " +
            "value: amount - last_amount, at-least: 500, action: review}\n" +
            "  - {id: 2, name: last_amount, type: attribute, key: card, keep: last, value: amount}\n" +
            "  - {id: 3, name: above_100, type: attribute, key: card, keep: sum, value: amount - 100, " +
            "window: {size: 1h, slide: 1m}}\n" +
            "  - {id: 4, name: over, type: amount-threshold, where: above_100 >= 1400, " +
            "parameters: {max-amount: 0}, action: decline}\n");
        assertEquals(Verdict.APPROVE, pay(1, CARD, 50, PaymentChannel.POS, "GB"), "-50 counts as 0");
        assertEquals(Verdict.APPROVE, pay(2, CARD, 500, PaymentChannel.POS, "GB"), "500 - 50 = 450 is not 500");
        assertEquals(Verdict.REVIEW, pay(3, CARD, 1_100, PaymentChannel.POS, "GB"), "1,100 - 500; 400 so far");
        assertEquals(600, alerts.observed(0));
        assertEquals(Verdict.DECLINE, pay(4, CARD, 1_100, PaymentChannel.POS, "GB"),
            "0 + 400 + 1,000 before it, the -50 as 0");
    }

    @Test
    void anAttributeOverOrdersIsReadByRulesOverOrders()
    {
        use("rules:\n" +
            "  - {id: 1, name: last_price, type: attribute, input: orders, key: instrument, keep: last, " +
            "value: price}\n" +
            "  - {id: 2, name: leap, type: threshold, input: orders, key: instrument, " +
            "where: price > 2 * last_price, window: {size: 1m, slide: 1s}, aggregate: count, at-least: 1, " +
            "action: decline}\n");
        assertEquals(Verdict.APPROVE, order(1, 100));
        assertEquals(Verdict.APPROVE, order(2, 200), "not more than twice 100");
        assertEquals(Verdict.DECLINE, order(3, 401));
        assertEquals(Verdict.APPROVE, order(4, 500), "the last price is 401 now");
    }

    @Test
    void aRulesUpdateThatChangesAnAttributeStartsTheRulesReadingItAnewAndOneThatDropsItIsRefused()
    {
        final String rule = "  - {id: 1, name: moved, type: threshold, key: card, where: country != last_country, " +
            "window: {size: 1h, slide: 1m}, aggregate: count, above: 5, action: review}\n";
        final RuleSet before = build("rules:\n" + rule +
            "  - {id: 2, name: last_country, type: attribute, key: card, keep: last, value: country}\n");
        final RuleSetBuilder builder = new RuleSetBuilder(16);
        final RuleSet same = builder.build(RulesFile.parse("r.yaml", "rules:\n" + rule +
            "  - {id: 2, name: last_country, type: attribute, key: card, keep: last, value: country}\n"), before);
        assertSame(before.ruleById(1), same.ruleById(1), "nothing changed: the rule keeps its state");
        final RuleSet changed = builder.build(RulesFile.parse("r.yaml", "rules:\n" + rule +
            "  - {id: 2, name: last_country, type: attribute, key: card, keep: last, value: country, " +
            "where: channel == POS}\n"), before);
        assertNotSame(before.ruleById(1), changed.ruleById(1), "what it reads changed: a new rule, empty state");
        assertNotSame(before.ruleById(2), changed.ruleById(2));
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n" + rule));
        assertEquals(1, ex.errors().size(), ex.errors().toString());
        assertTrue(ex.errors().get(0).startsWith("r.yaml:2: rule 'moved': field 'where': 'last_country' is not"),
            ex.errors().toString());
    }

    @Test
    void everyErrorOfAnAttributeNamesLineAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n" +
            "  - {id: 1, name: country, type: attribute, keep: first, value: country}\n" +              // 2
            "  - {id: 2, name: GB, type: attribute, keep: last, value: amount}\n" +                     // 3
            "  - {id: 3, name: a, type: attribute, keep: median, value: amount}\n" +                    // 4
            "  - {id: 4, name: b, type: attribute, keep: first, value: amount, window: {size: 1m, slide: 1s}}\n" +
            "  - {id: 5, name: c, type: attribute, keep: mean, value: amount}\n" +                      // 6
            "  - {id: 6, name: d, type: attribute, keep: mean, value: country, window: {size: 1m, slide: 1s}}\n" +
            "  - {id: 7, name: e, type: attribute, keep: count, value: amount, window: {size: 1m, slide: 1s}}\n" +
            "  - {id: 8, name: f, type: attribute, keep: last, action: review}\n" +                     // 9
            "  - {id: 9, name: g, type: attribute, input: orders, keep: last, value: price}\n" +        // 10
            "  - {id: 10, name: h, type: amount-threshold, where: amount > g, parameters: {max-amount: 0}, " +
            "action: review}\n" +                                                                     // 11
            "  - {id: 11, name: i, type: attribute, keep: first, value: country, where: amount > i}\n" +
            "  - {id: 12, name: j, type: threshold, window: {size: 1m, slide: 1s}, aggregate: count, above: 1, " +
            "keep: last, action: review}\n"));
        assertEquals(List.of(
            "r.yaml:2: rule 'country': field 'name': 'country' is a field of transactions, so expressions could not " +
                "read the attribute; allowed: a name of letters, digits and '_' that is no field, word or value of " +
                "the expression language, e.g. home_country",
            "r.yaml:3: rule 'GB': field 'name': 'GB' is a country (GB), so expressions could not read the " +
                "attribute; allowed: a name of letters, digits and '_' that is no field, word or value of the " +
                "expression language, e.g. home_country",
            "r.yaml:4: rule 'a': field 'keep': unknown 'median'; allowed: first, last, count, sum, mean",
            "r.yaml:5: rule 'b': field 'window': a first attribute has no window; allowed: no 'window' (count, sum " +
                "and mean have one)",
            "r.yaml:6: rule 'c': field 'window' is missing; allowed: a mapping with 'size' and 'slide', e.g. " +
                "{size: 60s, slide: 1s}",
            "r.yaml:7: rule 'd': field 'value': a mean of a country; allowed: a number or an amount, e.g. amount",
            "r.yaml:8: rule 'e': field 'value': a count takes no value; allowed: no 'value'",
            "r.yaml:9: rule 'f': field 'action': an attribute decides nothing, so it has no action; allowed: id, " +
                "name, type, input, key, keep, value, where, window, description",
            "r.yaml:9: rule 'f': field 'value' is missing; allowed: the value kept of each event, e.g. country or " +
                "amount",
            "r.yaml:11: rule 'h': field 'where': attribute 'g' is kept over orders, not transactions at column 10; " +
                "allowed: attributes kept over transactions",
            "r.yaml:12: rule 'i': field 'where': unknown field 'i' of transactions at column 10; allowed: amount, " +
                "currency, country, channel, merchant, account, card, event-time, or a value such as ATM or GB " +
                "compared with a field",
            "r.yaml:13: rule 'j': field 'keep': only attributes keep a value; allowed: no 'keep', or type: attribute"),
            ex.errors());
    }

    private void use(final String yaml)
    {
        evaluator = new RuleEvaluator(build(yaml), Verdict.DECLINE);
    }

    private RuleAlerts fresh()
    {
        alerts = new RingEvent(64).alerts();
        return alerts;
    }

    private Verdict pay(final long second, final long card, final PaymentChannel channel, final String country)
    {
        return pay(second, card, 100, channel, country);
    }

    private Verdict payAmount(final long second, final long amount)
    {
        return pay(second, CARD, amount, PaymentChannel.POS, "GB");
    }

    private Verdict pay(
        final long second, final long card, final long amount, final PaymentChannel channel, final String country)
    {
        evaluator.evaluate(events.payment(second * SEC, 7, card, 5, amount, "EUR", country, channel), fresh());
        return evaluator.verdict();
    }

    private Verdict order(final long second, final long price)
    {
        evaluator.evaluate(events.order(second * SEC, 7, 3, price, 10, Side.BUY, OrderType.LIMIT), fresh());
        return evaluator.verdict();
    }

    private static RuleSet build(final String yaml)
    {
        return new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", yaml), null);
    }
}
