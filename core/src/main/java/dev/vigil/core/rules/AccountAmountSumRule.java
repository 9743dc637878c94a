package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Fires when the amounts an account pays within an event-time sliding window add up to more than a limit: many
 * payments each below the single-amount threshold still add up.
 */
public final class AccountAmountSumRule extends WindowCountRule implements TransactionRule
{
    private final TransactionKey key;

    /**
     * @param id             rule id.
     * @param name           rule name.
     * @param action         what a transaction gets when the rule fires.
     * @param maxSumMinor    largest total per account and window that passes, in minor units.
     * @param windowSizeNs   window length.
     * @param slideNs        granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys        most accounts tracked.
     */
    public AccountAmountSumRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxSumMinor,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        this(id, name, action, TransactionKey.ACCOUNT, maxSumMinor, windowSizeNs, slideNs, maxKeys);
    }

    /**
     * @param id             rule id.
     * @param name           rule name.
     * @param action         what a transaction gets when the rule fires.
     * @param key          what the amounts are added up by.
     * @param maxSumMinor    largest total per account and window that passes, in minor units.
     * @param windowSizeNs   window length.
     * @param slideNs        granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys        most accounts tracked.
     */
    public AccountAmountSumRule(
        final int id,
        final String name,
        final RuleAction action,
        final TransactionKey key,
        final long maxSumMinor,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action, key.stateKey(), maxSumMinor, windowSizeNs, slideNs, maxKeys);
        this.key = key;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        return measure(key.of(txn), txn.eventTimeNs(), txn.amountMinor(), hit);
    }
}
