package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.window.KeyedSlidingCounter;

/**
 * Fires when an account makes more than a number of transactions within an event-time sliding window
 * (see {@link KeyedSlidingCounter} for the window's exact bounds).
 */
public final class AccountVelocityRule implements TransactionRule
{
    private final int id;
    private final String name;
    private final RuleAction action;
    private final long maxCount;
    private final KeyedSlidingCounter counter;

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
        this.id = id;
        this.name = name;
        this.action = action;
        this.maxCount = maxCount;
        this.counter = new KeyedSlidingCounter(maxKeys, windowSizeNs, slideNs);
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long accountId = txn.accountId();
        final long eventTimeNs = txn.eventTimeNs();
        return WindowCountCheck.check(counter, accountId, eventTimeNs, maxCount, hit);
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
