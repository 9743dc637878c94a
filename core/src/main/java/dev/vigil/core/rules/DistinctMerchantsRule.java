package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

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
 * {@code maxMerchants + 1} entries, bounded and allocation-free; none when the key's whole table has expired.
 * <p>
 * The key's slice of its record: the newest event time, then (merchant, last seen) per entry; times are biased (see
 * {@link RecordWords#getBiased}) so a new key's zeros read as "no event yet, every entry free".
 */
public final class DistinctMerchantsRule extends KeyedStateRule implements TransactionRule
{
    /** Most merchants a rule may allow; bounds the per-key table and so the cost per event. */
    public static final int MAX_MERCHANTS_LIMIT = 32;

    private static final long EMPTY = Long.MIN_VALUE;
    private static final int NEWEST = 0;
    private static final int FIRST_ENTRY = 1;

    private final TransactionKey key;
    private final int maxMerchants;
    private final int words;
    private final long windowNs;

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
        super(id, name, action, key.stateKey(), stateBytes(maxMerchants), maxKeys);
        if (maxMerchants < 1 || maxMerchants > MAX_MERCHANTS_LIMIT || windowNs <= 0)
        {
            throw new IllegalArgumentException("maxMerchants=" + maxMerchants + " must be in [1, " +
                MAX_MERCHANTS_LIMIT + "] and windowNs=" + windowNs + " positive");
        }
        this.key = key;
        this.maxMerchants = maxMerchants;
        this.words = FIRST_ENTRY + 2 * (maxMerchants + 1);
        this.windowNs = windowNs;
    }

    private static int stateBytes(final int maxMerchants)
    {
        final int entries = Math.max(1, Math.min(maxMerchants, MAX_MERCHANTS_LIMIT) + 1);
        return (FIRST_ENTRY + 2 * entries) * Long.BYTES;
    }

    @Override
    public int onTransaction(final TransactionDecoder txn, final RuleHit hit)
    {
        final long keyValue = key.of(txn);
        final long state = stateOf(keyValue);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }

        final long eventTimeNs = txn.eventTimeNs();
        final long previousNewest = RecordWords.getBiased(state, NEWEST);
        final long newest = Math.max(previousNewest, eventTimeNs);
        final long expiredAtOrBefore = newest - windowNs;
        if (eventTimeNs <= expiredAtOrBefore)
        {
            return RuleResult.PASSED;
        }
        RecordWords.putBiased(state, NEWEST, newest);

        final long merchant = txn.merchantId();
        if (previousNewest <= expiredAtOrBefore)
        {
            // Every entry was seen at or before the previous newest time, so none is live (nor ever will be again):
            // the first entry takes this merchant and the rest of the table is not read, which spares a key seen
            // less often than once a window (most keys, with many) the cache lines of its table.
            RecordWords.put(state, FIRST_ENTRY, merchant);
            RecordWords.putBiased(state, FIRST_ENTRY + 1, eventTimeNs);
            return RuleResult.PASSED;
        }
        int found = -1;
        int oldest = FIRST_ENTRY;
        long oldestSeen = RecordWords.getBiased(state, FIRST_ENTRY + 1);
        for (int i = FIRST_ENTRY; i < words; i += 2)
        {
            final long seen = RecordWords.getBiased(state, i + 1);
            if (seen != EMPTY && RecordWords.get(state, i) == merchant)
            {
                found = i;
                break;
            }
            if (seen < oldestSeen)
            {
                oldest = i;
                oldestSeen = seen;
            }
        }
        if (found >= 0)
        {
            RecordWords.putBiased(state, found + 1, Math.max(RecordWords.getBiased(state, found + 1), eventTimeNs));
        }
        else if (eventTimeNs > oldestSeen)
        {
            // Empty entries hold EMPTY, the smallest time, so the oldest entry is an empty one when there is one.
            // With none, the table keeps the most recently seen merchants: a late one older than all is left out.
            RecordWords.put(state, oldest, merchant);
            RecordWords.putBiased(state, oldest + 1, eventTimeNs);
        }

        int live = 0;
        for (int i = FIRST_ENTRY + 1; i < words; i += 2)
        {
            if (RecordWords.getBiased(state, i) > expiredAtOrBefore)
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
}
