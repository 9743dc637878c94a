package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.pattern.PatternMatch;
import org.agrona.ErrorHandler;

/**
 * Runs every applicable rule over one message and combines the results deterministically: the per-key attributes
 * first (so every expression reads their values as they were before the message), then the rules in id order; the
 * most severe action among the fired rules wins, and every fired rule is reported (bitmap and alert). A rule
 * with a {@code where:} only sees the events that meet it; its condition is evaluated just before the rule would
 * run, so {@code fired(...)} and {@code verdict} in it read what the rules with lower ids decided.
 * <p>
 * A rule that cannot judge because its state is full makes the verdict at least the configured fallback verdict.
 * So does a rule that throws — a bug in a custom rule, say: the exception goes to the error handler and the other
 * rules still judge the event. A throwing rule must not stop the engine, and as its input throws again on replay,
 * the recovered engine decides the same.
 */
public final class RuleEvaluator
{
    private RuleSet ruleSet;
    private final Verdict stateFullVerdict;
    private final RuleHit hit = new RuleHit();
    private final EventFields fields = new EventFields();
    private ErrorHandler errorHandler = Throwable::printStackTrace;

    private Verdict verdict;
    private long firedRules;
    private int stateFullCount;
    private int errorCount;

    /**
     * @param ruleSet          the rules in force.
     * @param stateFullVerdict verdict floor when a rule's keyed state is full.
     */
    public RuleEvaluator(final RuleSet ruleSet, final Verdict stateFullVerdict)
    {
        this.ruleSet = ruleSet;
        this.stateFullVerdict = stateFullVerdict;
        fields.attributes(hit.attributeValues());
    }

    /**
     * Evaluate the transaction rules, for an event with no engine sequence (tests, benchmarks).
     *
     * @param txn    the transaction.
     * @param alerts where alerts of fired rules go.
     */
    public void evaluate(final TransactionDecoder txn, final RuleAlerts alerts)
    {
        evaluate(txn, 0, alerts);
    }

    /**
     * Evaluate the transaction rules.
     *
     * @param txn       the transaction.
     * @param engineSeq its engine sequence, which sequence patterns report for the events they match.
     * @param alerts    where alerts of fired rules go.
     */
    public void evaluate(final TransactionDecoder txn, final long engineSeq, final RuleAlerts alerts)
    {
        reset();
        hit.engineSeq(engineSeq);
        fields.transaction(txn);
        final long eventTimeNs = txn.eventTimeNs();
        final TransactionRule[] rules = ruleSet.transactionRules();
        final Condition[] filters = ruleSet.transactionFilters();
        for (int i = 0; i < rules.length; i++)
        {
            final TransactionRule rule = rules[i];
            final Condition filter = filters[i];
            int result;
            try
            {
                result = filter != null && !filter.test(fields.outcomeSoFar(firedRules, verdict.value())) ?
                    RuleResult.PASSED : rule.onTransaction(txn, hit);
            }
            catch (final RuntimeException | LinkageError | StackOverflowError ex)
            {
                result = failed(rule, ex);
            }
            onResult(rule, result, eventTimeNs, alerts);
        }
    }

    /**
     * Evaluate the order rules, for an event with no engine sequence (tests, benchmarks).
     *
     * @param order  the order.
     * @param alerts where alerts of fired rules go.
     */
    public void evaluate(final OrderDecoder order, final RuleAlerts alerts)
    {
        evaluate(order, 0, alerts);
    }

    /**
     * Evaluate the order rules.
     *
     * @param order     the order.
     * @param engineSeq its engine sequence, which sequence patterns report for the events they match.
     * @param alerts    where alerts of fired rules go.
     */
    public void evaluate(final OrderDecoder order, final long engineSeq, final RuleAlerts alerts)
    {
        reset();
        hit.engineSeq(engineSeq);
        fields.order(order);
        final long eventTimeNs = order.eventTimeNs();
        final OrderRule[] rules = ruleSet.orderRules();
        final Condition[] filters = ruleSet.orderFilters();
        for (int i = 0; i < rules.length; i++)
        {
            final OrderRule rule = rules[i];
            final Condition filter = filters[i];
            int result;
            try
            {
                result = filter != null && !filter.test(fields.outcomeSoFar(firedRules, verdict.value())) ?
                    RuleResult.PASSED : rule.onOrder(order, hit);
            }
            catch (final RuntimeException | LinkageError | StackOverflowError ex)
            {
                result = failed(rule, ex);
            }
            onResult(rule, result, eventTimeNs, alerts);
        }
    }

    /**
     * @param errorHandler receives what a rule throws; by default it is printed on standard error.
     */
    public void errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    /**
     * @return the rules in force.
     */
    public RuleSet ruleSet()
    {
        return ruleSet;
    }

    /**
     * Switch to other rules, from the next evaluation on; on the rules thread, between events.
     *
     * @param ruleSet the rules now in force.
     */
    public void ruleSet(final RuleSet ruleSet)
    {
        this.ruleSet = ruleSet;
    }

    /**
     * @return the combined verdict of the last evaluation.
     */
    public Verdict verdict()
    {
        return verdict;
    }

    /**
     * @return bitmap of the rule ids that fired in the last evaluation.
     */
    public long firedRules()
    {
        return firedRules;
    }

    /**
     * @return how many rules of the last evaluation could not judge because their state was full.
     */
    public int stateFullCount()
    {
        return stateFullCount;
    }

    /**
     * @return how many rules of the last evaluation threw.
     */
    public int errorCount()
    {
        return errorCount;
    }

    private void reset()
    {
        verdict = Verdict.APPROVE;
        firedRules = 0;
        stateFullCount = 0;
        errorCount = 0;
    }

    private int failed(final Rule rule, final Throwable ex)
    {
        errorHandler.onError(new IllegalStateException("rule " + rule.id() + " '" + rule.name() + "' threw", ex));
        return RuleResult.ERROR;
    }

    private void onResult(final Rule rule, final int result, final long eventTimeNs, final RuleAlerts alerts)
    {
        if (result == RuleResult.FIRED)
        {
            firedRules |= 1L << rule.id();
            final Verdict ruleVerdict = rule.action().verdict();
            verdict = moreSevere(verdict, ruleVerdict);
            final boolean listed = alerts.add(
                rule.id(),
                ruleVerdict,
                hit.key(),
                hit.observed(),
                hit.threshold(),
                hit.windowStartNs(),
                hit.windowEndNs());
            final PatternMatch matched = hit.matched();
            if (listed && matched != null)
            {
                for (int i = 0, n = matched.size(); i < n; i++)
                {
                    alerts.addMatchedEvent(matched.engineSeq(i), matched.timeNs(i), matched.value(i));
                }
            }
        }
        else if (result == RuleResult.STATE_FULL)
        {
            stateFullCount++;
            verdict = moreSevere(verdict, stateFullVerdict);
        }
        else if (result == RuleResult.ERROR)
        {
            errorCount++;
            verdict = moreSevere(verdict, stateFullVerdict);
        }
    }

    /**
     * Let the rules that judge by the watermark judge: called after every input. What they raise goes to
     * {@code alerts} and changes no decision; a rule that throws is reported to the error handler, as in
     * {@link #evaluate}, and the others judge on.
     *
     * @param watermarkNs the watermark now.
     * @param alerts      the alerts of the input.
     */
    public void onWatermark(final long watermarkNs, final RuleAlerts alerts)
    {
        for (final WatermarkRule rule : ruleSet.watermarkRules())
        {
            try
            {
                rule.onWatermark(watermarkNs, alerts);
            }
            catch (final RuntimeException | LinkageError | StackOverflowError ex)
            {
                failed(rule, ex);
            }
        }
    }

    private static Verdict moreSevere(final Verdict a, final Verdict b)
    {
        return b.value() > a.value() ? b : a;
    }
}
