package dev.vigil.core.rules.config;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.CustomRuleContext;
import dev.vigil.core.rules.NamedRule;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.TransactionRule;

/**
 * A custom rule for tests: fires on every transaction it is given.
 */
public final class EveryTransactionRule extends NamedRule implements TransactionRule
{
    /**
     * @param context the rule's entry in the rules file.
     */
    public EveryTransactionRule(final CustomRuleContext context)
    {
        super(context.id(), context.name(), context.action());
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        return hit.set(txn.accountId(), txn.amountMinor(), 0, txn.eventTimeNs(), txn.eventTimeNs() + 1);
    }
}
