package dev.vigil.core.state;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.UnsafeApi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fixed-size records of keyed state, one per long key, kept off the heap in a Chronicle Map (in a file, or in
 * process memory with no file behind it), and handed out as native addresses so that reading and writing a key's
 * state costs one probe of an on-heap index plus the record itself — never a Chronicle lookup per event (~360 ns at
 * a million keys, against ~190 ns for one random memory load on the machines measured).
 * <p>
 * How: the first time a key is seen, a zeroed record is inserted through a query context and the address of its
 * value in the map's memory (a mapped file, or memory Chronicle allocated) is remembered in the on-heap index of
 * {@link IndexedRecordStore}. The entries are all of one size and never removed one by one, so Chronicle never
 * relocates them: a value stays at its address for as long as the map is open (Chronicle's VanillaChronicleHash maps
 * the segment tiers once at open and each extra tier bulk as a mapping or allocation of its own, kept in a list:
 * nothing is remapped or moved while the map is open). Tests insert up to capacity and check that every address
 * still reads its key's record, for a file also after reopening it.
 * <p>
 * Each record starts with its ordinal (insertion number), then {@code recordBytes} bytes of state, zero for a new
 * key. The ordinals keep the insertion order, which snapshots follow, across reopening a file. Entries are
 * counted here, so a full store answers {@link #FULL} before Chronicle would refuse an insert; Chronicle's
 * {@code entries()} is sized with headroom above the capacity. An insert costs one Chronicle query (a segment lock
 * taken uncontended, as the rules thread is the map's only user). Values are written straight to the map's memory,
 * so Chronicle's entry checksums are off (they would go stale).
 * <p>
 * Not thread safe: owned by the single thread that runs the rules. Addresses are valid until {@link #close()}.
 */
public final class ChronicleRecordStore extends IndexedRecordStore
{
    /** How the names of map files end. */
    public static final String FILE_SUFFIX = ".cmap";
    /** Bytes of each record's header in the map: its ordinal. */
    public static final int HEADER_BYTES = Long.BYTES;

    private final Path file;
    private final int valueBytes;
    private final ChronicleMap<Long, byte[]> map;
    private final BytesStore<?, Void> keyBytes = BytesStore.nativeStoreWithFixedCapacity(Long.BYTES);
    private final BytesStore<?, Void> zeroValue;

    private ChronicleRecordStore(final Path file, final String name, final int maxKeys, final int recordBytes)
        throws IOException
    {
        super(maxKeys, recordBytes);
        this.file = file;
        this.valueBytes = HEADER_BYTES + roundUpToLong(recordBytes);
        this.zeroValue = BytesStore.nativeStoreWithFixedCapacity(valueBytes);
        this.zeroValue.zeroOut(0, valueBytes);
        final ChronicleMapBuilder<Long, byte[]> builder = ChronicleMapBuilder.of(Long.class, byte[].class)
            .name(name)
            .entries(entriesWithHeadroom(maxKeys))
            .constantValueSizeBySample(new byte[valueBytes])
            .entryAndValueOffsetAlignment(Long.BYTES)
            .checksumEntries(false);
        this.map = file == null ? builder.create() : builder.createPersistedTo(file.toFile());
        try
        {
            indexExistingEntries(maxKeys);
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Open the store in a file, creating the file when absent. The file name should tell the record size and
     * capacity apart (see {@link #fileName}), since a file keeps the sizes it was created with.
     *
     * @param file        the map file.
     * @param maxKeys     most keys held.
     * @param recordBytes bytes of state per key, at least 1.
     * @return the open store, holding the file's records.
     * @throws IOException when the file cannot be opened or holds records that do not fit.
     */
    public static ChronicleRecordStore open(final Path file, final int maxKeys, final int recordBytes)
        throws IOException
    {
        checkSizes(maxKeys, recordBytes);
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        return new ChronicleRecordStore(file, file.getFileName().toString(), maxKeys, recordBytes);
    }

    /**
     * Open an empty store in process memory: the same map, off the heap, with no file behind it. Its memory is
     * reserved whole at open and the OS gives it pages as records are first written. Nothing is ever written back
     * to a disk: a file's dirty pages are, and at millions of keys that write-back costs the writer page faults.
     *
     * @param name        what the keys are, e.g. {@code account}, for Chronicle's diagnostics.
     * @param maxKeys     most keys held.
     * @param recordBytes bytes of state per key, at least 1.
     * @return the open store, empty.
     */
    public static ChronicleRecordStore inMemory(final String name, final int maxKeys, final int recordBytes)
    {
        try
        {
            return new ChronicleRecordStore(null, name, maxKeys, recordBytes);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("a new map in memory holds records: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param kind        what the keys are, e.g. {@code account}.
     * @param maxKeys     most keys.
     * @param recordBytes bytes per record.
     * @return a file name that differs whenever the sizes do, e.g. {@code account-65536x64.cmap}.
     */
    public static String fileName(final String kind, final int maxKeys, final int recordBytes)
    {
        return kind + "-" + maxKeys + "x" + recordBytes + FILE_SUFFIX;
    }

    /**
     * Chronicle spreads entries over segments by hash, so a segment can fill before the whole map does; a quarter
     * more entries than keys keeps that rare, and segment tiering covers the rest.
     */
    private static long entriesWithHeadroom(final int maxKeys)
    {
        return maxKeys + maxKeys / 4L + 64;
    }

    @Override
    protected long allocateRecord(final long key, final int ordinal)
    {
        keyBytes.writeLong(0, key);
        try (ExternalMapQueryContext<Long, byte[], ?> context = map.queryContext(keyBytes, 0, Long.BYTES))
        {
            context.updateLock().lock();
            MapEntry<Long, byte[]> entry = context.entry();
            if (entry == null)
            {
                context.absentEntry().doInsert(context.wrapValueBytesAsData(zeroValue, 0, valueBytes));
                entry = context.entry();
            }
            final Data<byte[]> value = entry.value();
            final long valueAddress = value.bytes().addressForRead(value.offset());
            UnsafeApi.putLong(valueAddress, ordinal);
            return valueAddress + HEADER_BYTES;
        }
        catch (final RuntimeException ex)
        {
            // Chronicle could not allocate (its segments overflowed despite the headroom): counted as a refusal.
            return FULL;
        }
    }

    @Override
    protected void clearRecords()
    {
        map.clear();
    }

    @Override
    protected int ordinalAt(final long address)
    {
        return (int)UnsafeApi.getLong(address - HEADER_BYTES);
    }

    private void indexExistingEntries(final int maxKeys) throws IOException
    {
        final long entries = map.longSize();
        if (entries > maxKeys)
        {
            throw new IOException(file + " holds " + entries + " keys, more than the " + maxKeys + " configured");
        }
        final boolean[] consistent = {true};
        map.forEachEntry(entry ->
        {
            final Data<byte[]> value = entry.value();
            final long valueAddress = value.bytes().addressForRead(value.offset());
            final Data<Long> key = entry.key();
            if (!placeRecord(key.bytes().readLong(key.offset()), UnsafeApi.getLong(valueAddress),
                valueAddress + HEADER_BYTES))
            {
                consistent[0] = false;
            }
        });
        if (!consistent[0] || !placedRecords((int)entries))
        {
            throw new IOException(file + " is inconsistent: its " + entries + " records do not have ordinals 0 to " +
                (entries - 1));
        }
    }

    /**
     * @return the map file, or null for a store in process memory.
     */
    public Path file()
    {
        return file;
    }

    /**
     * @return Chronicle's own count of entries, for tests and diagnostics (not on the hot path).
     */
    public long mapEntries()
    {
        return map.longSize();
    }

    /**
     * Unmap the file (the OS has been writing it back all along) or free the memory, invalidating every address
     * handed out.
     */
    @Override
    public void close()
    {
        if (map.isOpen())
        {
            map.close();
            keyBytes.releaseLast();
            zeroValue.releaseLast();
        }
    }
}
