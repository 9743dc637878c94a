package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

/**
 * Impossible travel: fires when a card is used in a different country than its previous use less than a given
 * time apart (by event time, in either order, so a late event is judged against the newest use too).
 * <p>
 * Keeps, per card, the country and event time of its newest use: two words of the card's record, the country 0
 * before the first use.
 */
public final class ImpossibleTravelRule extends KeyedStateRule implements TransactionRule
{
    private static final long NO_COUNTRY = 0;
    private static final int LAST_COUNTRY = 0;
    private static final int LAST_TIME_NS = 1;
    private static final int STATE_BYTES = 2 * Long.BYTES;

    private final long withinNs;

    /**
     * @param id       rule id.
     * @param name     rule name.
     * @param action   what a transaction gets when the rule fires.
     * @param withinNs uses in two countries closer than this in time fire the rule.
     * @param maxKeys  most cards tracked.
     */
    public ImpossibleTravelRule(
        final int id, final String name, final RuleAction action, final long withinNs, final int maxKeys)
    {
        super(id, name, action, StateKey.CARD, STATE_BYTES, maxKeys);
        if (withinNs <= 0)
        {
            throw new IllegalArgumentException("withinNs=" + withinNs + " must be positive");
        }
        this.withinNs = withinNs;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long card = keyOf(txn);
        final long state = stateOf(card);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long country = ((txn.country(0) & 0xFFL) << 8) | (txn.country(1) & 0xFFL);
        final long eventTimeNs = txn.eventTimeNs();
        final long previousCountry = RecordWords.get(state, LAST_COUNTRY);
        final long previousTimeNs = RecordWords.get(state, LAST_TIME_NS);
        if (previousCountry == NO_COUNTRY || eventTimeNs >= previousTimeNs)
        {
            RecordWords.put(state, LAST_COUNTRY, country);
            RecordWords.put(state, LAST_TIME_NS, eventTimeNs);
        }

        if (previousCountry == NO_COUNTRY || previousCountry == country)
        {
            return RuleResult.PASSED;
        }
        final long apartNs = Math.abs(eventTimeNs - previousTimeNs);
        if (apartNs >= withinNs)
        {
            return RuleResult.PASSED;
        }
        return hit.set(card, apartNs, withinNs,
            Math.min(eventTimeNs, previousTimeNs), Math.max(eventTimeNs, previousTimeNs) + 1);
    }
}
