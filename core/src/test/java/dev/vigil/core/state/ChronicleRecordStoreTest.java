package dev.vigil.core.state;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(120)
class ChronicleRecordStoreTest
{
    @TempDir
    Path dir;

    @Test
    void newKeyGetsZeroedRecordAtStableAddress() throws IOException
    {
        try (ChronicleRecordStore store = ChronicleRecordStore.open(dir.resolve("a.cmap"), 16, 24))
        {
            final long address = store.recordAddress(42L);

            assertNotEquals(ChronicleRecordStore.FULL, address);
            assertEquals(0, address % Long.BYTES, "records are 8-byte aligned");
            for (int offset = 0; offset < 24; offset += Long.BYTES)
            {
                assertEquals(0, UnsafeApi.getLong(address + offset));
            }
            UnsafeApi.putLong(address + 16, 7L);
            assertEquals(address, store.recordAddress(42L));
            assertEquals(7L, UnsafeApi.getLong(store.recordAddress(42L) + 16));
            assertEquals(1, store.size());
            assertEquals(1, store.mapEntries());
            assertEquals(ChronicleRecordStore.FULL, store.findRecord(43L));
        }
    }

    @Test
    void stateSurvivesClosingAndReopeningTheFile() throws IOException
    {
        final Path file = dir.resolve("account.cmap");
        final byte[] before;
        try (ChronicleRecordStore store = ChronicleRecordStore.open(file, 1_000, 16))
        {
            for (long key = -500; key < 500; key++)
            {
                final long address = store.recordAddress(key * 7919);
                UnsafeApi.putLong(address, key);
                UnsafeApi.putLong(address + 8, ~key);
            }
            before = snapshot(store);
        }

        try (ChronicleRecordStore reopened = ChronicleRecordStore.open(file, 1_000, 16))
        {
            assertEquals(1_000, reopened.size());
            for (long key = -500; key < 500; key++)
            {
                final long address = reopened.findRecord(key * 7919);
                assertNotEquals(ChronicleRecordStore.FULL, address);
                assertEquals(key, UnsafeApi.getLong(address));
                assertEquals(~key, UnsafeApi.getLong(address + 8));
            }
            assertArrayEquals(before, snapshot(reopened), "same records in the same (insertion) order");
            assertEquals(ChronicleRecordStore.FULL, reopened.recordAddress(1L), "still full after reopening");
        }
    }

    @Test
    void fullStoreAnswersFullWithoutExceptionAndKeepsKnownKeys() throws IOException
    {
        try (ChronicleRecordStore store = ChronicleRecordStore.open(dir.resolve("full.cmap"), 100, 8))
        {
            for (long key = 0; key < 100; key++)
            {
                UnsafeApi.putLong(store.recordAddress(key), key + 1);
            }

            for (long key = 100; key < 1_100; key++)
            {
                assertEquals(ChronicleRecordStore.FULL, store.recordAddress(key));
            }
            assertEquals(100, store.size());
            assertEquals(100, store.mapEntries());
            assertEquals(0, store.insertRefusals());
            for (long key = 0; key < 100; key++)
            {
                assertEquals(key + 1, UnsafeApi.getLong(store.recordAddress(key)));
            }
        }
    }

    @Test
    void addressesStayValidOverManyInsertsUpToCapacity() throws IOException
    {
        final int keys = 200_000;
        final Path file = dir.resolve("many.cmap");
        final long[] keyList = new long[keys];
        final long[] firstAddress = new long[keys];
        final SplittableRandom random = new SplittableRandom(7);
        try (ChronicleRecordStore store = ChronicleRecordStore.open(file, keys, 32))
        {
            for (int i = 0; i < keys; i++)
            {
                long key;
                do
                {
                    key = random.nextLong();
                }
                while (store.findRecord(key) != ChronicleRecordStore.FULL);
                keyList[i] = key;
                firstAddress[i] = store.recordAddress(key);
                UnsafeApi.putLong(firstAddress[i], key);
                UnsafeApi.putLong(firstAddress[i] + 24, i);
            }
            assertEquals(keys, store.size());
            assertEquals(keys, store.mapEntries());
            assertEquals(0, store.insertRefusals());
            for (int i = 0; i < keys; i++)
            {
                assertEquals(firstAddress[i], store.recordAddress(keyList[i]));
                assertEquals(keyList[i], UnsafeApi.getLong(firstAddress[i]));
                assertEquals(i, UnsafeApi.getLong(firstAddress[i] + 24));
            }
        }

        // What was written at the addresses is what Chronicle holds for each key in the file.
        try (ChronicleRecordStore reopened = ChronicleRecordStore.open(file, keys, 32))
        {
            for (int i = 0; i < keys; i++)
            {
                final long address = reopened.findRecord(keyList[i]);
                assertEquals(keyList[i], UnsafeApi.getLong(address));
                assertEquals(i, UnsafeApi.getLong(address + 24));
            }
        }
    }

    @Test
    void storeInProcessMemoryHoldsRecordsAtStableAddressesUpToCapacityAndLoadsAFileStoresSnapshot() throws IOException
    {
        final int keys = 50_000;
        final byte[] fromFile;
        try (ChronicleRecordStore persisted = ChronicleRecordStore.open(dir.resolve("p.cmap"), keys, 40))
        {
            for (long key = 0; key < keys; key++)
            {
                UnsafeApi.putLong(persisted.recordAddress(key * 131), key);
            }
            fromFile = snapshot(persisted);
        }
        try (ChronicleRecordStore store = ChronicleRecordStore.inMemory("account", keys, 40))
        {
            assertNull(store.file());
            final long[] firstAddress = new long[keys];
            for (int key = 0; key < keys; key++)
            {
                firstAddress[key] = store.recordAddress(key * 131L);
                assertNotEquals(ChronicleRecordStore.FULL, firstAddress[key]);
                assertEquals(0, UnsafeApi.getLong(firstAddress[key] + 32), "a new record is zero");
                UnsafeApi.putLong(firstAddress[key], key);
            }
            assertEquals(ChronicleRecordStore.FULL, store.recordAddress(-1L), "full at capacity");
            assertEquals(keys, store.mapEntries());
            for (int key = 0; key < keys; key++)
            {
                assertEquals(firstAddress[key], store.recordAddress(key * 131L));
                assertEquals(key, UnsafeApi.getLong(firstAddress[key]));
            }
            assertArrayEquals(fromFile, snapshot(store), "the same records in the same order as the file's store");

            store.clear();
            store.readFrom(new DataInputStream(new ByteArrayInputStream(fromFile)));
            assertEquals(keys, store.size());
            assertArrayEquals(fromFile, snapshot(store));
        }
    }

    @Test
    void snapshotRestoresIntoAnotherStoreAndReplacesItsRecords() throws IOException
    {
        try (ChronicleRecordStore source = ChronicleRecordStore.open(dir.resolve("s.cmap"), 5_000, 20);
            ChronicleRecordStore target = ChronicleRecordStore.open(dir.resolve("t.cmap"), 5_000, 20))
        {
            for (long key = 0; key < 5_000; key++)
            {
                final long address = source.recordAddress(key * 31);
                UnsafeApi.putLong(address, key);
                UnsafeApi.putInt(address + 16, (int)key);
            }
            UnsafeApi.putLong(target.recordAddress(-1L), 99L);
            final byte[] written = snapshot(source);

            target.readFrom(new DataInputStream(new ByteArrayInputStream(written)));

            assertEquals(5_000, target.size());
            assertEquals(5_000, target.mapEntries());
            assertEquals(ChronicleRecordStore.FULL, target.findRecord(-1L));
            assertEquals(123L, UnsafeApi.getLong(target.findRecord(123 * 31)));
            assertEquals(123, UnsafeApi.getInt(target.findRecord(123 * 31) + 16));
            assertArrayEquals(written, snapshot(target));
        }
    }

    @Test
    void zeroSliceClearsThoseBytesOfEveryRecordOnly() throws IOException
    {
        try (ChronicleRecordStore store = ChronicleRecordStore.open(dir.resolve("z.cmap"), 10, 24))
        {
            for (long key = 0; key < 10; key++)
            {
                final long address = store.recordAddress(key);
                UnsafeApi.putLong(address, 1);
                UnsafeApi.putLong(address + 8, 2);
                UnsafeApi.putLong(address + 16, 3);
            }

            store.zeroSlice(8, 8);

            for (long key = 0; key < 10; key++)
            {
                final long address = store.recordAddress(key);
                assertEquals(1, UnsafeApi.getLong(address));
                assertEquals(0, UnsafeApi.getLong(address + 8));
                assertEquals(3, UnsafeApi.getLong(address + 16));
            }
            assertThrows(IllegalArgumentException.class, () -> store.zeroSlice(16, 9));
        }
    }

    @Test
    void refusesFileHoldingMoreKeysThanConfigured() throws IOException
    {
        final Path file = dir.resolve("shrunk.cmap");
        try (ChronicleRecordStore store = ChronicleRecordStore.open(file, 100, 8))
        {
            for (long key = 0; key < 50; key++)
            {
                store.recordAddress(key);
            }
        }

        assertThrows(IOException.class, () -> ChronicleRecordStore.open(file, 10, 8).close());
    }

    private static byte[] snapshot(final ChronicleRecordStore store) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            store.writeTo(out);
        }
        return bytes.toByteArray();
    }
}
