package dev.vigil.core.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.window.DistinctValuesRecord;

/**
 * Fires when a key (an account, or a card) pays more than {@code maxMerchants} distinct merchants within an event-time
 * sliding window of {@code windowNs}: the merchants seen in {@code (newest - windowNs, newest]}, where newest is the
 * latest event time seen for the key (so an out-of-order event is judged against the key's newest window, and one older
 * than that window passes without being counted).
 * <p>
 * Each key keeps a small table of {@code maxMerchants + 1} (merchant, last seen) entries, a {@link
 * DistinctValuesRecord} whose window slides with every event: the merchants seen most recently. A merchant already
 * there has its time refreshed; a new one takes an empty entry, else replaces the entry seen longest ago when it was
 * seen later than that. That is exact: a live merchant is only ever left out when {@code maxMerchants + 1} merchants
 * were seen more recently, which are then all live themselves, so the rule fires either way. Cost per event: one key
 * lookup and a pass over at most {@code maxMerchants + 1} entries, bounded and allocation-free; none when the key's
 * whole table has expired.
 * <p>
 * The key's slice of its record: the newest event time, then (merchant, last seen) per entry; times are biased so a new
 * key's zeros read as "no event yet, every entry free".
 */
public final class DistinctMerchantsRule extends KeyedStateRule implements TransactionRule
{
    /** Most merchants a rule may allow; bounds the per-key table and so the cost per event. */
    public static final int MAX_MERCHANTS_LIMIT = 32;

    private final TransactionKey key;
    private final int maxMerchants;
    private final DistinctValuesRecord merchants;

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
        super(id, name, action, key.stateKey(), table(maxMerchants, windowNs).stateBytes(), maxKeys);
        if (maxMerchants < 1 || maxMerchants > MAX_MERCHANTS_LIMIT || windowNs <= 0)
        {
            throw new IllegalArgumentException("maxMerchants=" + maxMerchants + " must be in [1, " +
                MAX_MERCHANTS_LIMIT + "] and windowNs=" + windowNs + " positive");
        }
        this.key = key;
        this.maxMerchants = maxMerchants;
        this.merchants = table(maxMerchants, windowNs);
    }

    private static DistinctValuesRecord table(final int maxMerchants, final long windowNs)
    {
        final int entries = Math.max(1, Math.min(maxMerchants, MAX_MERCHANTS_LIMIT) + 1);
        return DistinctValuesRecord.slidingWithEveryEvent(Math.max(1, windowNs), entries);
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
        final int live = merchants.add(state, txn.eventTimeNs(), txn.merchantId());
        if (live <= maxMerchants)
        {
            // Also a late event (-1): older than the key's window, it counts nowhere and passes.
            return RuleResult.PASSED;
        }
        return hit.set(keyValue, live, maxMerchants, merchants.newestWindowStartNs(state),
            merchants.newestWindowEndNs(state));
    }
}
