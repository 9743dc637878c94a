package dev.vigil.core.rules;

import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuleEvaluatorTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long CLIENT_ID = 42;
    private static final long ACCOUNT = 5_005;
    private static final long EVENT_TIME_NS = 77 * SEC;

    private final TestFrames frames = new TestFrames();

    private final AmountThresholdRule alertOver100 =
        new AmountThresholdRule(5, "alert-over-100", RuleAction.ALERT_ONLY, 100);
    private final AmountThresholdRule reviewOver1000 =
        new AmountThresholdRule(2, "review-over-1000", RuleAction.REVIEW, 1_000);
    private final AmountThresholdRule declineOver10000 =
        new AmountThresholdRule(9, "decline-over-10000", RuleAction.DECLINE, 10_000);

    private final RuleEvaluator evaluator = new RuleEvaluator(
        new RuleSet(List.of(declineOver10000, alertOver100, reviewOver1000)), Verdict.REVIEW);

    @Test
    void approvesWhenNothingFires()
    {
        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 100);

        assertEquals(Verdict.APPROVE, evaluator.verdict());
        assertEquals(0L, evaluator.firedRules());
        assertEquals(0, evaluator.stateFullCount());
        assertEquals(0, alerts.size());
    }

    @Test
    void alertOnlyRuleRaisesAlertButLeavesVerdictAtApprove()
    {
        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 500);

        assertEquals(Verdict.APPROVE, evaluator.verdict());
        assertEquals(1L << 5, evaluator.firedRules());
        assertEquals(1, alerts.size());
        assertEquals(5, alerts.ruleId(0));
        assertEquals(Verdict.APPROVE, alerts.action(0));
        assertEquals(ACCOUNT, alerts.key(0));
        assertEquals(500, alerts.observed(0));
        assertEquals(100, alerts.threshold(0));
        assertEquals(EVENT_TIME_NS, alerts.windowStartNs(0));
        assertEquals(EVENT_TIME_NS + 1, alerts.windowEndNs(0));
    }

    @Test
    void reviewBeatsAlertOnly()
    {
        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 5_000);

        assertEquals(Verdict.REVIEW, evaluator.verdict());
        assertEquals((1L << 2) | (1L << 5), evaluator.firedRules());
        assertEquals(2, alerts.size());
    }

    @Test
    void declineBeatsReviewAndAlertOnly()
    {
        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 50_000);

        assertEquals(Verdict.DECLINE, evaluator.verdict());
        assertEquals((1L << 2) | (1L << 5) | (1L << 9), evaluator.firedRules());
        assertEquals(3, alerts.size());
    }

    @Test
    void mostSevereWinsWhateverTheIdsOfTheRules()
    {
        final RuleEvaluator lowIdDecline = new RuleEvaluator(new RuleSet(List.of(
            new AmountThresholdRule(1, "decline", RuleAction.DECLINE, 10_000),
            new AmountThresholdRule(3, "review", RuleAction.REVIEW, 1_000),
            new AmountThresholdRule(6, "alert", RuleAction.ALERT_ONLY, 100))), Verdict.REVIEW);

        evaluateTransaction(lowIdDecline, ACCOUNT, 50_000);
        assertEquals(Verdict.DECLINE, lowIdDecline.verdict());
        assertEquals((1L << 1) | (1L << 3) | (1L << 6), lowIdDecline.firedRules());

        evaluateTransaction(lowIdDecline, ACCOUNT, 5_000);
        assertEquals(Verdict.REVIEW, lowIdDecline.verdict());
        assertEquals((1L << 3) | (1L << 6), lowIdDecline.firedRules());
    }

    @Test
    void alertsAreRecordedInRuleIdOrderWhateverTheConfigurationOrder()
    {
        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 50_000);

        assertEquals(3, alerts.size());
        assertEquals(List.of(2, 5, 9), List.of(alerts.ruleId(0), alerts.ruleId(1), alerts.ruleId(2)));
        assertEquals(Verdict.REVIEW, alerts.action(0));
        assertEquals(Verdict.APPROVE, alerts.action(1));
        assertEquals(Verdict.DECLINE, alerts.action(2));
        assertEquals(1_000, alerts.threshold(0));
        assertEquals(100, alerts.threshold(1));
        assertEquals(10_000, alerts.threshold(2));
    }

    @Test
    void alertsAreRecordedInRuleIdOrderWhenConfiguredInIdOrder()
    {
        final RuleEvaluator ordered = new RuleEvaluator(
            new RuleSet(List.of(reviewOver1000, alertOver100, declineOver10000)), Verdict.REVIEW);

        final RuleAlerts alerts = evaluateTransaction(ordered, ACCOUNT, 50_000);

        assertEquals(3, alerts.size());
        assertEquals(List.of(2, 5, 9), List.of(alerts.ruleId(0), alerts.ruleId(1), alerts.ruleId(2)));
        for (int i = 0; i < alerts.size(); i++)
        {
            assertEquals(ACCOUNT, alerts.key(i));
            assertEquals(50_000, alerts.observed(i));
        }
    }

    @Test
    void firedBitmapHoldsEveryFiredRuleBeyondAlertCapacity()
    {
        final int ruleCount = RingEvent.MAX_ALERTS_PER_EVENT + 4;
        final List<Rule> rules = new ArrayList<>();
        for (int id = 0; id < ruleCount; id++)
        {
            rules.add(new AmountThresholdRule(id, "alert-" + id, RuleAction.ALERT_ONLY, id));
        }
        final RuleEvaluator many = new RuleEvaluator(new RuleSet(rules), Verdict.REVIEW);

        final RuleAlerts alerts = evaluateTransaction(many, ACCOUNT, 1_000);

        assertEquals((1L << ruleCount) - 1, many.firedRules());
        assertEquals(Verdict.APPROVE, many.verdict());
        assertEquals(RingEvent.MAX_ALERTS_PER_EVENT, alerts.size());
        for (int i = 0; i < alerts.size(); i++)
        {
            assertEquals(i, alerts.ruleId(i));
            assertEquals(i, alerts.threshold(i));
        }
    }

    @Test
    void ruleWithHighestIdSetsTopBit()
    {
        final RuleEvaluator top = new RuleEvaluator(new RuleSet(List.of(
            new AmountThresholdRule(Rule.MAX_RULE_ID, "top", RuleAction.REVIEW, 0))), Verdict.DECLINE);

        evaluateTransaction(top, ACCOUNT, 1);

        assertEquals(Long.MIN_VALUE, top.firedRules());
        assertEquals(Verdict.REVIEW, top.verdict());
    }

    @Test
    void stateFullRaisesVerdictToFallback()
    {
        final RuleEvaluator withVelocity = new RuleEvaluator(new RuleSet(List.of(
            new AccountVelocityRule(4, "velocity", RuleAction.DECLINE, 100, 10 * SEC, SEC, 1),
            alertOver100)), Verdict.REVIEW);

        evaluateTransaction(withVelocity, ACCOUNT, 50);
        assertEquals(Verdict.APPROVE, withVelocity.verdict());
        assertEquals(0, withVelocity.stateFullCount());

        final RuleAlerts alerts = evaluateTransaction(withVelocity, ACCOUNT + 1, 50);
        assertEquals(Verdict.REVIEW, withVelocity.verdict());
        assertEquals(1, withVelocity.stateFullCount());
        assertEquals(0L, withVelocity.firedRules());
        assertEquals(0, alerts.size());

        final RuleAlerts alertsWithFire = evaluateTransaction(withVelocity, ACCOUNT + 2, 500);
        assertEquals(Verdict.REVIEW, withVelocity.verdict());
        assertEquals(1, withVelocity.stateFullCount());
        assertEquals(1L << 5, withVelocity.firedRules());
        assertEquals(1, alertsWithFire.size());
    }

    @Test
    void stateFullFallbackNeverLowersAFiredVerdict()
    {
        final RuleEvaluator withVelocity = new RuleEvaluator(new RuleSet(List.of(
            new AccountVelocityRule(4, "velocity", RuleAction.REVIEW, 100, 10 * SEC, SEC, 1),
            declineOver10000)), Verdict.REVIEW);

        evaluateTransaction(withVelocity, ACCOUNT, 50);
        evaluateTransaction(withVelocity, ACCOUNT + 1, 20_000);

        assertEquals(Verdict.DECLINE, withVelocity.verdict());
        assertEquals(1, withVelocity.stateFullCount());
        assertEquals(1L << 9, withVelocity.firedRules());
    }

    @Test
    void stateFullWithDeclineFallbackBeatsAlertOnly()
    {
        final RuleEvaluator strict = new RuleEvaluator(new RuleSet(List.of(
            new AccountVelocityRule(4, "velocity", RuleAction.REVIEW, 100, 10 * SEC, SEC, 1),
            alertOver100)), Verdict.DECLINE);

        evaluateTransaction(strict, ACCOUNT, 50);
        evaluateTransaction(strict, ACCOUNT + 1, 500);

        assertEquals(Verdict.DECLINE, strict.verdict());
        assertEquals(1L << 5, strict.firedRules());
    }

    @Test
    void resetsBetweenEvaluations()
    {
        evaluateTransaction(evaluator, ACCOUNT, 50_000);
        assertEquals(Verdict.DECLINE, evaluator.verdict());

        final RuleAlerts alerts = evaluateTransaction(evaluator, ACCOUNT, 10);
        assertEquals(Verdict.APPROVE, evaluator.verdict());
        assertEquals(0L, evaluator.firedRules());
        assertEquals(0, alerts.size());
    }

    @Test
    void ordersRunOnlyOrderRulesAndTransactionsOnlyTransactionRules()
    {
        final RuleEvaluator mixed = new RuleEvaluator(new RuleSet(List.of(
            alertOver100,
            new OrderRateRule(6, "orders", RuleAction.DECLINE, 0, SEC, SEC, 4))), Verdict.REVIEW);

        frames.order(CLIENT_ID, 1, EVENT_TIME_NS, ACCOUNT, 100, 5, Side.SELL, OrderType.LIMIT);
        final RuleAlerts orderAlerts = new RingEvent(64).alerts();
        mixed.evaluate(frames.decodeOrder(), orderAlerts);
        assertEquals(Verdict.DECLINE, mixed.verdict());
        assertEquals(1L << 6, mixed.firedRules());
        assertEquals(1, orderAlerts.size());
        assertEquals(6, orderAlerts.ruleId(0));
        assertEquals(ACCOUNT, orderAlerts.key(0));
        assertEquals(1, orderAlerts.observed(0));
        assertEquals(0, orderAlerts.threshold(0));
        assertEquals(77 * SEC, orderAlerts.windowStartNs(0));
        assertEquals(78 * SEC, orderAlerts.windowEndNs(0));

        evaluateTransaction(mixed, ACCOUNT, 50);
        assertEquals(Verdict.APPROVE, mixed.verdict());
        assertEquals(0L, mixed.firedRules());
    }

    private RuleAlerts evaluateTransaction(final RuleEvaluator target, final long accountId, final long amountMinor)
    {
        frames.transaction(CLIENT_ID, 1, EVENT_TIME_NS, accountId, amountMinor);
        final RuleAlerts alerts = new RingEvent(64).alerts();
        target.evaluate(frames.decodeTransaction(), alerts);
        return alerts;
    }
}
