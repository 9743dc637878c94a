package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RuleAlerts;

/**
 * Runs every applicable rule over one message and combines the results deterministically: rules run in id order,
 * the most severe action among the fired rules wins, and every fired rule is reported (bitmap and alert).
 * <p>
 * A rule that cannot judge because its state is full makes the verdict at least the configured fallback verdict.
 */
public final class RuleEvaluator
{
    private RuleSet ruleSet;
    private final Verdict stateFullVerdict;
    private final RuleHit hit = new RuleHit();

    private Verdict verdict;
    private long firedRules;
    private int stateFullCount;

    /**
     * @param ruleSet          the rules in force.
     * @param stateFullVerdict verdict floor when a rule's keyed state is full.
     */
    public RuleEvaluator(final RuleSet ruleSet, final Verdict stateFullVerdict)
    {
        this.ruleSet = ruleSet;
        this.stateFullVerdict = stateFullVerdict;
    }

    /**
     * Evaluate the transaction rules.
     *
     * @param txn    the transaction.
     * @param alerts where alerts of fired rules go.
     */
    public void evaluate(final TransactionDecoder txn, final RuleAlerts alerts)
    {
        reset();
        final long eventTimeNs = txn.eventTimeNs();
        for (final TransactionRule rule : ruleSet.transactionRules())
        {
            onResult(rule, rule.onTransaction(txn, hit), eventTimeNs, alerts);
        }
    }

    /**
     * Evaluate the order rules.
     *
     * @param order  the order.
     * @param alerts where alerts of fired rules go.
     */
    public void evaluate(final OrderDecoder order, final RuleAlerts alerts)
    {
        reset();
        final long eventTimeNs = order.eventTimeNs();
        for (final OrderRule rule : ruleSet.orderRules())
        {
            onResult(rule, rule.onOrder(order, hit), eventTimeNs, alerts);
        }
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

    private void reset()
    {
        verdict = Verdict.APPROVE;
        firedRules = 0;
        stateFullCount = 0;
    }

    private void onResult(final Rule rule, final int result, final long eventTimeNs, final RuleAlerts alerts)
    {
        if (result == RuleResult.FIRED)
        {
            firedRules |= 1L << rule.id();
            final Verdict ruleVerdict = rule.action().verdict();
            verdict = moreSevere(verdict, ruleVerdict);
            alerts.add(
                rule.id(),
                ruleVerdict,
                hit.key(),
                hit.observed(),
                hit.threshold(),
                hit.windowStartNs(),
                hit.windowEndNs());
        }
        else if (result == RuleResult.STATE_FULL)
        {
            stateFullCount++;
            verdict = moreSevere(verdict, stateFullVerdict);
        }
    }

    private static Verdict moreSevere(final Verdict a, final Verdict b)
    {
        return b.value() > a.value() ? b : a;
    }
}
