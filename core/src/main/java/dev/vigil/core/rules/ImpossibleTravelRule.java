package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.LongKeyIndex;
import dev.vigil.core.state.StateIo;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Impossible travel: fires when a card is used in a different country than its previous use less than a given
 * time apart (by event time, in either order, so a late event is judged against the newest use too).
 * <p>
 * Keeps, per card, the country and event time of its newest use: one lookup and two array slots per event.
 */
public final class ImpossibleTravelRule extends NamedRule implements TransactionRule
{
    private static final long NO_COUNTRY = 0;

    private final long withinNs;
    private final LongKeyIndex cards;
    private final long[] lastCountry;
    private final long[] lastTimeNs;

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
        super(id, name, action);
        if (withinNs <= 0)
        {
            throw new IllegalArgumentException("withinNs=" + withinNs + " must be positive");
        }
        this.withinNs = withinNs;
        this.cards = new LongKeyIndex(maxKeys);
        this.lastCountry = new long[maxKeys];
        this.lastTimeNs = new long[maxKeys];
        Arrays.fill(lastCountry, NO_COUNTRY);
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long card = txn.cardId();
        final int slot = cards.slotFor(card);
        if (slot == LongKeyIndex.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long country = ((txn.country(0) & 0xFFL) << 8) | (txn.country(1) & 0xFFL);
        final long eventTimeNs = txn.eventTimeNs();
        final long previousCountry = lastCountry[slot];
        final long previousTimeNs = lastTimeNs[slot];
        if (previousCountry == NO_COUNTRY || eventTimeNs >= previousTimeNs)
        {
            lastCountry[slot] = country;
            lastTimeNs[slot] = eventTimeNs;
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

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        cards.writeTo(out);
        StateIo.writeLongs(out, lastCountry, cards.size());
        StateIo.writeLongs(out, lastTimeNs, cards.size());
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        cards.readFrom(in);
        Arrays.fill(lastCountry, NO_COUNTRY);
        StateIo.readLongs(in, lastCountry, cards.size());
        StateIo.readLongs(in, lastTimeNs, cards.size());
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
