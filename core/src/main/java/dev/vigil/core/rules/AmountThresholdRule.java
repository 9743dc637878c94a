package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Fires on a single transaction whose amount is above a limit. Stateless.
 */
public final class AmountThresholdRule extends NamedRule implements TransactionRule
{
    private final long maxAmountMinor;

    /**
     * @param id             rule id.
     * @param name           rule name.
     * @param action         what a transaction gets when the rule fires.
     * @param maxAmountMinor largest amount, in minor units, that passes.
     */
    public AmountThresholdRule(final int id, final String name, final RuleAction action, final long maxAmountMinor)
    {
        super(id, name, action);
        this.maxAmountMinor = maxAmountMinor;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long amount = txn.amountMinor();
        if (amount <= maxAmountMinor)
        {
            return RuleResult.PASSED;
        }
        final long eventTimeNs = txn.eventTimeNs();
        return hit.set(txn.accountId(), amount, maxAmountMinor, eventTimeNs, eventTimeNs + 1);
    }
}
