package dev.vigil.journal;

import java.io.BufferedOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Snapshot files of engine state, each taken at an exact engine sequence. The store does not know what the state
 * means: the engine writes and reads the body.
 * <pre>
 *   snapshots/snapshot-00000000000001000000.snap
 *
 *   +--------+---------+---------------+-------------+-------------------------------+-----------+
 *   | magic  | version | engine seq    | fingerprint | body (the engine's state)     | CRC32C    |
 *   | int32  | int32   | int64         | int64       | to 4 bytes before the end     | int32     |
 *   +--------+---------+---------------+-------------+-------------------------------+-----------+
 *   big endian (DataOutput); the CRC covers every byte before it
 * </pre>
 * The fingerprint identifies the configuration the state belongs to (rules and their parameters): a snapshot taken
 * under other rules is not loaded. Files are written under a temporary name, forced, then renamed, so a snapshot is
 * either whole or absent; a file is never overwritten. Only the newest {@code keep} snapshots are kept.
 * <p>
 * Files of any size are written and read as streams through fixed buffers: the store never holds a whole file in
 * memory, and positions in a file are longs.
 */
public final class SnapshotStore
{
    /** "VSNP". */
    public static final int MAGIC = 0x56534E50;

    /**
     * Layout version: 3 since the keyed records come last, as entries copied in any order; 4 since card testing keeps a
     * card's recent payments, not only its newest small one.
     */
    public static final int VERSION = 4;

    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".snap";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** Added to the name of a snapshot set aside: the store lists it no more. */
    public static final String SET_ASIDE_SUFFIX = ".ahead-of-journal";
    /** Bytes of the header: magic, version, engine sequence, fingerprint. */
    public static final int HEADER_LENGTH = 4 + 4 + 8 + 8;
    /** Bytes of the CRC32C trailer. */
    public static final int CRC_LENGTH = 4;

    /** Bytes of the buffer snapshots are read through, whatever their size. */
    public static final int DEFAULT_READ_BUFFER_BYTES = 1 << 20;

    private final Path directory;
    private final int keep;
    private final int readBufferBytes;

    /**
     * Writes a snapshot body.
     */
    @FunctionalInterface
    public interface Body
    {
        /**
         * @param out where to write the state.
         * @throws IOException when writing fails.
         */
        void write(DataOutput out) throws IOException;
    }

    /**
     * Reads a snapshot body.
     */
    @FunctionalInterface
    public interface Loader
    {
        /**
         * @param in where to read the state, during this call: a stream over the file that ends where the state does.
         * @throws IOException when the state is not what the loader expects.
         */
        void read(DataInput in) throws IOException;
    }

    /**
     * @param directory where snapshots live; created when needed.
     * @param keep      how many of the newest snapshots to keep, at least 1.
     */
    public SnapshotStore(final Path directory, final int keep)
    {
        this(directory, keep, DEFAULT_READ_BUFFER_BYTES);
    }

    /**
     * @param directory       where snapshots live; created when needed.
     * @param keep            how many of the newest snapshots to keep, at least 1.
     * @param readBufferBytes size of the one buffer {@link #load} and {@link #check} read a file through, at least
     *                        the header's 24 bytes.
     */
    public SnapshotStore(final Path directory, final int keep, final int readBufferBytes)
    {
        if (keep < 1)
        {
            throw new IllegalArgumentException("keep=" + keep + " must be at least 1");
        }
        if (readBufferBytes < HEADER_LENGTH)
        {
            throw new IllegalArgumentException("readBufferBytes=" + readBufferBytes + " must be at least " +
                HEADER_LENGTH);
        }
        this.directory = directory;
        this.keep = keep;
        this.readBufferBytes = readBufferBytes;
    }

    /**
     * Write a snapshot, then delete the oldest beyond {@code keep}: {@link #writeTemporary} then {@link #publish}.
     *
     * @param engineSeq   engine sequence the state is at: every input up to it applied, none after.
     * @param fingerprint of the configuration the state belongs to.
     * @param body        writes the state.
     * @return the snapshot file.
     * @throws UncheckedIOException when the snapshot cannot be written.
     */
    public Path write(final long engineSeq, final long fingerprint, final Body body)
    {
        return publish(writeTemporary(engineSeq, fingerprint, body));
    }

    /**
     * Stream a state into a temporary snapshot file, through a buffer and a running CRC: no copy of the state is
     * held in memory. Done by the thread that owns the state, or one it hands the state to as it goes; the file is in
     * the page cache when this returns. When the body or a write fails, the temporary file is deleted.
     *
     * @param engineSeq   engine sequence the state is at.
     * @param fingerprint of the configuration the state belongs to.
     * @param body        writes the state.
     * @return the temporary file, to {@link #publish}.
     * @throws UncheckedIOException when the file cannot be written.
     */
    public Path writeTemporary(final long engineSeq, final long fingerprint, final Body body)
    {
        final Path temporary = directory.resolve(fileName(engineSeq) + TEMPORARY_SUFFIX);
        try
        {
            prepareTemporary(engineSeq); // a leftover of a write a crash interrupted is never a whole snapshot
            final CRC32C crc = new CRC32C();
            try (OutputStream file = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW);
                CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 18), crc);
                DataOutputStream out = new DataOutputStream(checked))
            {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(engineSeq);
                out.writeLong(fingerprint);
                body.write(out);
                out.flush();
                final ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
                trailer.putInt(0, (int)crc.getValue());
                file.write(trailer.array());
            }
            return temporary;
        }
        catch (final IOException | RuntimeException ex)
        {
            deleteQuietly(temporary);
            if (ex instanceof RuntimeException)
            {
                throw (RuntimeException)ex;
            }
            throw new UncheckedIOException("could not write snapshot at engine seq " + engineSeq + " in " + directory,
                (IOException)ex);
        }
    }

    /**
     * @param engineSeq engine sequence the state is at.
     * @return where a snapshot of that sequence is written before {@link #publish}: no file system call, for a writer
     * that creates its directory once and writes over a leftover itself.
     */
    public Path temporaryFile(final long engineSeq)
    {
        return directory.resolve(fileName(engineSeq) + TEMPORARY_SUFFIX);
    }

    /**
     * Make way for a temporary snapshot file that its caller writes itself, in the layout above ({@link #putHeader},
     * the body, then the CRC32C of both as {@link #CRC_LENGTH} big-endian bytes), to {@link #publish} once whole: the
     * directory is created, and a temporary file of this sequence that a crash left is deleted.
     *
     * @param engineSeq engine sequence the state is at.
     * @return where to create the temporary file.
     * @throws IOException when the directory cannot be created or the leftover deleted.
     */
    public Path prepareTemporary(final long engineSeq) throws IOException
    {
        final Path temporary = temporaryFile(engineSeq);
        Files.createDirectories(directory);
        Files.deleteIfExists(temporary);
        return temporary;
    }

    /**
     * Put a snapshot's header, {@link #HEADER_LENGTH} bytes, at a buffer's position, which it advances.
     *
     * @param buffer      where to, with room for the header.
     * @param engineSeq   engine sequence the state is at.
     * @param fingerprint of the configuration the state belongs to.
     */
    public static void putHeader(final ByteBuffer buffer, final long engineSeq, final long fingerprint)
    {
        final ByteOrder order = buffer.order();
        buffer.order(ByteOrder.BIG_ENDIAN).putInt(MAGIC).putInt(VERSION).putLong(engineSeq).putLong(fingerprint);
        buffer.order(order);
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // Left for the next write of that sequence to delete; never loaded, as its name is not a snapshot's.
        }
    }

    /**
     * Make a temporary snapshot durable and visible: force it, rename it to its final name, sync the directory,
     * delete the oldest snapshots beyond {@code keep}. May run on another thread than {@link #writeTemporary}.
     *
     * @param temporary file from {@link #writeTemporary}.
     * @return the snapshot file.
     * @throws UncheckedIOException when it cannot be forced or renamed.
     */
    public Path publish(final Path temporary)
    {
        final String name = temporary.getFileName().toString();
        final Path file = temporary.resolveSibling(name.substring(0, name.length() - TEMPORARY_SUFFIX.length()));
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            SegmentFiles.syncDirectory(directory);
            prune();
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not publish snapshot " + temporary, ex);
        }
    }

    /**
     * Delete the temporary files of snapshots a crash cut short; never a whole snapshot. For a writer starting up,
     * before it writes any.
     *
     * @return temporary files deleted.
     * @throws UncheckedIOException when the directory cannot be listed.
     */
    public int deleteTemporaries()
    {
        if (!Files.isDirectory(directory))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory))
        {
            int deleted = 0;
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX + TEMPORARY_SUFFIX) && Files.deleteIfExists(file))
                {
                    deleted++;
                }
            }
            return deleted;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not delete temporary snapshots in " + directory, ex);
        }
    }

    /**
     * @return snapshot files, newest (highest engine sequence) first.
     */
    public List<Path> newestFirst()
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory))
        {
            final List<Path> snapshots = new ArrayList<>();
            files.filter(SnapshotStore::isSnapshot).forEach(snapshots::add);
            snapshots.sort(Comparator.comparingLong(SnapshotStore::sequenceOf).reversed());
            return snapshots;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not list snapshots in " + directory, ex);
        }
    }

    /**
     * Check and load one snapshot, in two passes through a buffer of {@code readBufferBytes}: the whole file's
     * checksum first, then the header and the state, streamed to the loader. Memory does not grow with the file, and
     * a damaged file never reaches the loader, so a state the caller holds is left as it was.
     *
     * @param file        a snapshot file.
     * @param fingerprint the configuration the state must belong to.
     * @param loader      reads the state; called only when the file is whole and the fingerprint matches.
     * @return null when loaded, otherwise why the snapshot cannot be used (the caller names the file).
     */
    public String load(final Path file, final long fingerprint, final Loader loader)
    {
        return load(file, written -> written == fingerprint, loader);
    }

    /**
     * {@link #load(Path, long, Loader)} for a configuration whose snapshots may carry one of several fingerprints
     * (one that an older version computed otherwise).
     *
     * @param file         a snapshot file.
     * @param fingerprints accepts the fingerprints of the configuration the state must belong to.
     * @param loader       reads the state; called only when the file is whole and its fingerprint accepted.
     * @return null when loaded, otherwise why the snapshot cannot be used (the caller names the file).
     */
    public String load(final Path file, final LongPredicate fingerprints, final Loader loader)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = allocateReadBuffer();
            if (buffer == null)
            {
                return "no direct memory for a read buffer of " + readBufferBytes + " bytes";
            }
            return loadWhole(file, channel, buffer, fingerprints, loader);
        }
        catch (final IOException ex)
        {
            return "unreadable: " + describe(ex);
        }
    }

    /**
     * Check a snapshot's checksum and header without reading the state, streaming the file through a buffer of
     * {@code readBufferBytes}.
     *
     * @param file a snapshot file.
     * @return null when whole, otherwise what is wrong (the caller names the file).
     */
    public String check(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = allocateReadBuffer();
            if (buffer == null)
            {
                return "no direct memory for a read buffer of " + readBufferBytes + " bytes";
            }
            final String problem = verifyChecksum(channel, buffer);
            if (problem != null)
            {
                return problem;
            }
            buffer.clear().limit(HEADER_LENGTH);
            if (!readFully(channel, buffer, 0))
            {
                return "cut short while being read (" + channel.size() + " bytes)";
            }
            if (buffer.getInt(0) != MAGIC || buffer.getInt(4) != VERSION)
            {
                return "not a snapshot of this layout version";
            }
            final long engineSeq = buffer.getLong(8);
            if (engineSeq != sequenceOf(file))
            {
                return "engine seq " + engineSeq + " inside differs from the file name";
            }
            return null;
        }
        catch (final IOException ex)
        {
            return "unreadable: " + describe(ex);
        }
    }

    /**
     * Take a snapshot out of the store for good, keeping its bytes: it is renamed with {@link #SET_ASIDE_SUFFIX}, a
     * name the store never lists again. For a snapshot ahead of the journal after a crash: once the journal has
     * moved past its sequence with other input, loading it would give another state than the journal's.
     *
     * @param snapshot a snapshot file of this store.
     * @return the file's new path.
     * @throws IOException when it cannot be renamed.
     */
    public Path setAside(final Path snapshot) throws IOException
    {
        final Path target = snapshot.resolveSibling(snapshot.getFileName() + SET_ASIDE_SUFFIX);
        Files.move(snapshot, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * @param file a snapshot file.
     * @return the engine sequence in its name.
     */
    public static long sequenceOf(final Path file)
    {
        final String name = file.getFileName().toString();
        return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }

    /**
     * @param engineSeq an engine sequence.
     * @return where the snapshot at that sequence is, or would be, in this store.
     */
    public Path fileOf(final long engineSeq)
    {
        return directory.resolve(fileName(engineSeq));
    }

    /**
     * @return the directory of the snapshots.
     */
    public Path directory()
    {
        return directory;
    }

    private static String loadWhole(
        final Path file, final FileChannel channel, final ByteBuffer buffer, final LongPredicate fingerprints,
        final Loader loader) throws IOException
    {
        final String problem = verifyChecksum(channel, buffer);
        if (problem != null)
        {
            return problem;
        }
        // The file is never rewritten once published, so the bytes read now are those just checked.
        final SnapshotInput input = new SnapshotInput(channel, buffer, 0, channel.size() - CRC_LENGTH);
        final DataInputStream in = new DataInputStream(input);
        if (in.readInt() != MAGIC || in.readInt() != VERSION)
        {
            return "not a snapshot of this layout version";
        }
        final long engineSeq = in.readLong();
        if (engineSeq != sequenceOf(file))
        {
            return "engine seq " + engineSeq + " inside differs from the file name";
        }
        final long writtenFingerprint = in.readLong();
        if (!fingerprints.test(writtenFingerprint))
        {
            return "taken under another configuration of the rules";
        }
        try
        {
            loader.read(in);
        }
        catch (final EOFException ex)
        {
            return "the state ends early, at byte " + input.position() + " of " + (input.position() +
                input.remaining());
        }
        if (input.remaining() != 0)
        {
            return input.remaining() + " byte(s) left over after the state";
        }
        return null;
    }

    /**
     * Stream every byte before the trailer through a CRC32C, a buffer at a time, and compare it with the trailer.
     */
    private static String verifyChecksum(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        final long size = channel.size();
        if (size < HEADER_LENGTH + CRC_LENGTH)
        {
            return "too short (" + size + " bytes), shorter than a header and a checksum";
        }
        final long end = size - CRC_LENGTH;
        buffer.clear().limit(CRC_LENGTH);
        if (!readFully(channel, buffer, end))
        {
            return "cut short while being read (" + channel.size() + " of " + size + " bytes)";
        }
        final int storedCrc = buffer.getInt(0);

        final CRC32C crc = new CRC32C();
        long position = 0;
        while (position < end)
        {
            buffer.clear().limit((int)Math.min(buffer.capacity(), end - position));
            if (!readFully(channel, buffer, position))
            {
                return "cut short while being read (" + channel.size() + " of " + size + " bytes)";
            }
            buffer.flip();
            crc.update(buffer);
            position += buffer.limit();
        }
        if ((int)crc.getValue() != storedCrc)
        {
            return "checksum mismatch: the file (" + size + " bytes) is damaged or incomplete";
        }
        return null;
    }

    /**
     * Fill the buffer from its position to its limit with the file's bytes from {@code position}.
     *
     * @return false when the file ends first.
     */
    private static boolean readFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long filePosition = position;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, filePosition);
            if (read < 0)
            {
                return false;
            }
            filePosition += read;
        }
        return true;
    }

    /**
     * Off the heap, so the channel reads into it directly and the checksum runs over it in place. One per call, left
     * to the collector rather than freed by hand, which a stream a loader kept could outlive. Null when the JVM's
     * direct memory is used up, which a caller reports instead of failing.
     */
    private ByteBuffer allocateReadBuffer()
    {
        try
        {
            return ByteBuffer.allocateDirect(readBufferBytes);
        }
        catch (final OutOfMemoryError ex)
        {
            return null;
        }
    }

    private static String describe(final IOException ex)
    {
        if (ex.getMessage() == null || ex instanceof FileSystemException)
        {
            return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        }
        return ex.getMessage();
    }

    private void prune() throws IOException
    {
        final List<Path> snapshots = newestFirst();
        for (int i = keep; i < snapshots.size(); i++)
        {
            Files.deleteIfExists(snapshots.get(i));
        }
    }

    private static boolean isSnapshot(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX) &&
            name.substring(PREFIX.length(), name.length() - SUFFIX.length()).chars().allMatch(Character::isDigit);
    }

    private static String fileName(final long engineSeq)
    {
        return String.format("%s%020d%s", PREFIX, engineSeq, SUFFIX);
    }
}
