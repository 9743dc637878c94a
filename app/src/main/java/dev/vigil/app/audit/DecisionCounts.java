package dev.vigil.app.audit;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;

import java.util.Locale;

/**
 * Counts what a rules stage decided, slot by slot, for offline reports: decisions by verdict, rules fired, retries
 * answered from the dedup table and inputs refused.
 */
public final class DecisionCounts
{
    private final long[] verdicts = new long[Verdict.values().length];
    private final long[] firedByRule = new long[Rule.MAX_RULE_ID + 1];
    private long decisions;
    private long repeated;
    private long refused;

    /**
     * Count one slot the rules stage has passed.
     *
     * @param event the slot.
     * @return true when it holds a decision of its own: a transaction or order, not refused, not a retry.
     */
    public boolean count(final RingEvent event)
    {
        final int templateId = event.templateId();
        if (templateId != TransactionDecoder.TEMPLATE_ID && templateId != OrderDecoder.TEMPLATE_ID)
        {
            return false;
        }
        if (event.rejectReason() != null)
        {
            refused++;
            return false;
        }
        if (event.decisionEngineSeq() != event.engineSeq())
        {
            repeated++;
            return false;
        }
        decisions++;
        verdicts[event.verdict().ordinal()]++;
        for (long bits = event.firedRules(); bits != 0; bits &= bits - 1)
        {
            firedByRule[Long.numberOfTrailingZeros(bits)]++;
        }
        return true;
    }

    /**
     * @return decisions made, retries and refusals not included.
     */
    public long decisions()
    {
        return decisions;
    }

    /**
     * @return retries answered with an earlier decision.
     */
    public long repeated()
    {
        return repeated;
    }

    /**
     * @return transactions and orders the rules stage refused, e.g. as stale.
     */
    public long refused()
    {
        return refused;
    }

    /**
     * @return e.g. {@code decisions 3: approve 2   review 0   decline 1}.
     */
    public String verdictLine()
    {
        return String.format(Locale.ROOT, "decisions %,d: approve %,d   review %,d   decline %,d", decisions,
            verdicts[Verdict.APPROVE.ordinal()], verdicts[Verdict.REVIEW.ordinal()],
            verdicts[Verdict.DECLINE.ordinal()]);
    }

    /**
     * @param ruleSet the rules, for their names.
     * @return how often each rule fired, e.g. {@code alerts    amount-threshold 1   account-velocity 0 ...}.
     */
    public String alertLine(final RuleSet ruleSet)
    {
        final StringBuilder line = new StringBuilder("alerts   ");
        for (final Rule rule : ruleSet.rules())
        {
            line.append(String.format(Locale.ROOT, " %s %,d  ", rule.name(), firedByRule[rule.id()]));
        }
        return line.toString();
    }
}
