package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.LongKeyIndex;
import dev.vigil.core.state.StateIo;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Spike: fires when a transaction's amount is more than {@code factor} times its account's rolling mean, an
 * exponentially weighted moving average (EWMA) of earlier amounts, once the account has a minimum history. The
 * amount is then folded into the mean, so a new normal is learnt. Doubles are exact and deterministic in Java, so
 * replay reproduces the same means.
 */
public final class AmountSpikeRule extends NamedRule implements TransactionRule
{
    private final double factor;
    private final double alpha;
    private final long minHistory;
    private final LongKeyIndex accounts;
    private final long[] means;
    private final long[] counts;

    /**
     * @param id         rule id.
     * @param name       rule name.
     * @param action     what a transaction gets when the rule fires.
     * @param factor     how many times the mean an amount must exceed to fire, above 1.
     * @param alpha      weight of each new amount in the mean, in (0, 1].
     * @param minHistory transactions an account needs before the rule judges it.
     * @param maxKeys    most accounts tracked.
     */
    public AmountSpikeRule(
        final int id,
        final String name,
        final RuleAction action,
        final double factor,
        final double alpha,
        final long minHistory,
        final int maxKeys)
    {
        super(id, name, action);
        if (!(factor > 1.0) || !(alpha > 0.0 && alpha <= 1.0) || minHistory < 1)
        {
            throw new IllegalArgumentException("factor=" + factor + " must be > 1, alpha=" + alpha +
                " in (0, 1], minHistory=" + minHistory + " at least 1");
        }
        this.factor = factor;
        this.alpha = alpha;
        this.minHistory = minHistory;
        this.accounts = new LongKeyIndex(maxKeys);
        this.means = new long[maxKeys];
        this.counts = new long[maxKeys];
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long account = txn.accountId();
        final int slot = accounts.slotFor(account);
        if (slot == LongKeyIndex.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long amount = txn.amountMinor();
        final double mean = Double.longBitsToDouble(means[slot]);
        final long count = counts[slot];
        final boolean spike = count >= minHistory && amount > factor * mean;
        means[slot] = Double.doubleToRawLongBits(count == 0 ? amount : mean + alpha * (amount - mean));
        counts[slot] = count + 1;

        if (!spike)
        {
            return RuleResult.PASSED;
        }
        final long eventTimeNs = txn.eventTimeNs();
        return hit.set(account, amount, (long)Math.ceil(factor * mean), eventTimeNs, eventTimeNs + 1);
    }

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        accounts.writeTo(out);
        StateIo.writeLongs(out, means, accounts.size());
        StateIo.writeLongs(out, counts, accounts.size());
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        accounts.readFrom(in);
        StateIo.readLongs(in, means, accounts.size());
        StateIo.readLongs(in, counts, accounts.size());
    }

    @Override
    public int stateEntries()
    {
        return accounts.size();
    }

    @Override
    public int stateCapacity()
    {
        return accounts.capacity();
    }
}
