package dev.vigil.core.state;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The copy-on-write copy of a record store against a model: writes to old and new keys (some beyond the capacity)
 * interleaved at random with copy steps of random size and a bounded sink whose writer drains at random, then the
 * copy finished. The entries the sink got, put together by ordinal, are byte for byte the store as it was when the
 * copy began, each ordinal exactly once; put back into a fresh store in the order they came, they give that store
 * back, ordinals included; a second copy right after is right too; and the live store holds every write. In
 * persisted Chronicle Map files, as the engine keeps its keyed state, and in process memory.
 */
class RecordCopyPropertyTest
{
    private static final int MAX_KEYS = 40;
    private static final int KEY_RANGE = 48;
    private static final int RECORD_BYTES = 44;
    private static final int WORDS = RECORD_BYTES / Long.BYTES;
    private static final int STORE_ID = 3;

    /** What a scenario does after the copy began. */
    enum Kind
    {
        WRITE, STEP, DRAIN, ZERO
    }

    /**
     * One operation: a write of a word of a key's record, a copy step of about n bytes, a drain of n entries, or the
     * zeroing of n words from a word in every record (as a rules update does; it finishes the copy first).
     */
    record Op(Kind kind, int key, int word, long value, int n)
    {
    }

    /** Writes before the copy begins, the sink's capacity in entries, what follows, and the kind of store. */
    record Scenario(List<Op> before, int sinkCapacity, List<Op> during, boolean chronicle)
    {
    }

    @Property(tries = 150)
    void theCopyIsTheStoreAsItWasWhenTheCopyBegan(@ForAll("scenarios") final Scenario scenario) throws IOException
    {
        assertNull(run(scenario, false));
    }

    /**
     * The check has teeth: a record written without {@link RecordStore#recordAddress} (the address kept from before
     * the copy began, as no caller may) is not copied first, and the copy then holds the new bytes.
     */
    @Example
    void aWriteThatSkipsTheCopyBeforeItIsCaught() throws IOException
    {
        final List<Op> before = new ArrayList<>();
        for (int key = 0; key < 10; key++)
        {
            before.add(new Op(Kind.WRITE, key, 0, key + 1, 0));
        }
        final List<Op> during = List.of(new Op(Kind.WRITE, 7, 0, 1234, 0), new Op(Kind.STEP, 0, 0, 0, 1 << 20));
        final Scenario scenario = new Scenario(before, 4, during, true);

        assertNull(run(scenario, false));
        final String mismatch = run(scenario, true);
        assertNotNull(mismatch);
        assertTrue(mismatch.contains("ordinal 7"), mismatch);
    }

    /**
     * @return null when the copy, the restore and the live store are right, otherwise what is wrong.
     */
    private static String run(final Scenario scenario, final boolean skipCopyBeforeWrite) throws IOException
    {
        final Path dir = Files.createTempDirectory("vigil-record-copy");
        try (RecordStore store = open(scenario.chronicle(), dir.resolve("live.cmap"));
            RecordStore restored = open(scenario.chronicle(), dir.resolve("restored.cmap")))
        {
            final Map<Long, long[]> model = new HashMap<>();
            for (final Op op : scenario.before())
            {
                write(store, model, op, false);
            }
            final byte[] atPoint = snapshot(store);
            final int sizeAtPoint = store.size();

            final BoundedSink sink = new BoundedSink(scenario.sinkCapacity());
            assertEquals(sizeAtPoint, store.beginCopy(STORE_ID, sink));
            for (final Op op : scenario.during())
            {
                switch (op.kind())
                {
                    case WRITE -> write(store, model, op, skipCopyBeforeWrite);
                    case STEP -> store.copyStep(op.n());
                    case DRAIN -> sink.drain(op.n());
                    case ZERO -> zero(store, model, op);
                    default -> throw new IllegalStateException();
                }
            }
            store.finishCopy();
            assertFalse(store.isCopying());
            sink.drain(Integer.MAX_VALUE);

            final String wrong = checkEntries(sink.written, sizeAtPoint, atPoint);
            if (wrong != null)
            {
                return wrong;
            }

            restored.beginRestore();
            for (final Entry entry : sink.written)
            {
                restored.restoreRecord(entry.ordinal, entry.key, new DataInputStream(new ByteArrayInputStream(
                    entry.record)));
            }
            restored.endRestore(sink.written.size());
            assertArrayEquals(atPoint, snapshot(restored), "restored store, ordinals included");
            // The restored store goes on as the original would have from the point: a new key gets the next ordinal.
            if (sizeAtPoint < MAX_KEYS)
            {
                restored.recordAddress(Long.MIN_VALUE);
                assertEquals(sizeAtPoint + 1, restored.size());
            }

            // A second copy of the same store, as the next snapshot makes: the first left nothing behind.
            final byte[] atSecondPoint = snapshot(store);
            final int sizeAtSecondPoint = store.size();
            final BoundedSink second = new BoundedSink(scenario.sinkCapacity());
            store.beginCopy(STORE_ID, second);
            for (final Op op : scenario.during())
            {
                switch (op.kind())
                {
                    case WRITE -> write(store, model, op, false);
                    case STEP -> store.copyStep(op.n());
                    case DRAIN -> second.drain(op.n());
                    default -> store.copyStep(1);
                }
            }
            store.finishCopy();
            second.drain(Integer.MAX_VALUE);
            final String wrongSecond = checkEntries(second.written, sizeAtSecondPoint, atSecondPoint);
            if (wrongSecond != null)
            {
                return "second copy: " + wrongSecond;
            }

            for (final Map.Entry<Long, long[]> entry : model.entrySet())
            {
                final long address = store.findRecord(entry.getKey());
                for (int word = 0; word < WORDS; word++)
                {
                    assertEquals(entry.getValue()[word], RecordWords.get(address, word), "live key " + entry.getKey());
                }
            }
            assertEquals(model.size(), store.size());
            return null;
        }
        finally
        {
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private static RecordStore open(final boolean chronicle, final Path file) throws IOException
    {
        return chronicle ? ChronicleRecordStore.open(file, MAX_KEYS, RECORD_BYTES) :
            new NativeRecordStore(MAX_KEYS, RECORD_BYTES);
    }

    private static void write(final RecordStore store, final Map<Long, long[]> model, final Op op, final boolean sneak)
    {
        final long found = store.findRecord(op.key());
        final long address = sneak && found != RecordStore.FULL ? found : store.recordAddress(op.key());
        if (address == RecordStore.FULL)
        {
            assertEquals(MAX_KEYS, store.size(), "refused only when full");
            return;
        }
        RecordWords.put(address, op.word(), op.value());
        model.computeIfAbsent((long)op.key(), k -> new long[WORDS])[op.word()] = op.value();
    }

    private static void zero(final RecordStore store, final Map<Long, long[]> model, final Op op)
    {
        final int words = Math.min(op.n(), WORDS - op.word());
        store.zeroSlice(op.word() * Long.BYTES, words * Long.BYTES);
        assertFalse(store.isCopying(), "zeroing finishes the copy first");
        for (final long[] record : model.values())
        {
            Arrays.fill(record, op.word(), op.word() + words, 0L);
        }
    }

    /** The store in the layout of {@link RecordStore#writeTo}: its records in ordinal order. */
    private static byte[] snapshot(final RecordStore store) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static String checkEntries(final List<Entry> entries, final int sizeAtPoint, final byte[] atPoint)
        throws IOException
    {
        final Entry[] byOrdinal = new Entry[sizeAtPoint];
        for (final Entry entry : entries)
        {
            if (entry.storeId != STORE_ID || entry.ordinal < 0 || entry.ordinal >= sizeAtPoint)
            {
                return "entry of store " + entry.storeId + " ordinal " + entry.ordinal + " is not in the copy";
            }
            if (byOrdinal[entry.ordinal] != null)
            {
                return "ordinal " + entry.ordinal + " copied twice";
            }
            byOrdinal[entry.ordinal] = entry;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAX_KEYS);
        out.writeInt(RECORD_BYTES);
        out.writeInt(sizeAtPoint);
        for (int ordinal = 0; ordinal < sizeAtPoint; ordinal++)
        {
            if (byOrdinal[ordinal] == null)
            {
                return "ordinal " + ordinal + " never copied";
            }
            out.writeLong(byOrdinal[ordinal].key);
            out.write(byOrdinal[ordinal].record);
        }
        final byte[] copy = bytes.toByteArray();
        if (!Arrays.equals(atPoint, copy))
        {
            final int entryBytes = Long.BYTES + RECORD_BYTES;
            final int at = Arrays.mismatch(atPoint, copy);
            return "the copy differs from the store at the point in the entry of ordinal " +
                (at - 3 * Integer.BYTES) / entryBytes;
        }
        return null;
    }

    /** One entry as the sink got it. */
    private record Entry(int storeId, int ordinal, long key, byte[] record)
    {
    }

    /**
     * Holds at most capacity entries until drained, as a ring between the rules thread and a file writer would; a
     * {@link #put} into a full sink lets the writer drain one entry first, as the real one waits for it.
     */
    private static final class BoundedSink implements RecordCopySink
    {
        private final int capacity;
        private final ArrayDeque<Entry> held = new ArrayDeque<>();
        private final List<Entry> written = new ArrayList<>();

        BoundedSink(final int capacity)
        {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            if (held.size() == capacity)
            {
                return false;
            }
            held.add(entry(storeId, ordinal, key, address, length));
            return true;
        }

        @Override
        public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            if (held.size() == capacity)
            {
                drain(1);
            }
            held.add(entry(storeId, ordinal, key, address, length));
            return true;
        }

        private static Entry entry(final int storeId, final int ordinal, final long key, final long address,
            final int length)
        {
            final byte[] record = new byte[length];
            new UnsafeBuffer(address, length).getBytes(0, record);
            return new Entry(storeId, ordinal, key, record);
        }

        void drain(final int entries)
        {
            for (int i = 0; i < entries && !held.isEmpty(); i++)
            {
                written.add(held.poll());
            }
        }

        @Override
        public boolean isAbandoned()
        {
            return false;
        }

        @Override
        public void abandon()
        {
            throw new AssertionError("nothing abandons this copy");
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<Op> writes = Combinators.combine(
            Arbitraries.integers().between(0, KEY_RANGE - 1),
            Arbitraries.integers().between(0, WORDS - 1),
            Arbitraries.longs())
            .as((key, word, value) -> new Op(Kind.WRITE, key, word, value, 0));
        final Arbitrary<Op> steps = Arbitraries.integers().between(1, 8 * RECORD_BYTES)
            .map(bytes -> new Op(Kind.STEP, 0, 0, 0, bytes));
        final Arbitrary<Op> drains = Arbitraries.integers().between(1, 6).map(n -> new Op(Kind.DRAIN, 0, 0, 0, n));
        final Arbitrary<Op> zeroes = Combinators.combine(
            Arbitraries.integers().between(0, WORDS - 1), Arbitraries.integers().between(1, WORDS))
            .as((word, words) -> new Op(Kind.ZERO, 0, word, 0, words));
        final Arbitrary<Op> during = Arbitraries.frequencyOf(
            Tuple.of(60, writes), Tuple.of(20, steps), Tuple.of(20, drains), Tuple.of(1, zeroes));
        return Combinators.combine(
            writes.list().ofMaxSize(120),
            Arbitraries.integers().between(1, 8),
            during.list().ofMaxSize(150),
            Arbitraries.of(true, false))
            .as(Scenario::new);
    }
}
