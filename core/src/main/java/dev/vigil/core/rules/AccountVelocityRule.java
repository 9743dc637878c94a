package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;

/**
 * Fires when an account makes more than a number of transactions within an event-time sliding window.
 */
public final class AccountVelocityRule extends WindowCountRule implements TransactionRule
{
    private final TransactionKey key;

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what a transaction gets when the rule fires.
     * @param maxCount     most transactions per account and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most accounts tracked.
     */
    public AccountVelocityRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxCount,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        this(id, name, action, TransactionKey.ACCOUNT, maxCount, windowSizeNs, slideNs, maxKeys);
    }

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what a transaction gets when the rule fires.
     * @param key          what the transactions are counted by.
     * @param maxCount     most transactions per account and window that pass.
     * @param windowSizeNs window length.
     * @param slideNs      granularity at which the window slides; divides windowSizeNs.
     * @param maxKeys      most accounts tracked.
     */
    public AccountVelocityRule(
        final int id,
        final String name,
        final RuleAction action,
        final TransactionKey key,
        final long maxCount,
        final long windowSizeNs,
        final long slideNs,
        final int maxKeys)
    {
        super(id, name, action, key.stateKey(), maxCount, windowSizeNs, slideNs, maxKeys);
        this.key = key;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        return count(key.of(txn), txn.eventTimeNs(), hit);
    }
}
