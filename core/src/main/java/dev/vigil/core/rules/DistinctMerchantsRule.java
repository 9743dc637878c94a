package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.LongKeyIndex;
import dev.vigil.core.state.StateIo;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Fires when a key (an account, or a card) pays more than {@code maxMerchants} distinct merchants within an
 * event-time sliding window of {@code windowNs}: the merchants seen in {@code (newest - windowNs, newest]}, where
 * newest is the latest event time seen for the key (so an out-of-order event is judged against the key's newest
 * window, and one older than that window passes without being counted).
 * <p>
 * Each key keeps a small table of {@code maxMerchants + 1} (merchant, last seen) entries: the merchants seen most
 * recently. A merchant already there has its time refreshed; a new one takes an empty entry, else replaces the
 * entry seen longest ago when it was seen later than that. That is exact: a live merchant is only ever left out
 * when {@code maxMerchants + 1} merchants were seen more recently, which are then all live themselves, so the rule
 * fires either way. Cost per event: one key lookup and a pass over at most
 * {@code maxMerchants + 1} entries, bounded and allocation-free.
 */
public final class DistinctMerchantsRule extends NamedRule implements TransactionRule
{
    /** Most merchants a rule may allow; bounds the per-key table and so the cost per event. */
    public static final int MAX_MERCHANTS_LIMIT = 32;

    private static final long EMPTY = Long.MIN_VALUE;

    private final TransactionKey key;
    private final int maxMerchants;
    private final int entriesPerKey;
    private final int stride;
    private final long windowNs;
    private final LongKeyIndex keys;
    /**
     * Per key, one run of longs: the key's newest event time, then (merchant, last seen) per entry, so an event
     * touches one stretch of memory after the key lookup.
     */
    private final long[] state;

    /**
     * @param id           rule id.
     * @param name         rule name.
     * @param action       what a transaction gets when the rule fires.
     * @param key          whose merchants are counted: account or card.
     * @param maxMerchants most distinct merchants per key and window that pass, in [1, MAX_MERCHANTS_LIMIT].
     * @param windowNs     window length.
     * @param maxKeys      most keys tracked.
     */
    public DistinctMerchantsRule(
        final int id,
        final String name,
        final RuleAction action,
        final TransactionKey key,
        final int maxMerchants,
        final long windowNs,
        final int maxKeys)
    {
        super(id, name, action);
        if (maxMerchants < 1 || maxMerchants > MAX_MERCHANTS_LIMIT || windowNs <= 0)
        {
            throw new IllegalArgumentException("maxMerchants=" + maxMerchants + " must be in [1, " +
                MAX_MERCHANTS_LIMIT + "] and windowNs=" + windowNs + " positive");
        }
        this.key = key;
        this.maxMerchants = maxMerchants;
        this.entriesPerKey = maxMerchants + 1;
        this.stride = 1 + 2 * entriesPerKey;
        this.windowNs = windowNs;
        this.keys = new LongKeyIndex(maxKeys);
        this.state = new long[maxKeys * stride];
        clear();
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long keyValue = key.of(txn);
        final int slot = keys.slotFor(keyValue);
        if (slot == LongKeyIndex.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long eventTimeNs = txn.eventTimeNs();
        final int base = slot * stride;
        final long newest = Math.max(state[base], eventTimeNs);
        final long expiredAtOrBefore = newest - windowNs;
        if (eventTimeNs <= expiredAtOrBefore)
        {
            return RuleResult.PASSED;
        }
        state[base] = newest;

        final long merchant = txn.merchantId();
        final int first = base + 1;
        final int end = base + stride;
        int found = -1;
        int oldest = first;
        for (int i = first; i < end; i += 2)
        {
            if (state[i + 1] != EMPTY && state[i] == merchant)
            {
                found = i;
                break;
            }
            if (state[i + 1] < state[oldest + 1])
            {
                oldest = i;
            }
        }
        if (found >= 0)
        {
            state[found + 1] = Math.max(state[found + 1], eventTimeNs);
        }
        else if (eventTimeNs > state[oldest + 1])
        {
            // Empty entries hold EMPTY, the smallest time, so the oldest entry is an empty one when there is one.
            // With none, the table keeps the most recently seen merchants: a late one older than all is left out.
            state[oldest] = merchant;
            state[oldest + 1] = eventTimeNs;
        }

        int live = 0;
        for (int i = first + 1; i < end; i += 2)
        {
            if (state[i] > expiredAtOrBefore)
            {
                live++;
            }
        }
        if (live <= maxMerchants)
        {
            return RuleResult.PASSED;
        }
        return hit.set(keyValue, live, maxMerchants, expiredAtOrBefore + 1, newest + 1);
    }

    @Override
    public int stateEntries()
    {
        return keys.size();
    }

    @Override
    public int stateCapacity()
    {
        return keys.capacity();
    }

    @Override
    public void writeState(final DataOutput out) throws IOException
    {
        keys.writeTo(out);
        out.writeInt(stride);
        StateIo.writeLongs(out, state, keys.size() * stride);
    }

    @Override
    public void readState(final DataInput in) throws IOException
    {
        keys.readFrom(in);
        final int writtenStride = in.readInt();
        if (writtenStride != stride)
        {
            throw new IOException("distinct-merchants state of " + writtenStride + " longs per key does not fit " +
                "one of " + stride);
        }
        clear();
        StateIo.readLongs(in, state, keys.size() * stride);
    }

    private void clear()
    {
        // Every time EMPTY: no newest event yet, every entry free.
        Arrays.fill(state, EMPTY);
    }
}
