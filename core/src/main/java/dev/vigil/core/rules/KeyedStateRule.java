package dev.vigil.core.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.state.NativeRecordStore;
import dev.vigil.core.state.RecordStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Base of rules that keep a fixed number of bytes of state per key in a {@link RecordStore} record: the rule asks
 * {@link #stateOf(long)} for the address of its slice of a key's record and reads and writes its words there, so
 * nothing is allocated per event and a key's state costs one index probe plus the record itself.
 * <p>
 * A rule starts with a record store of its own (in process memory, created on first use so that building rules
 * that will be bound costs nothing), which its snapshot state holds. An engine with
 * persisted keyed state moves it with {@link #bindState} to a slice of the shared record of its {@link StateKey}:
 * the engine then snapshots the shared store, and the rule's own snapshot state is empty. A new key's slice is
 * zero, so every rule's layout reads zero as "nothing seen yet".
 */
public abstract class KeyedStateRule extends NamedRule
{
    private final StateKey stateKey;
    private final int stateBytes;
    private final int maxKeys;
    private RecordStore ownStore;
    private RecordStore store;
    private int offset;

    /**
     * @param id         rule id.
     * @param name       rule name.
     * @param action     what a message gets when the rule fires.
     * @param stateKey   what the state is kept by.
     * @param stateBytes bytes of state per key.
     * @param maxKeys    most keys of the rule's own store.
     */
    protected KeyedStateRule(
        final int id,
        final String name,
        final RuleAction action,
        final StateKey stateKey,
        final int stateBytes,
        final int maxKeys)
    {
        super(id, name, action);
        this.stateKey = stateKey;
        this.stateBytes = stateBytes;
        this.maxKeys = maxKeys;
        if (maxKeys < 1 || stateBytes < 1)
        {
            throw new IllegalArgumentException("maxKeys=" + maxKeys + " and stateBytes=" + stateBytes +
                " must be at least 1");
        }
    }

    /**
     * @param txn a transaction.
     * @return the key its state is kept by for this rule ({@link StateKey#of(TransactionDecoder)}).
     */
    protected final long keyOf(final TransactionDecoder txn)
    {
        return stateKey.of(txn);
    }

    /**
     * @param order an order.
     * @return the key its state is kept by for this rule ({@link StateKey#of(OrderDecoder)}).
     */
    protected final long keyOf(final OrderDecoder order)
    {
        return stateKey.of(order);
    }

    /**
     * Address of this rule's state for a key, a zeroed slice when the key is new. Ask for it in each event and keep it
     * no longer: while a snapshot's records are being copied, handing the address out is what copies the record
     * before its first write.
     *
     * @param key the key.
     * @return the address, or {@link RecordStore#FULL} when the key is new and the store full.
     */
    protected final long stateOf(final long key)
    {
        final long record = stateStore().recordAddress(key);
        return record == RecordStore.FULL ? RecordStore.FULL : record + offset;
    }

    /**
     * The rule's slice of a key's record for reading only: adds no record, and must not be written (a snapshot copy
     * in progress copies a record before its first write only when it is found through {@link #stateOf}).
     *
     * @param key the key.
     * @return the address of the key's slice, or {@link RecordStore#FULL} when the key has no record.
     */
    protected final long existingStateOf(final long key)
    {
        final long record = stateStore().findRecord(key);
        return record == RecordStore.FULL ? RecordStore.FULL : record + offset;
    }

    /**
     * @return what the state is kept by.
     */
    public final StateKey stateKey()
    {
        return stateKey;
    }

    /**
     * @return bytes of state per key.
     */
    public final int stateBytes()
    {
        return stateBytes;
    }

    /**
     * Keep the state from now on in bytes {@code [offset, offset + stateBytes())} of the records of a shared store,
     * e.g. the persisted store of this rule's state key. What the rule's own store held is not moved.
     *
     * @param shared the store.
     * @param sliceOffset where this rule's bytes start in each record.
     */
    public final void bindState(final RecordStore shared, final int sliceOffset)
    {
        if (sliceOffset < 0 || sliceOffset + stateBytes > shared.recordBytes())
        {
            throw new IllegalArgumentException("slice at " + sliceOffset + " of " + stateBytes +
                " bytes does not fit records of " + shared.recordBytes() + " bytes");
        }
        this.store = shared;
        this.offset = sliceOffset;
    }

    /**
     * @return the store the state is in now.
     */
    public final RecordStore stateStore()
    {
        RecordStore current = store;
        if (current == null)
        {
            current = ownStore = store = new NativeRecordStore(maxKeys, stateBytes);
        }
        return current;
    }

    /**
     * @return where this rule's bytes start in each record of {@link #stateStore()}.
     */
    public final int stateOffset()
    {
        return offset;
    }

    /**
     * Writes the rule's own store; nothing once the state is in a shared store, which its owner writes.
     */
    @Override
    public final void writeState(final DataOutput out) throws IOException
    {
        if (stateStore() == ownStore)
        {
            ownStore.writeTo(out);
        }
        writeRuleState(out);
    }

    @Override
    public final void readState(final DataInput in) throws IOException
    {
        if (stateStore() == ownStore)
        {
            ownStore.readFrom(in);
        }
        readRuleState(in);
    }

    /**
     * State a rule keeps beside its keyed records, written at a snapshot point with the rule's state; none unless
     * overridden.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    protected void writeRuleState(final DataOutput out) throws IOException
    {
    }

    /**
     * Read what {@link #writeRuleState} wrote.
     *
     * @param in where to read.
     * @throws IOException when reading fails.
     */
    protected void readRuleState(final DataInput in) throws IOException
    {
    }

    /**
     * @return keys in the store the state is in: with a shared store, the keys of every rule of the state key.
     */
    @Override
    public final int stateEntries()
    {
        return store == null ? 0 : store.size();
    }

    @Override
    public int stateCapacity()
    {
        return store == null ? maxKeys : store.capacity();
    }
}
