package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.window.KeyedSlidingCounter;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Fires when an account makes more than a number of transactions within an event-time sliding window
 * (see {@link KeyedSlidingCounter} for the window's exact bounds).
 */
public final class AccountVelocityRule extends NamedRule implements TransactionRule
{
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
        super(id, name, action);
        this.maxCount = maxCount;
        this.counter = new KeyedSlidingCounter(maxKeys, windowSizeNs, slideNs);
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        return WindowCountCheck.check(counter, txn.accountId(), txn.eventTimeNs(), maxCount, hit);
    }

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        counter.writeTo(out);
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        counter.readFrom(in);
    }
}
