package dev.vigil.core.rules;

import dev.vigil.core.state.ChronicleRecordStore;
import dev.vigil.core.state.NativeRecordStore;
import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.state.RecordStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The shared keyed state of a rule set: one {@link RecordStore} per {@link StateKey} that some rule uses, each
 * record holding a slice per rule of that key, so an event reaches each of its keys' state through one index probe
 * and one record, whatever the number of rules ({@link KeyedStateRule#bindState}).
 * <p>
 * Layout: a store's records are as long as its rules' slices together (8-byte aligned), rounded up to a cache line
 * so a rules update has some room; at most {@code maxRecordBytes}. A rules update keeps the slices (and state) of
 * rules it leaves unchanged and gives new and changed rules free ranges, zeroed over every record — a pause
 * proportional to the keys held, for a rare admin action. An update whose rules do not fit the records is refused.
 * <p>
 * The stores are snapshot state: {@link #writeLayout} writes each store's layout at the snapshot point and
 * {@link #beginCopy} begins a copy-on-write of their records, which goes on while the rules run; {@link #readLayout}
 * rebinds the rules to the recorded layout and {@link #readRecords} puts the records back at their ordinals. Owned by
 * the rules thread.
 * <p>
 * Where slices lie is worked out by {@link SliceLayout}; loading records ahead of the rules is the
 * {@link StatePrefetcher}'s job.
 */
public final class KeyedStateStores implements AutoCloseable
{
    private final StoreOpener opener;
    private final int maxKeys;
    private final int maxRecordBytes;
    private final Map<StateKey, RecordStore> stores = new EnumMap<>(StateKey.class);
    private final RecordStore[] storesByKey = new RecordStore[StateKey.values().length];
    private final StatePrefetcher prefetcher = new StatePrefetcher(storesByKey);
    /** The sink of the copy in progress, null when none. */
    private RecordCopySink copySink;
    /** Per state key, the records a restore expects; -1 for a store the snapshot does not hold. */
    private final int[] restoreCounts = new int[StateKey.values().length];

    /**
     * Opens the record store of one state key.
     */
    @FunctionalInterface
    public interface StoreOpener
    {
        /**
         * @param stateKey    what the records are kept by.
         * @param maxKeys     most keys.
         * @param recordBytes bytes per record.
         * @return an empty store.
         * @throws IOException when it cannot be opened.
         */
        RecordStore open(StateKey stateKey, int maxKeys, int recordBytes) throws IOException;
    }

    /**
     * @param dir where the map files live, e.g. {@code data.dir/state}.
     * @return stores in persisted Chronicle Map files named after the state key and sizes. A file left from an
     * earlier run is deleted first: the engine's state comes from its snapshot and journal, and the file may be
     * ahead of both.
     */
    public static StoreOpener persistedIn(final Path dir)
    {
        return (stateKey, maxKeys, recordBytes) ->
        {
            final Path file = dir.resolve(ChronicleRecordStore.fileName(stateKey.displayName(), maxKeys, recordBytes));
            Files.deleteIfExists(file);
            return ChronicleRecordStore.open(file, maxKeys, recordBytes);
        };
    }

    /**
     * Delete the map files {@link #persistedIn} keeps in a directory, and the directory once empty; a file that cannot
     * be deleted is left, as nothing reads it.
     *
     * @param dir where the map files live, e.g. {@code data.dir/state}.
     * @return files deleted.
     */
    public static int deleteFilesIn(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ChronicleRecordStore.FILE_SUFFIX))
        {
            for (final Path file : files)
            {
                if (Files.deleteIfExists(file))
                {
                    deleted++;
                }
            }
            try (DirectoryStream<Path> left = Files.newDirectoryStream(dir))
            {
                if (!left.iterator().hasNext())
                {
                    Files.delete(dir);
                }
            }
        }
        catch (final IOException | DirectoryIteratorException ex)
        {
            // Left where they are: nothing reads them.
        }
        return deleted;
    }

    /**
     * @return stores in Chronicle Maps in process memory, off the heap with no file behind them: the engine's
     * default, as the files are never read back and their write-back costs the rules stage page faults at scale.
     */
    public static StoreOpener chronicleInMemory()
    {
        return (stateKey, maxKeys, recordBytes) ->
            ChronicleRecordStore.inMemory(stateKey.displayName(), maxKeys, recordBytes);
    }

    /**
     * @return stores in process memory, for offline runs (replay, what-if) that must not touch an engine's files.
     */
    public static StoreOpener inMemory()
    {
        return (stateKey, maxKeys, recordBytes) -> new NativeRecordStore(maxKeys, recordBytes);
    }

    /**
     * Open the stores the rules need and move every keyed rule's state into them.
     *
     * @param rules          the rules in force.
     * @param maxKeys        most keys per store.
     * @param maxRecordBytes most bytes of a record.
     * @param opener         opens each store.
     * @throws IllegalArgumentException naming the state key when its rules need more than maxRecordBytes.
     * @throws IOException when a store cannot be opened.
     */
    public KeyedStateStores(
        final RuleSet rules, final int maxKeys, final int maxRecordBytes, final StoreOpener opener) throws IOException
    {
        this.opener = opener;
        this.maxKeys = maxKeys;
        this.maxRecordBytes = maxRecordBytes;
        // Every size checked before any file is opened.
        final Map<StateKey, Integer> recordBytes = SliceLayout.recordSizes(rules, maxRecordBytes);
        for (final Map.Entry<StateKey, Integer> entry : recordBytes.entrySet())
        {
            stores.put(entry.getKey(), openStore(entry.getKey(), entry.getValue()));
        }
        refreshStoresByKey();
        for (final KeyedStateRule rule : SliceLayout.keyedRules(rules))
        {
            rule.bindState(stores.get(rule.stateKey()), SliceLayout.freshOffset(rules, rule));
        }
        refreshSliceLines(rules);
    }

    private RecordStore openStore(final StateKey stateKey, final int recordBytes) throws IOException
    {
        try
        {
            return opener.open(stateKey, maxKeys, recordBytes);
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @param rules          some rules.
     * @param maxRecordBytes most bytes of a record.
     * @return the record size of each state key the rules use.
     * @throws IllegalArgumentException naming the state key when its rules need more than maxRecordBytes.
     */
    public static Map<StateKey, Integer> recordSizes(final RuleSet rules, final int maxRecordBytes)
    {
        return SliceLayout.recordSizes(rules, maxRecordBytes);
    }

    /**
     * Move the state of a rules update's rules into the stores: rules it keeps (the same instances as in the rules
     * in force) keep their slices; the others get free ranges, zeroed in every record, which gives up a copy of the
     * records in progress ({@link #abandonCopy}). Nothing changes when it returns false.
     *
     * @param next     the rules update's rules.
     * @param previous the rules in force.
     * @return false when a new rule's state does not fit its store's records (or its state key has no store).
     */
    public boolean bind(final RuleSet next, final RuleSet previous)
    {
        final List<KeyedStateRule> fresh = new ArrayList<>();
        final Map<StateKey, List<int[]>> taken = new EnumMap<>(StateKey.class);
        for (final KeyedStateRule rule : SliceLayout.keyedRules(next))
        {
            final RecordStore store = stores.get(rule.stateKey());
            if (previous.ruleById(rule.id()) == rule && rule.stateStore() == store)
            {
                taken.computeIfAbsent(rule.stateKey(), k -> new ArrayList<>())
                    .add(new int[]{rule.stateOffset(), rule.stateOffset() + SliceLayout.sliceBytes(rule)});
            }
            else
            {
                fresh.add(rule);
            }
        }

        final int[] offsets = new int[fresh.size()];
        for (int i = 0; i < fresh.size(); i++)
        {
            final KeyedStateRule rule = fresh.get(i);
            final RecordStore store = stores.get(rule.stateKey());
            if (store == null)
            {
                return false;
            }
            final List<int[]> ranges = taken.computeIfAbsent(rule.stateKey(), k -> new ArrayList<>());
            offsets[i] = SliceLayout.firstFit(ranges, SliceLayout.sliceBytes(rule), store.recordBytes());
            if (offsets[i] < 0)
            {
                return false;
            }
            ranges.add(new int[]{offsets[i], offsets[i] + SliceLayout.sliceBytes(rule)});
        }

        if (!fresh.isEmpty())
        {
            // Zeroing writes every record: a copy in progress would have to be finished first, a stop as long as its
            // sink takes to drain; given up instead, its snapshot is taken again after the update.
            abandonCopy();
        }
        for (int i = 0; i < fresh.size(); i++)
        {
            final KeyedStateRule rule = fresh.get(i);
            final RecordStore store = stores.get(rule.stateKey());
            store.zeroSlice(offsets[i], rule.stateBytes());
            rule.bindState(store, offsets[i]);
        }
        refreshSliceLines(next);
        return true;
    }

    private void refreshSliceLines(final RuleSet rules)
    {
        for (final StateKey stateKey : StateKey.values())
        {
            prefetcher.sliceHeadLines(stateKey, SliceLayout.sliceHeadLines(rules, stores.get(stateKey)));
        }
    }

    private void refreshStoresByKey()
    {
        for (final StateKey stateKey : StateKey.values())
        {
            storesByKey[stateKey.ordinal()] = stores.get(stateKey);
        }
    }

    /**
     * @return keys held, all stores together; moves whenever a store adds a key or is reloaded with other keys.
     */
    public long keysHeld()
    {
        long keys = 0;
        for (final RecordStore store : storesByKey)
        {
            if (store != null)
            {
                keys += store.size();
            }
        }
        return keys;
    }

    /**
     * @return what loads the stores' records ahead of the rules.
     */
    public StatePrefetcher prefetcher()
    {
        return prefetcher;
    }

    /**
     * @param stateKey a state key.
     * @return its store, or null when no rule uses it.
     */
    public RecordStore store(final StateKey stateKey)
    {
        return stores.get(stateKey);
    }

    /**
     * Write each store's record size, the slice of each rule bound to it, its capacity and its number of records:
     * everything of the stores but the records, which {@link #beginCopy} then copies.
     *
     * @param out   where to write.
     * @param rules the rules in force.
     * @throws IOException when writing fails.
     */
    public void writeLayout(final DataOutput out, final RuleSet rules) throws IOException
    {
        out.writeInt(stores.size());
        for (final Map.Entry<StateKey, RecordStore> entry : stores.entrySet())
        {
            final RecordStore store = entry.getValue();
            out.writeInt(entry.getKey().ordinal());
            out.writeInt(store.recordBytes());
            final List<KeyedStateRule> bound = new ArrayList<>();
            for (final KeyedStateRule rule : SliceLayout.keyedRules(rules))
            {
                if (rule.stateStore() == store)
                {
                    bound.add(rule);
                }
            }
            out.writeInt(bound.size());
            for (final KeyedStateRule rule : bound)
            {
                out.writeInt(rule.id());
                out.writeInt(rule.stateOffset());
            }
            out.writeInt(store.capacity());
            out.writeInt(store.size());
        }
    }

    /**
     * Begin copying every store's records as they are now into a sink ({@link RecordStore#beginCopy}), each entry
     * marked with its state key's ordinal: the rest of the snapshot whose layout {@link #writeLayout} wrote just
     * before, with nothing changed in between. The copy goes on in {@link #copyStep} and in the writes of the rules.
     *
     * @param sink where the records go.
     * @return records to copy, all stores together.
     * @throws IllegalStateException when a copy is in progress.
     */
    public long beginCopy(final RecordCopySink sink)
    {
        if (isCopying())
        {
            throw new IllegalStateException("a copy of the keyed records is in progress");
        }
        long records = 0;
        for (final Map.Entry<StateKey, RecordStore> entry : stores.entrySet())
        {
            records += entry.getValue().beginCopy(entry.getKey().ordinal(), sink);
        }
        copySink = sink;
        return records;
    }

    /**
     * @return true while some store has records left to copy.
     */
    public boolean isCopying()
    {
        if (copySink == null)
        {
            return false;
        }
        for (final RecordStore store : storesByKey)
        {
            if (store != null && store.isCopying())
            {
                return true;
            }
        }
        copySink = null;
        return false;
    }

    /**
     * Copy about maxBytes of records not copied yet, store after store, as far as the sink takes them now.
     *
     * @param maxBytes bytes of records to copy at most, rounded up to a whole record.
     * @return records copied, plus the writes the sink made instead of taking some
     *         ({@link RecordCopySink#takeWritesDone}).
     */
    public int copyStep(final int maxBytes)
    {
        final RecordCopySink sink = copySink;
        int copied = 0;
        long bytes = 0;
        for (final RecordStore store : storesByKey)
        {
            if (store != null && store.isCopying())
            {
                final int n = store.copyStep((int)Math.max(1, maxBytes - bytes));
                copied += n;
                bytes += (long)n * store.recordBytes();
                if (store.isCopying() || bytes >= maxBytes)
                {
                    // The sink is full, or the budget spent.
                    break;
                }
            }
        }
        return sink != null ? copied + sink.takeWritesDone() : copied;
    }

    /**
     * Copy every record left to copy now, waiting on the sink for room.
     */
    public void finishCopy()
    {
        for (final RecordStore store : storesByKey)
        {
            if (store != null)
            {
                store.finishCopy();
            }
        }
        copySink = null;
    }

    /**
     * Stop a copy in progress without copying the rest, and tell its sink no more entries will come.
     */
    public void abandonCopy()
    {
        final RecordCopySink sink = copySink;
        for (final RecordStore store : storesByKey)
        {
            if (store != null)
            {
                store.abandonCopy();
            }
        }
        copySink = null;
        if (sink != null)
        {
            sink.abandon();
        }
    }

    /**
     * Read what {@link #writeLayout} wrote: bind the rules to the slices recorded, empty every store (a store whose
     * record size differs is opened afresh with the recorded size), and expect the records for
     * {@link #readRecords}. A copy in progress is finished first.
     *
     * @param in    where to read.
     * @param rules the rules the state belongs to (built from the same rules text).
     * @throws IOException when reading fails or the state does not fit the rules.
     */
    public void readLayout(final DataInput in, final RuleSet rules) throws IOException
    {
        finishCopy();
        final int count = in.readInt();
        final StateKey[] keys = StateKey.values();
        if (count < 0 || count > keys.length)
        {
            throw new IOException("keyed state of " + count + " stores");
        }
        Arrays.fill(restoreCounts, -1);
        for (int i = 0; i < count; i++)
        {
            final int ordinal = in.readInt();
            final int recordBytes = in.readInt();
            if (ordinal < 0 || ordinal >= keys.length || recordBytes < 1 || recordBytes > maxRecordBytes ||
                restoreCounts[ordinal] >= 0)
            {
                throw new IOException("keyed state of key " + ordinal + " with records of " + recordBytes +
                    " bytes (rules.state.max.record.bytes=" + maxRecordBytes + ")");
            }
            final StateKey stateKey = keys[ordinal];
            RecordStore store = stores.get(stateKey);
            if (store == null || store.recordBytes() != recordBytes)
            {
                if (store != null)
                {
                    store.close();
                }
                store = opener.open(stateKey, maxKeys, recordBytes);
                stores.put(stateKey, store);
                refreshStoresByKey();
            }
            final int slices = in.readInt();
            for (int s = 0; s < slices; s++)
            {
                final int ruleId = in.readInt();
                final int offset = in.readInt();
                final Rule rule = rules.ruleById(ruleId);
                if (!(rule instanceof KeyedStateRule) || ((KeyedStateRule)rule).stateKey() != stateKey)
                {
                    throw new IOException("keyed state of rule " + ruleId + ", which keeps no " +
                        stateKey.displayName() + " state");
                }
                try
                {
                    ((KeyedStateRule)rule).bindState(store, offset);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IOException(ex.getMessage(), ex);
                }
            }
            final int capacity = in.readInt();
            final int records = in.readInt();
            // The capacity is part of the state, as the point where keys start to be refused.
            if (capacity != store.capacity() || records < 0 || records > capacity)
            {
                throw new IOException(records + " " + stateKey.displayName() + " records from a store of " +
                    capacity + " keys do not fit a store of " + store.capacity() + " keys");
            }
            store.beginRestore();
            restoreCounts[ordinal] = records;
        }
        for (final KeyedStateRule rule : SliceLayout.keyedRules(rules))
        {
            if (restoreCounts[rule.stateKey().ordinal()] < 0 || stores.get(rule.stateKey()) != rule.stateStore())
            {
                throw new IOException("no keyed state recorded for rule " + rule.id());
            }
        }
        refreshSliceLines(rules);
        for (final Map.Entry<StateKey, RecordStore> entry : stores.entrySet())
        {
            if (restoreCounts[entry.getKey().ordinal()] < 0)
            {
                entry.getValue().clear();
            }
        }
    }

    /**
     * Read the records whose layout {@link #readLayout} read, in any order, each put back at its ordinal.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the records are not those the layout announced.
     */
    public void readRecords(final DataInput in) throws IOException
    {
        long expected = 0;
        for (final int records : restoreCounts)
        {
            expected += Math.max(0, records);
        }
        final int[] left = restoreCounts.clone();
        for (long i = 0; i < expected; i++)
        {
            final int storeId = in.readInt();
            final int ordinal = in.readInt();
            final long key = in.readLong();
            if (storeId < 0 || storeId >= left.length || left[storeId] <= 0 || ordinal < 0 ||
                ordinal >= restoreCounts[storeId])
            {
                throw new IOException("record " + i + " of " + expected + ": ordinal " + ordinal + " of store " +
                    storeId + " is not one the snapshot holds");
            }
            storesByKey[storeId].restoreRecord(ordinal, key, in);
            left[storeId]--;
        }
        for (int storeId = 0; storeId < restoreCounts.length; storeId++)
        {
            if (restoreCounts[storeId] >= 0)
            {
                storesByKey[storeId].endRestore(restoreCounts[storeId]);
            }
        }
        Arrays.fill(restoreCounts, -1);
    }

    /**
     * Close every store, giving up a copy in progress; the rules bound to them must not run afterwards.
     */
    @Override
    public void close()
    {
        abandonCopy();
        for (final RecordStore store : stores.values())
        {
            store.close();
        }
    }
}
