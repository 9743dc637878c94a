package dev.vigil.journal;

import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.journal.JournalDescriptor.BYTE_ORDER;
import static dev.vigil.journal.JournalDescriptor.CORRUPT_SUFFIX;
import static dev.vigil.journal.JournalDescriptor.MAGIC;
import static dev.vigil.journal.JournalDescriptor.MAGIC_OFFSET;
import static dev.vigil.journal.JournalDescriptor.MAX_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalDescriptor.parseSegmentBaseSequence;

/**
 * File system operations on segment files. Used when opening, rolling and recovering, never per record.
 */
final class SegmentFiles
{
    private SegmentFiles()
    {
    }

    /**
     * Segment files of a directory in sequence order; an empty list when the directory does not exist.
     */
    static List<Path> list(final Path directory) throws IOException
    {
        final List<Path> segments = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return segments;
        }

        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path path : stream)
            {
                if (parseSegmentBaseSequence(path.getFileName().toString()) >= 0 && Files.isRegularFile(path))
                {
                    segments.add(path);
                }
            }
        }
        segments.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));

        return segments;
    }

    /**
     * Whether the directory holds a segment whose base sequence is greater than this one.
     */
    static boolean hasSegmentAfter(final Path directory, final long baseSequence) throws IOException
    {
        for (final Path path : list(directory))
        {
            if (baseSequence(path) > baseSequence)
            {
                return true;
            }
        }

        return false;
    }

    static long baseSequence(final Path segment)
    {
        return parseSegmentBaseSequence(segment.getFileName().toString());
    }

    /**
     * Map an existing file read-only, as much of it as exists up to the largest segment length.
     *
     * @return the mapping, or null when the file is empty.
     */
    static MappedByteBuffer mapReadOnly(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long length = Math.min(channel.size(), MAX_SEGMENT_LENGTH);

            return length == 0 ? null : channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        }
    }

    /**
     * Map an existing file read-write at a given length, extending it with zeros if it is shorter.
     */
    static MappedByteBuffer mapReadWrite(final Path file, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    /**
     * Create a new file, failing if it exists, and map it read-write at the given length.
     */
    static MappedByteBuffer createAndMap(final Path file, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    /**
     * Whether a file exists and starts with a segment header's magic number: the prepared next segment once a roll
     * has written its header, so it holds records and must not be deleted.
     */
    static boolean holdsSegmentHeader(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return false;
        }

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer magic = ByteBuffer.allocate(Integer.BYTES).order(BYTE_ORDER);
            while (magic.hasRemaining() && channel.read(magic, magic.position()) > 0)
            {
                continue;
            }

            return !magic.hasRemaining() && magic.getInt(MAGIC_OFFSET) == MAGIC;
        }
    }

    static void unmap(final MappedByteBuffer buffer)
    {
        if (null != buffer)
        {
            IoUtil.unmap(buffer);
        }
    }

    /**
     * Force a directory's entries (creations, renames) to storage where the platform supports it.
     */
    static void syncDirectory(final Path directory) throws IOException
    {
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            return; // the platform cannot open a directory; its file systems order directory updates themselves
        }

        try (channel)
        {
            channel.force(true);
        }
    }

    /**
     * Rename a segment that a recovery cut off to {@code name.corrupt} (or {@code name.corrupt.N} if taken).
     *
     * @return the new path.
     */
    static Path quarantine(final Path segment) throws IOException
    {
        final String name = segment.getFileName().toString() + CORRUPT_SUFFIX;
        Path target = segment.resolveSibling(name);
        for (int i = 1; Files.exists(target); i++)
        {
            target = segment.resolveSibling(name + "." + i);
        }

        return Files.move(segment, target);
    }
}
