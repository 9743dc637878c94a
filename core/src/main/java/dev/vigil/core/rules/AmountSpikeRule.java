package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

/**
 * Spike: fires when a transaction's amount is more than {@code factor} times its account's rolling mean, an
 * exponentially weighted moving average (EWMA) of earlier amounts, once the account has a minimum history. The
 * amount is then folded into the mean, so a new normal is learnt. Doubles are exact and deterministic in Java, so
 * replay reproduces the same means.
 * <p>
 * State per account: two words, the mean's bits and the count of amounts seen (0 for a new account).
 */
public final class AmountSpikeRule extends KeyedStateRule implements TransactionRule
{
    private static final int MEAN = 0;
    private static final int COUNT = 1;
    private static final int STATE_BYTES = 2 * Long.BYTES;

    private final double factor;
    private final double alpha;
    private final long minHistory;

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
        super(id, name, action, StateKey.ACCOUNT, STATE_BYTES, maxKeys);
        if (!(factor > 1.0) || !(alpha > 0.0 && alpha <= 1.0) || minHistory < 1)
        {
            throw new IllegalArgumentException("factor=" + factor + " must be > 1, alpha=" + alpha +
                " in (0, 1], minHistory=" + minHistory + " at least 1");
        }
        this.factor = factor;
        this.alpha = alpha;
        this.minHistory = minHistory;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long account = keyOf(txn);
        final long state = stateOf(account);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long amount = txn.amountMinor();
        final double mean = Double.longBitsToDouble(RecordWords.get(state, MEAN));
        final long count = RecordWords.get(state, COUNT);
        final boolean spike = count >= minHistory && amount > factor * mean;
        RecordWords.put(state, MEAN, Double.doubleToRawLongBits(count == 0 ? amount : mean + alpha * (amount - mean)));
        RecordWords.put(state, COUNT, count + 1);

        if (!spike)
        {
            return RuleResult.PASSED;
        }
        final long eventTimeNs = txn.eventTimeNs();
        return hit.set(account, amount, (long)Math.ceil(factor * mean), eventTimeNs, eventTimeNs + 1);
    }
}
