package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.RecordStore;
import dev.vigil.core.state.RecordWords;

/**
 * Loads the shared keyed state of events before their rules run, so that the cache misses of several keys, and of
 * several queued events, overlap instead of being waited for one after the other. Changes nothing and adds no key:
 * it only reads the index entries and the first words of each rule's slice of the records. Owned by the rules
 * thread, with the {@link KeyedStateStores} it reads.
 */
public final class StatePrefetcher
{
    /** Most events whose keys can be queued for {@link #loadQueuedRecords} at a time. */
    public static final int MAX_QUEUED_EVENTS = 1024;

    /** The stores by state key ordinal, null where no rule keeps state; the array is the stores', kept current. */
    private final RecordStore[] storesByKey;
    /** Per state key, the record offsets loaded: where each slice's first 64 bytes start and end. */
    private final int[][] sliceLinesByKey = new int[StateKey.values().length][0];
    /** Keys of the events queued behind the current one, for {@link #loadQueuedRecords}: up to three per event. */
    private final long[] queuedKeys = new long[MAX_QUEUED_EVENTS * 3];
    private final int[] queuedOrdinals = new int[queuedKeys.length];
    private final long[] queuedAddresses = new long[queuedKeys.length];
    private int queued;
    private boolean enabled = true;
    private long loaded;

    StatePrefetcher(final RecordStore[] storesByKey)
    {
        this.storesByKey = storesByKey;
    }

    /**
     * The rules bound to a state key's store changed: load the heads of their slices from now on.
     */
    void sliceHeadLines(final StateKey stateKey, final int[] lines)
    {
        sliceLinesByKey[stateKey.ordinal()] = lines;
    }

    /**
     * @param enabled whether {@link #prefetch(TransactionDecoder)} and the loads of queued keys do anything (on by
     *                default; off to measure what they save).
     */
    public void enabled(final boolean enabled)
    {
        this.enabled = enabled;
    }

    /**
     * Before the rules of a transaction run: probe the index of each of its keys and load the first word of each
     * rule's slice of its record, back to back. With many keys each is a cache miss; issued together the misses
     * overlap (the loads do not depend on each other), where the rules, asking one key after the other, would wait
     * for them in turn.
     *
     * @param txn the transaction.
     */
    public void prefetch(final TransactionDecoder txn)
    {
        if (enabled)
        {
            loaded += touch(StateKey.ACCOUNT, StateKey.ACCOUNT.of(txn)) +
                touch(StateKey.CARD, StateKey.CARD.of(txn)) + touch(StateKey.MERCHANT, StateKey.MERCHANT.of(txn));
        }
    }

    /**
     * As {@link #prefetch(TransactionDecoder)}, for an order's account, instrument and account-instrument pair.
     *
     * @param order the order.
     */
    public void prefetch(final OrderDecoder order)
    {
        if (enabled)
        {
            loaded += touch(StateKey.ACCOUNT_ORDERS, StateKey.ACCOUNT_ORDERS.of(order)) +
                touch(StateKey.INSTRUMENT, StateKey.INSTRUMENT.of(order)) +
                touch(StateKey.ACCOUNT_INSTRUMENT, StateKey.ACCOUNT_INSTRUMENT.of(order));
        }
    }

    /**
     * Queue the keys of a transaction behind the current input, for {@link #loadQueuedIndexEntries} then
     * {@link #loadQueuedRecords}.
     *
     * @param txn a transaction queued in the ring.
     */
    public void queue(final TransactionDecoder txn)
    {
        queue(StateKey.ACCOUNT, StateKey.ACCOUNT.of(txn));
        queue(StateKey.CARD, StateKey.CARD.of(txn));
        queue(StateKey.MERCHANT, StateKey.MERCHANT.of(txn));
    }

    /**
     * As {@link #queue(TransactionDecoder)}, for an order's account, instrument and account-instrument pair.
     *
     * @param order an order queued in the ring.
     */
    public void queue(final OrderDecoder order)
    {
        queue(StateKey.ACCOUNT_ORDERS, StateKey.ACCOUNT_ORDERS.of(order));
        queue(StateKey.INSTRUMENT, StateKey.INSTRUMENT.of(order));
        queue(StateKey.ACCOUNT_INSTRUMENT, StateKey.ACCOUNT_INSTRUMENT.of(order));
    }

    private void queue(final StateKey stateKey, final long key)
    {
        if (storesByKey[stateKey.ordinal()] != null && queued < queuedKeys.length)
        {
            queuedOrdinals[queued] = stateKey.ordinal();
            queuedKeys[queued++] = key;
        }
    }

    /**
     * Load the index entry of every queued key, in a loop that does nothing else: a loop that small keeps the loads
     * of many keys in flight at once, so the cache misses of several events overlap (a loop that also decoded events
     * would fill the processor's window with one event's work). Then {@link #loadQueuedRecords}.
     */
    public void loadQueuedIndexEntries()
    {
        if (enabled)
        {
            long sum = 0;
            for (int i = 0; i < queued; i++)
            {
                sum += storesByKey[queuedOrdinals[i]].loadIndexEntry(queuedKeys[i]);
            }
            loaded += sum;
        }
    }

    /**
     * Load the records of every queued key as {@link #prefetch} does, in the same kind of tight loops, and empty the
     * queue.
     */
    public void loadQueuedRecords()
    {
        if (enabled)
        {
            for (int i = 0; i < queued; i++)
            {
                queuedAddresses[i] = storesByKey[queuedOrdinals[i]].findRecord(queuedKeys[i]);
            }
            long sum = 0;
            for (int i = 0; i < queued; i++)
            {
                sum += loadSliceHeads(queuedOrdinals[i], queuedAddresses[i]);
            }
            loaded += sum;
        }
        queued = 0;
    }

    /**
     * @return a sum of the words loaded; meaningless, kept so the loads are not optimised away.
     */
    public long loaded()
    {
        return loaded;
    }

    private long touch(final StateKey stateKey, final long key)
    {
        final RecordStore store = storesByKey[stateKey.ordinal()];
        if (store == null)
        {
            return 0;
        }
        return loadSliceHeads(stateKey.ordinal(), store.findRecord(key));
    }

    /**
     * Load the first 64 bytes of each rule's slice of a record. The words are summed into a field by the callers so
     * that the loads are kept; nothing reads the sum.
     */
    private long loadSliceHeads(final int stateKeyOrdinal, final long record)
    {
        if (record == RecordStore.FULL)
        {
            return 0;
        }
        long sum = 0;
        for (final int line : sliceLinesByKey[stateKeyOrdinal])
        {
            sum += RecordWords.get(record + line, 0);
        }
        return sum;
    }
}
