package dev.vigil.app.rules.custom;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.CustomRuleContext;
import dev.vigil.core.rules.NamedRule;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.TransactionRule;

import java.io.DataOutput;

/**
 * A custom rule with a bug in its state: writing it throws, the first {@code failed-writes} times, as a rule whose
 * serialisation meets a case it did not expect would.
 */
public final class UnwritableStateRule extends NamedRule implements TransactionRule
{
    private long writesToFail;

    /**
     * @param context identity and parameters: {@code failed-writes}.
     */
    public UnwritableStateRule(final CustomRuleContext context)
    {
        super(context.id(), context.name(), context.action());
        writesToFail = context.longParameter("failed-writes");
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        return RuleResult.PASSED;
    }

    @Override
    public void writeState(final DataOutput out)
    {
        if (writesToFail > 0)
        {
            writesToFail--;
            throw new IllegalStateException("no way to write this state");
        }
    }
}
