package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.LongKeyIndex;
import dev.vigil.core.state.StateIo;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Card testing, a sequence pattern: a small payment followed, on the same card and within a given time, by a large
 * one (fraudsters check a stolen card with a small amount before spending). Keeps, per card, the event time of its
 * newest small payment.
 */
public final class CardTestingRule extends NamedRule implements TransactionRule
{
    private static final long NONE = Long.MIN_VALUE;

    private final long maxSmallMinor;
    private final long minLargeMinor;
    private final long withinNs;
    private final LongKeyIndex cards;
    private final long[] lastSmallTimeNs;

    /**
     * @param id            rule id.
     * @param name          rule name.
     * @param action        what the large payment gets when the rule fires.
     * @param maxSmallMinor payments up to this amount are small.
     * @param minLargeMinor payments from this amount are large.
     * @param withinNs      a large payment this soon after a small one fires the rule.
     * @param maxKeys       most cards tracked.
     */
    public CardTestingRule(
        final int id,
        final String name,
        final RuleAction action,
        final long maxSmallMinor,
        final long minLargeMinor,
        final long withinNs,
        final int maxKeys)
    {
        super(id, name, action);
        if (minLargeMinor <= maxSmallMinor)
        {
            throw new IllegalArgumentException(
                "minLargeMinor=" + minLargeMinor + " must be above maxSmallMinor=" + maxSmallMinor);
        }
        this.maxSmallMinor = maxSmallMinor;
        this.minLargeMinor = minLargeMinor;
        this.withinNs = withinNs;
        this.cards = new LongKeyIndex(maxKeys);
        this.lastSmallTimeNs = new long[maxKeys];
        Arrays.fill(lastSmallTimeNs, NONE);
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long amount = txn.amountMinor();
        if (amount > maxSmallMinor && amount < minLargeMinor)
        {
            return RuleResult.PASSED;
        }
        final long card = txn.cardId();
        final int slot = cards.slotFor(card);
        if (slot == LongKeyIndex.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long eventTimeNs = txn.eventTimeNs();
        if (amount <= maxSmallMinor)
        {
            lastSmallTimeNs[slot] = Math.max(lastSmallTimeNs[slot], eventTimeNs);
            return RuleResult.PASSED;
        }

        final long smallTimeNs = lastSmallTimeNs[slot];
        if (smallTimeNs == NONE || eventTimeNs < smallTimeNs || eventTimeNs - smallTimeNs >= withinNs)
        {
            return RuleResult.PASSED;
        }
        return hit.set(card, amount, minLargeMinor, smallTimeNs, eventTimeNs + 1);
    }

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        cards.writeTo(out);
        StateIo.writeLongs(out, lastSmallTimeNs, cards.size());
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        cards.readFrom(in);
        Arrays.fill(lastSmallTimeNs, NONE);
        StateIo.readLongs(in, lastSmallTimeNs, cards.size());
    }

    @Override
    public int stateEntries()
    {
        return cards.size();
    }

    @Override
    public int stateCapacity()
    {
        return cards.capacity();
    }
}
