package dev.vigil.app.rules.custom;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.CustomRuleContext;
import dev.vigil.core.rules.NamedRule;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.TransactionRule;

/**
 * A custom rule with a bug: it throws for transactions of one amount, as a rule dividing by a zero it did not
 * expect would.
 */
public final class FaultyRule extends NamedRule implements TransactionRule
{
    private final long badAmount;

    /**
     * @param context identity and parameters: {@code bad-amount}.
     */
    public FaultyRule(final CustomRuleContext context)
    {
        super(context.id(), context.name(), context.action());
        badAmount = context.longParameter("bad-amount");
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        if (txn.amountMinor() == badAmount)
        {
            throw new ArithmeticException("no rule for an amount of " + badAmount);
        }
        return RuleResult.PASSED;
    }
}
