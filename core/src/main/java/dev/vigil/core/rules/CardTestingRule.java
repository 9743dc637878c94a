package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

/**
 * Card testing, a sequence pattern: a small payment followed, on the same card and within a given time, by a large
 * one (fraudsters check a stolen card with a small amount before spending). Keeps, per card, the event time of its
 * newest small payment: one word of the card's record, stored flipped in its sign bit so that a new card's zero reads
 * as "none" ({@code Long.MIN_VALUE}).
 */
public final class CardTestingRule extends KeyedStateRule implements TransactionRule
{
    private static final long NONE = Long.MIN_VALUE;
    private static final int LAST_SMALL_TIME_NS = 0;

    private final long maxSmallMinor;
    private final long minLargeMinor;
    private final long withinNs;

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
        super(id, name, action, StateKey.CARD, Long.BYTES, maxKeys);
        if (minLargeMinor <= maxSmallMinor)
        {
            throw new IllegalArgumentException(
                "minLargeMinor=" + minLargeMinor + " must be above maxSmallMinor=" + maxSmallMinor);
        }
        this.maxSmallMinor = maxSmallMinor;
        this.minLargeMinor = minLargeMinor;
        this.withinNs = withinNs;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long amount = txn.amountMinor();
        if (amount > maxSmallMinor && amount < minLargeMinor)
        {
            return RuleResult.PASSED;
        }
        final long card = keyOf(txn);
        final long state = stateOf(card);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long eventTimeNs = txn.eventTimeNs();
        final long smallTimeNs = RecordWords.get(state, LAST_SMALL_TIME_NS) ^ NONE;
        if (amount <= maxSmallMinor)
        {
            RecordWords.put(state, LAST_SMALL_TIME_NS, Math.max(smallTimeNs, eventTimeNs) ^ NONE);
            return RuleResult.PASSED;
        }

        if (smallTimeNs == NONE || eventTimeNs < smallTimeNs || eventTimeNs - smallTimeNs >= withinNs)
        {
            return RuleResult.PASSED;
        }
        return hit.set(card, amount, minLargeMinor, smallTimeNs, eventTimeNs + 1);
    }
}
