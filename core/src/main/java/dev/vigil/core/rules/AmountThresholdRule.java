package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Fires on a single transaction whose amount is above a limit. Stateless.
 */
public final class AmountThresholdRule implements TransactionRule
{
    private final int id;
    private final String name;
    private final RuleAction action;
    private final long maxAmountMinor;

    /**
     * @param id             rule id.
     * @param name           rule name.
     * @param action         what a transaction gets when the rule fires.
     * @param maxAmountMinor largest amount, in minor units, that passes.
     */
    public AmountThresholdRule(final int id, final String name, final RuleAction action, final long maxAmountMinor)
    {
        this.id = id;
        this.name = name;
        this.action = action;
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

    @Override
    public int id()
    {
        return id;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public RuleAction action()
    {
        return action;
    }
}
