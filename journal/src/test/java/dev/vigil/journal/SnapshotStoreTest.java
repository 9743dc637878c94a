package dev.vigil.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshot files are checked and loaded as streams through one fixed buffer: whole whatever their size, with memory
 * that does not grow with them, and a damaged or foreign file is refused, with why, before the loader sees a byte.
 */
@Timeout(120)
class SnapshotStoreTest
{
    private static final long FINGERPRINT = 0x5EED_F00DL;
    private static final int READ_BUFFER_BYTES = 1 << 20;
    private static final long LARGE_BODY_BYTES = 64L << 20;
    /** Not a divisor of any buffer size, so records straddle every buffer boundary. */
    private static final int BLOCK_BYTES = 1021;
    private static final int RECORD_BYTES = 8 + 4 + BLOCK_BYTES;

    @TempDir
    Path directory;

    @Test
    void loadsAndChecksASnapshotLargerThanEveryBuffer()
    {
        final SnapshotStore store = new SnapshotStore(directory, 1, READ_BUFFER_BYTES);
        final long records = LARGE_BODY_BYTES / RECORD_BYTES;
        final Path file = store.write(42, FINGERPRINT, new PatternBody(records));
        assertTrue(Files.exists(file));

        final PatternLoader loader = new PatternLoader(records);
        assertNull(store.load(file, FINGERPRINT, loader));
        assertEquals(records, loader.recordsRead, "every record read, in order");
        assertNull(store.check(file));
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 29, 4099, 65536})
    void smallBuffersReadTheSameState(final int readBufferBytes)
    {
        final SnapshotStore store = new SnapshotStore(directory, 1, readBufferBytes);
        final long records = 300;
        final Path file = store.write(7, FINGERPRINT, new PatternBody(records));
        final PatternLoader loader = new PatternLoader(records);
        assertNull(store.load(file, FINGERPRINT, loader));
        assertEquals(records, loader.recordsRead);
        assertNull(store.check(file));
    }

    /**
     * Reading the file into one array, as a load once did, would allocate its 64 MiB on the loading thread; a stream
     * through the fixed, off-heap buffer allocates a few small objects, and its direct memory is the buffer alone.
     */
    @Test
    void loadHoldsNoCopyOfTheFile()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation accounting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        final SnapshotStore store = new SnapshotStore(directory, 1, READ_BUFFER_BYTES);
        final long records = LARGE_BODY_BYTES / RECORD_BYTES;
        final Path file = store.write(42, FINGERPRINT, new PatternBody(records));
        final PatternLoader loader = new PatternLoader(records);
        final long directBefore = directMemoryUsed();
        final long heapBefore = threads.getCurrentThreadAllocatedBytes();

        assertNull(store.load(file, FINGERPRINT, loader));

        final long heapAllocated = threads.getCurrentThreadAllocatedBytes() - heapBefore;
        assertEquals(records, loader.recordsRead);
        assertTrue(heapAllocated < (1 << 20), "heap allocated by a load of " + LARGE_BODY_BYTES + " bytes: " +
            heapAllocated);
        assertTrue(loader.peakDirectMemoryUsed - directBefore <= READ_BUFFER_BYTES,
            "direct memory while loading grew by " + (loader.peakDirectMemoryUsed - directBefore));
    }

    /**
     * More than 2 GiB: no int offset or length over the whole file, and no array can hold it. Slow (it writes and
     * reads the file three times), so it runs only with {@code -Dvigil.test.large=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "vigil.test.large", matches = "true")
    @Timeout(600)
    void loadsAndChecksASnapshotLargerThanTwoGiB() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1);
        final long records = ((2L << 30) + (64L << 20)) / RECORD_BYTES;
        final Path file = store.write(3, FINGERPRINT, new PatternBody(records));
        assertTrue(Files.size(file) > (2L << 30) + 4, "size " + Files.size(file));

        final PatternLoader loader = new PatternLoader(records);
        assertNull(store.load(file, FINGERPRINT, loader));
        assertEquals(records, loader.recordsRead);
        assertNull(store.check(file));

        flipByte(file, Files.size(file) - 1000);
        final PatternLoader notCalled = new PatternLoader(records);
        assertTrue(store.load(file, FINGERPRINT, notCalled).startsWith("checksum mismatch"));
        assertEquals(0, notCalled.recordsRead, "a damaged file never reaches the loader");
        assertTrue(store.check(file).startsWith("checksum mismatch"));
    }

    @Test
    void shorterThanAHeaderAndAChecksumIsTooShort() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1);
        final Path empty = Files.createFile(directory.resolve(name(1)));
        assertEquals("too short (0 bytes), shorter than a header and a checksum", store.check(empty));
        assertEquals("too short (0 bytes), shorter than a header and a checksum",
            store.load(empty, FINGERPRINT, in -> fail()));

        final Path headerOnly = directory.resolve(name(2));
        Files.write(headerOnly, new byte[27]);
        assertTrue(store.load(headerOnly, FINGERPRINT, in -> fail()).startsWith("too short (27 bytes)"));
    }

    @Test
    void aTruncatedFileIsRefusedBeforeTheLoaderSeesIt() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1, 4096);
        final Path file = store.write(5, FINGERPRINT, new PatternBody(100));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() / 2);
        }
        final PatternLoader loader = new PatternLoader(100);
        final String problem = store.load(file, FINGERPRINT, loader);
        assertTrue(problem.startsWith("checksum mismatch: the file (" + Files.size(file) + " bytes) is damaged or " +
            "incomplete"), problem);
        assertEquals(0, loader.recordsRead);
        assertTrue(store.check(file).startsWith("checksum mismatch"), store.check(file));
    }

    @Test
    void aFlippedBitAnywhereIsAChecksumMismatch() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1, 4096);
        final Path file = store.write(5, FINGERPRINT, new PatternBody(100));
        final long size = Files.size(file);
        for (final long offset : new long[]{0, 9, 24, size / 2, size - 5, size - 1})
        {
            flipByte(file, offset);
            final PatternLoader loader = new PatternLoader(100);
            final String problem = store.load(file, FINGERPRINT, loader);
            assertTrue(problem.startsWith("checksum mismatch"), "byte " + offset + ": " + problem);
            assertEquals(0, loader.recordsRead);
            assertTrue(store.check(file).startsWith("checksum mismatch"), "byte " + offset);
            flipByte(file, offset);
            assertNull(store.check(file));
        }
    }

    @Test
    void aWholeFileOfAnotherLayoutOrSequenceOrConfigurationIsRefused() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1);
        final byte[] body = {1, 2, 3};

        final Path otherMagic = craft(directory.resolve(name(1)), 0x12345678, SnapshotStore.VERSION, 1, body);
        assertEquals("not a snapshot of this layout version", store.check(otherMagic));
        assertEquals("not a snapshot of this layout version", store.load(otherMagic, FINGERPRINT, in -> fail()));

        final Path otherVersion = craft(directory.resolve(name(2)), SnapshotStore.MAGIC, 1, 2, body);
        assertEquals("not a snapshot of this layout version", store.check(otherVersion));
        assertEquals("not a snapshot of this layout version", store.load(otherVersion, FINGERPRINT, in -> fail()));

        final Path otherSeq = craft(directory.resolve(name(3)), SnapshotStore.MAGIC, SnapshotStore.VERSION, 4, body);
        assertEquals("engine seq 4 inside differs from the file name", store.check(otherSeq));
        assertEquals("engine seq 4 inside differs from the file name", store.load(otherSeq, FINGERPRINT, in -> fail()));

        final Path whole = craft(directory.resolve(name(5)), SnapshotStore.MAGIC, SnapshotStore.VERSION, 5, body);
        assertNull(store.check(whole));
        assertEquals("taken under another configuration of the rules", store.load(whole, FINGERPRINT + 1,
            in -> fail()));
        final byte[] read = new byte[3];
        assertNull(store.load(whole, FINGERPRINT, in -> in.readFully(read)));
        assertEquals(body[2], read[2]);
    }

    @Test
    void aStateOfAnotherLengthThanTheLoaderReadsIsRefused()
    {
        final SnapshotStore store = new SnapshotStore(directory, 1, 64);
        final Path file = store.write(9, FINGERPRINT, out -> out.write(new byte[100]));

        // The stream ends where the state does: the checksum after it is never read as state.
        final String overread = store.load(file, FINGERPRINT, in -> in.readFully(new byte[101]));
        assertEquals("the state ends early, at byte 124 of 124", overread);

        assertEquals("1 byte(s) left over after the state", store.load(file, FINGERPRINT,
            in -> in.readFully(new byte[99])));
        assertEquals("unreadable: rules text of -1 bytes", store.load(file, FINGERPRINT, in ->
        {
            throw new IOException("rules text of -1 bytes");
        }));
    }

    @Test
    void ioErrorsAreReportedNotThrown() throws IOException
    {
        final SnapshotStore store = new SnapshotStore(directory, 1);
        final Path missing = directory.resolve(name(1));
        assertEquals("unreadable: NoSuchFileException: " + missing, store.check(missing));
        assertEquals("unreadable: NoSuchFileException: " + missing, store.load(missing, FINGERPRINT, in -> fail()));

        // Opens, but no byte of it can be read.
        final Path aDirectory = Files.createDirectory(directory.resolve(name(2)));
        assertTrue(store.check(aDirectory).startsWith("unreadable: "), store.check(aDirectory));
        assertTrue(store.load(aDirectory, FINGERPRINT, in -> fail()).startsWith("unreadable: "));
    }

    @Test
    void aReadBufferSmallerThanTheHeaderIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new SnapshotStore(directory, 1, 23));
    }

    private static void fail() throws IOException
    {
        throw new AssertionError("the loader must not be called");
    }

    private static String name(final long engineSeq)
    {
        return String.format("snapshot-%020d.snap", engineSeq);
    }

    /**
     * A whole file, checksum right, with the given header: what only another writer could have made.
     */
    private static Path craft(
        final Path file, final int magic, final int version, final long engineSeq, final byte[] body)
        throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(24 + body.length + 4);
        bytes.putInt(magic).putInt(version).putLong(engineSeq).putLong(FINGERPRINT).put(body);
        final CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, bytes.position());
        bytes.putInt((int)crc.getValue());
        Files.write(file, bytes.array());
        return file;
    }

    private static void flipByte(final Path file, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte)(one.get(0) ^ 0x01)).rewind();
            channel.write(one, offset);
        }
    }

    private static long directMemoryUsed()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool.getMemoryUsed();
            }
        }
        throw new IllegalStateException("no direct buffer pool");
    }

    private static byte patternByte(final long record, final int index)
    {
        return (byte)(record * 31 + index * 7 + (index >>> 5));
    }

    /**
     * Records of a sequence number, an int derived from it and a block of bytes derived from both.
     */
    private static final class PatternBody implements SnapshotStore.Body
    {
        private final long records;
        private final byte[] block = new byte[BLOCK_BYTES];

        PatternBody(final long records)
        {
            this.records = records;
        }

        @Override
        public void write(final DataOutput out) throws IOException
        {
            out.writeLong(records);
            for (long r = 0; r < records; r++)
            {
                out.writeLong(r);
                out.writeInt((int)(r * 7));
                for (int i = 0; i < BLOCK_BYTES; i++)
                {
                    block[i] = patternByte(r, i);
                }
                out.write(block);
            }
        }
    }

    /**
     * Reads what {@link PatternBody} wrote, checking every byte, into one reused array.
     */
    private static final class PatternLoader implements SnapshotStore.Loader
    {
        private final long expectedRecords;
        private final byte[] block = new byte[BLOCK_BYTES];
        private long recordsRead;
        private long peakDirectMemoryUsed;

        PatternLoader(final long expectedRecords)
        {
            this.expectedRecords = expectedRecords;
        }

        @Override
        public void read(final DataInput in) throws IOException
        {
            assertEquals(expectedRecords, in.readLong());
            peakDirectMemoryUsed = directMemoryUsed();
            for (long r = 0; r < expectedRecords; r++)
            {
                assertEquals(r, in.readLong());
                assertEquals((int)(r * 7), in.readInt());
                in.readFully(block);
                for (int i = 0; i < BLOCK_BYTES; i++)
                {
                    if (block[i] != patternByte(r, i))
                    {
                        throw new AssertionError("record " + r + " byte " + i);
                    }
                }
                recordsRead++;
            }
            peakDirectMemoryUsed = Math.max(peakDirectMemoryUsed, directMemoryUsed());
        }
    }
}
