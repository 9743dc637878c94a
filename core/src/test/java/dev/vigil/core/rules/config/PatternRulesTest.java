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
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequence patterns written in a rules file ({@code type: pattern}): they fire where their steps match in event time
 * and nowhere else, built-in rules written as patterns decide as the built-in ones, the rule allocates nothing per
 * event, and every error names its line, field and what is allowed.
 */
class PatternRulesTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long MIN = 60 * SEC;

    private final TestEvents events = new TestEvents();
    private RuleAlerts alerts = new RingEvent(64).alerts();

    private static final String CARD_TESTING_PATTERN = "rules:\n" +
        "  - id: 5\n" +
        "    name: card-testing\n" +
        "    type: pattern\n" +
        "    key: card\n" +
        "    pattern:\n" +
        "      steps:\n" +
        "        - where: amount <= 2.00\n" +
        "        - where: amount >= 1000.00\n" +
        "      within: 10m\n" +
        "      max-events: 7\n" +
        "    action: decline\n";

    private static final String CARD_TESTING_BUILT_IN = "rules:\n" +
        "  - id: 5\n" +
        "    name: card-testing\n" +
        "    type: card-testing\n" +
        "    parameters: {small-max: 200, large-min: 100000, within: 10m}\n" +
        "    action: decline\n";

    @Test
    void atmWithdrawalsAbroadThenATransferWithinAnHour()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 3\n" +
            "    name: atm-abroad-then-large\n" +
            "    type: pattern\n" +
            "    key: account\n" +
            "    pattern:\n" +
            "      steps:\n" +
            "        - where: channel == ATM and country != GB\n" +
            "          times: 2\n" +
            "        - where: channel == ECOM and amount >= 500.00\n" +
            "          not-between: country == GB\n" +
            "      within: 1h\n" +
            "    action: review\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);

        assertEquals(Verdict.APPROVE, pay(evaluator, 0, 1, 10_000, PaymentChannel.ATM, "FR"));
        assertEquals(Verdict.APPROVE, pay(evaluator, MIN, 1, 50_000, PaymentChannel.ECOM, "FR"), "one ATM only");
        assertEquals(Verdict.APPROVE, pay(evaluator, 2 * MIN, 1, 10_000, PaymentChannel.ATM, "FR"),
            "the transfer came before this one");
        assertEquals(Verdict.REVIEW, pay(evaluator, 3 * MIN, 1, 60_000, PaymentChannel.ECOM, "FR"));
        assertEquals(1, alerts.size());
        assertEquals(3, alerts.observed(0), "three events matched");
        assertEquals(3, alerts.threshold(0), "the fewest a match takes");
        assertEquals(3, alerts.matchedCount(0));
        assertEquals(0, alerts.matchedTimeNs(0, 0));
        assertEquals(2 * MIN, alerts.matchedTimeNs(0, 1));
        assertEquals(60_000, alerts.matchedValue(0, 2));
        assertEquals(0, alerts.windowStartNs(0));
        assertEquals(3 * MIN + 1, alerts.windowEndNs(0));

        assertEquals(Verdict.APPROVE, pay(evaluator, 0, 2, 10_000, PaymentChannel.ATM, "DE"));
        assertEquals(Verdict.APPROVE, pay(evaluator, MIN, 2, 10_000, PaymentChannel.ATM, "DE"));
        assertEquals(Verdict.APPROVE, pay(evaluator, 2 * MIN, 2, 100, PaymentChannel.POS, "GB"), "home in between");
        assertEquals(Verdict.APPROVE, pay(evaluator, 3 * MIN, 2, 60_000, PaymentChannel.ECOM, "DE"));
        assertEquals(Verdict.APPROVE, pay(evaluator, 4 * MIN, 3, 10_000, PaymentChannel.ATM, "DE"));
        assertEquals(Verdict.APPROVE, pay(evaluator, 5 * MIN, 3, 10_000, PaymentChannel.ATM, "DE"));
        assertEquals(Verdict.APPROVE, pay(evaluator, 65 * MIN, 3, 60_000, PaymentChannel.ECOM, "DE"),
            "an hour after the first withdrawal");
    }

    @Test
    void aPatternOverOrdersKeyedByInstrument()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 7\n" +
            "    name: sells-then-big-buy\n" +
            "    type: pattern\n" +
            "    key: instrument\n" +
            "    input: orders\n" +
            "    pattern:\n" +
            "      steps:\n" +
            "        - where: side == SELL\n" +
            "          one-or-more: 3\n" +
            "          next: true\n" +
            "        - where: side == BUY and quantity >= 100\n" +
            "          next: true\n" +
            "      within: 1s\n" +
            "    action: alert_only\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);
        evaluator.evaluate(events.order(0, 1, 9, 100, 5, Side.SELL, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(SEC / 10, 2, 9, 100, 5, Side.SELL, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(SEC / 5, 3, 9, 100, 500, Side.BUY, OrderType.LIMIT), freshAlerts());
        assertEquals(1L << 7, evaluator.firedRules(), "sells then, next, a big buy");
        assertEquals(2, alerts.observed(0), "the match reported is the one starting latest: one sell and the buy");
        assertEquals(100 * 500, alerts.matchedValue(0, 1), "an order's value is its notional");

        evaluator.evaluate(events.order(2 * SEC, 1, 8, 100, 5, Side.SELL, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(2 * SEC + 1, 1, 8, 100, 5, Side.BUY, OrderType.LIMIT), freshAlerts());
        evaluator.evaluate(events.order(2 * SEC + 2, 1, 8, 100, 500, Side.BUY, OrderType.LIMIT), freshAlerts());
        assertEquals(0L, evaluator.firedRules(), "a small buy came in between: not the next event");
    }

    @Test
    void cardTestingWrittenAsAPatternDecidesAsTheBuiltInRuleWhateverTheOrder()
    {
        final RuleEvaluator builtIn = new RuleEvaluator(build(CARD_TESTING_BUILT_IN), Verdict.DECLINE);
        final RuleEvaluator pattern = new RuleEvaluator(build(CARD_TESTING_PATTERN), Verdict.DECLINE);
        final Random random = new Random(42);
        long clock = 0;
        int fired = 0;
        for (int i = 0; i < 20_000; i++)
        {
            clock += random.nextInt(60) * SEC;
            final long time = Math.max(0, clock - random.nextInt(8) * MIN);
            final long card = random.nextInt(40);
            final int kind = random.nextInt(10);
            final long amount = kind < 3 ? 100 + random.nextInt(101) : kind < 6 ? 150_000 : 5_000;
            builtIn.evaluate(events.payment(time, 1, card, 3, amount, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            final RuleAlerts builtInAlerts = alerts;
            pattern.evaluate(events.payment(time, 1, card, 3, amount, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            assertEquals(builtIn.firedRules(), pattern.firedRules(), "event " + i);
            assertEquals(builtIn.verdict(), pattern.verdict(), "event " + i);
            if (builtIn.firedRules() != 0)
            {
                fired++;
                assertEquals(builtInAlerts.windowStartNs(0), alerts.windowStartNs(0), "the same small payment");
                assertEquals(builtInAlerts.matchedTimeNs(0, 0), alerts.matchedTimeNs(0, 0));
                assertEquals(builtInAlerts.matchedTimeNs(0, 1), alerts.matchedTimeNs(0, 1));
            }
        }
        assertTrue(fired > 100, "the stream makes the rules fire: " + fired);
    }

    @Test
    void amountThresholdWrittenAsAOneStepPatternDecidesAsTheBuiltInRule()
    {
        final RuleEvaluator builtIn = new RuleEvaluator(build("rules:\n" +
            "  - {id: 0, name: big, type: amount-threshold, parameters: {max-amount: 1000000}, action: decline}\n"),
            Verdict.DECLINE);
        final RuleEvaluator pattern = new RuleEvaluator(build("rules:\n" +
            "  - {id: 0, name: big, type: pattern, action: decline,\n" +
            "     pattern: {steps: [{where: amount > 10000.00}], within: 1ms, allowed-lateness: 30d}}\n"),
            Verdict.DECLINE);
        final Random random = new Random(7);
        for (int i = 0; i < 5_000; i++)
        {
            final long time = random.nextInt(1_000_000) * SEC;
            final long amount = random.nextInt(2_000_000);
            builtIn.evaluate(events.payment(time, random.nextInt(50), 1, 1, amount, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            pattern.evaluate(events.payment(time, random.nextInt(50), 1, 1, amount, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            assertEquals(builtIn.verdict(), pattern.verdict(), "event " + i + " amount " + amount);
        }
    }

    /**
     * Velocity's panes and a pattern's {@code within} count the same events when events come in order at whole
     * seconds with one-second panes; out of order they differ (a velocity window ends at its event, a pattern may
     * be completed by an earlier event), which docs/rules-language.md says.
     */
    @Test
    void velocityWrittenAsAPatternDecidesAsTheBuiltInRuleForEventsInOrder()
    {
        final RuleEvaluator builtIn = new RuleEvaluator(build("rules:\n" +
            "  - {id: 1, name: velo, type: velocity, window: {size: 60s, slide: 1s}, parameters: {max-count: 4}," +
            " action: review}\n"), Verdict.DECLINE);
        final RuleEvaluator pattern = new RuleEvaluator(build("rules:\n" +
            "  - {id: 1, name: velo, type: pattern, action: review,\n" +
            "     pattern: {steps: [{where: amount >= 0, times: 5}], within: 60s}}\n"), Verdict.DECLINE);
        final Random random = new Random(3);
        long clock = 0;
        int fired = 0;
        for (int i = 0; i < 20_000; i++)
        {
            clock += random.nextInt(5) * SEC;
            final long account = random.nextInt(10);
            builtIn.evaluate(events.payment(clock, account, 1, 1, 100, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            pattern.evaluate(events.payment(clock, account, 1, 1, 100, "EUR", "DE", PaymentChannel.POS),
                freshAlerts());
            assertEquals(builtIn.verdict(), pattern.verdict(), "event " + i);
            fired += builtIn.firedRules() != 0 ? 1 : 0;
        }
        assertTrue(fired > 100, "the stream makes the rules fire: " + fired);
    }

    @Test
    void aLargeWithdrawalNotFollowedByADepositWithinAnHourFiresWhenTheWatermarkPassesTheHour()
    {
        final RuleSet rules = build("rules:\n" +
            "  - id: 9\n" +
            "    name: large-atm-no-deposit\n" +
            "    type: pattern\n" +
            "    key: account\n" +
            "    pattern:\n" +
            "      steps: [{where: channel == ATM and amount >= 500.00}]\n" +
            "      absent-after: {where: amount < 0, for: 1h}\n" +
            "      within: 1m\n" +
            "    action: review\n");
        final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.DECLINE);
        assertEquals(Verdict.APPROVE, pay(evaluator, 0, 1, 60_000, PaymentChannel.ATM, "GB"),
            "not judged when it comes: the hour after it decides");
        assertEquals(Verdict.APPROVE, pay(evaluator, MIN, 2, 60_000, PaymentChannel.ATM, "GB"));
        assertEquals(Verdict.APPROVE, pay(evaluator, 30 * MIN, 2, -60_000, PaymentChannel.ATM, "GB"),
            "account 2 pays it back within the hour");
        evaluator.onWatermark(59 * MIN, freshAlerts());
        assertEquals(0, alerts.size());
        evaluator.onWatermark(61 * MIN + 1, freshAlerts());
        assertEquals(1, alerts.size(), "account 1's hour is over");
        assertEquals(9, alerts.ruleId(0));
        assertEquals(1, alerts.key(0));
        assertEquals(Verdict.REVIEW, alerts.action(0));
        assertEquals(1, alerts.matchedCount(0));
        assertEquals(0, alerts.matchedTimeNs(0, 0));
        evaluator.onWatermark(120 * MIN, freshAlerts());
        assertEquals(0, alerts.size(), "account 2 was paid back; 1 fired once");
    }

    /**
     * A pattern added by a rules update starts at the watermark of the update's place: a match ending before it
     * has its absence judged as over, and is late.
     */
    @Test
    void aPatternAddedByAnUpdateStartsAtTheWatermarkOfTheUpdate()
    {
        final String rule = "rules:\n" +
            "  - {id: 9, name: no-deposit, type: pattern, action: review,\n" +
            "     pattern: {steps: [{where: channel == ATM}], absent-after: {where: amount < 0, for: 1h}, " +
            "within: 1m, allowed-lateness: 10h}}\n";
        final RuleSet added = build(rule);
        final dev.vigil.core.rules.WatermarkRule pattern = (dev.vigil.core.rules.WatermarkRule)added.ruleById(9);
        pattern.startAt(120 * MIN);
        final RuleEvaluator evaluator = new RuleEvaluator(added, Verdict.DECLINE);
        pay(evaluator, 30 * MIN, 1, 60_000, PaymentChannel.ATM, "GB");
        pay(evaluator, 100 * MIN, 2, 60_000, PaymentChannel.ATM, "GB");
        evaluator.onWatermark(200 * MIN, freshAlerts());
        assertEquals(1, alerts.size(), "only the withdrawal whose hour had not ended when the rule came in");
        assertEquals(2, alerts.key(0));
    }

    @Test
    void anAbsentEventTooLateToBeMatchedStillEndsTheWait()
    {
        final RuleEvaluator evaluator = new RuleEvaluator(build("rules:\n" +
            "  - {id: 9, name: no-deposit, type: pattern, key: account, action: review,\n" +
            "     pattern: {steps: [{where: channel == ATM}], absent-after: {where: amount < 0, for: 1h}, " +
            "within: 1m}}\n"), Verdict.DECLINE);
        pay(evaluator, 0, 1, 60_000, PaymentChannel.ATM, "GB");
        pay(evaluator, 40 * MIN, 1, 60_000, PaymentChannel.ATM, "GB");
        pay(evaluator, 30 * MIN, 1, -60_000, PaymentChannel.POS, "GB");
        evaluator.onWatermark(61 * MIN, freshAlerts());
        assertEquals(0, alerts.size(), "the deposit at 30 min came more than a minute behind the account's newest, " +
            "but within the hour after the withdrawal at 0");
    }

    @Test
    void aPatternRuleAllocatesNothingPerEvent()
    {
        final RuleEvaluator evaluator = new RuleEvaluator(build("rules:\n" +
            "  - id: 3\n" +
            "    name: three-step\n" +
            "    type: pattern\n" +
            "    key: card\n" +
            "    pattern:\n" +
            "      steps:\n" +
            "        - where: amount <= 2.00\n" +
            "        - where: channel == ECOM\n" +
            "          not-between: country == GB\n" +
            "        - where: amount >= 1000.00\n" +
            "      within: 10m\n" +
            "    action: review\n"), Verdict.DECLINE);
        // Alerts beyond the list's capacity are ignored, so one list serves every event; the rule still matches.
        final RuleAlerts reused = new RingEvent(64).alerts();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        final TestEvents[] frames = new TestEvents[64];
        final TransactionDecoder[] decoders = new TransactionDecoder[64];
        final Random random = new Random(11);
        for (int i = 0; i < frames.length; i++)
        {
            frames[i] = new TestEvents();
            final long amount = i % 3 == 0 ? 150 : i % 3 == 1 ? 5_000 : 200_000;
            decoders[i] = frames[i].payment(i * SEC, 1, random.nextInt(8), 1, amount, "EUR",
                i % 5 == 0 ? "GB" : "DE", i % 2 == 0 ? PaymentChannel.ECOM : PaymentChannel.POS);
        }
        int fired = 0;
        for (int i = 0; i < 200_000; i++)
        {
            evaluator.evaluate(decoders[i & 63], reused);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++)
        {
            evaluator.evaluate(decoders[i & 63], reused);
            fired += (int)(evaluator.firedRules() & 1L << 3) >>> 3;
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(fired > 1000, "the events complete matches: " + fired);
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over 1,000,000 events");
    }

    @Test
    void everyErrorNamesItsLineFieldAndWhatIsAllowed()
    {
        final RulesFileException ex = assertThrows(RulesFileException.class, () -> RulesFile.parse("r.yaml",
            "rules:\n" +
            "  - id: 1\n" +
            "    name: p\n" +
            "    type: pattern\n" +
            "    key: instrument\n" +
            "    pattern:\n" +
            "      steps:\n" +
            "        - where: side == BUY\n" +
            "          times: 2\n" +
            "          one-or-more: 3\n" +
            "        - when: amount > 1\n" +
            "        - where: amount >\n" +
            "          next: maybe\n" +
            "      within: 0s\n" +
            "    action: review\n" +
            "  - id: 2\n" +
            "    name: q\n" +
            "    type: velocity\n" +
            "    pattern: {steps: []}\n" +
            "    window: {size: 60s, slide: 1s}\n" +
            "    parameters: {max-count: 1}\n" +
            "    action: review\n"));
        final String all = String.join("\n", ex.errors());
        assertTrue(all.contains("r.yaml:5: rule 'p': field 'key': a pattern over transactions cannot be keyed by " +
            "'instrument'; allowed: account, card, merchant"), all);
        assertTrue(all.contains("r.yaml:8: rule 'p': field 'pattern.steps[0].where': unknown field 'side' of " +
            "transactions"), all);
        assertTrue(all.contains("r.yaml:10: rule 'p': field 'pattern.steps[0]': both 'times' and 'one-or-more'; " +
            "allowed: one of them"), all);
        assertTrue(all.contains("r.yaml:11: rule 'p' field 'pattern.steps[1]': unknown field 'when'; allowed: " +
            "where, times, one-or-more, next, not-between"), all);
        assertTrue(all.contains("r.yaml:11: rule 'p': field 'pattern.steps[1].where' is missing"), all);
        assertTrue(all.contains("r.yaml:12: rule 'p': field 'pattern.steps[2].where'"), all);
        assertTrue(all.contains("r.yaml:13: rule 'p': field 'pattern.steps[2].next': 'maybe' is not a boolean; " +
            "allowed: true or false"), all);
        assertTrue(all.contains("r.yaml:14: rule 'p': field 'pattern.within': '0s' is not allowed"), all);
        assertTrue(all.contains("r.yaml:19: rule 'q': field 'pattern': only pattern rules have one"), all);
    }

    @Test
    void rulesCheckListsAPatternAndItsStateCost()
    {
        final RulesFile file = RulesFile.parse("r.yaml", CARD_TESTING_PATTERN);
        final String line = file.rules().get(0).describe();
        assertEquals("card-testing (pattern) key card steps [(amount <= 2.00), (amount >= 1000.00)] within 10m " +
            "allowed-lateness 10m max-events 7 value amount -> decline", line);
        assertEquals(232, file.rules().get(0).pattern().stateBytes(), "rules check adds: state 232 bytes per card");
    }

    private RuleSet build(final String yaml)
    {
        return new RuleSetBuilder(64).build(RulesFile.parse("r.yaml", yaml), null);
    }

    private Verdict pay(
        final RuleEvaluator evaluator, final long time, final long account, final long amount,
        final PaymentChannel channel, final String country)
    {
        evaluator.evaluate(events.payment(time, account, 10 + account, 3, amount, "EUR", country, channel),
            freshAlerts());
        return evaluator.verdict();
    }

    private RuleAlerts freshAlerts()
    {
        alerts = new RingEvent(64).alerts();
        return alerts;
    }
}
