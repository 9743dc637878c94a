package dev.vigil.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A range of a file read through one fixed buffer with positional reads, so a snapshot of any size is read with the
 * buffer's memory and nothing more: no allocation per fill, long positions throughout. The stream ends at the end of
 * the range, or earlier where the file does.
 */
final class SnapshotInput extends InputStream
{
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final long end;
    private long filePosition;

    /**
     * @param channel the file, open for reading; not closed by this stream.
     * @param buffer  the buffer to read through; cleared, then owned by this stream until it is done.
     * @param start   offset in the file of the first byte.
     * @param end     offset in the file after the last byte.
     */
    SnapshotInput(final FileChannel channel, final ByteBuffer buffer, final long start, final long end)
    {
        this.channel = channel;
        this.buffer = buffer;
        this.end = end;
        this.filePosition = start;
        buffer.clear().limit(0);
    }

    @Override
    public int read() throws IOException
    {
        if (!buffer.hasRemaining() && !fill())
        {
            return -1;
        }
        return buffer.get() & 0xFF;
    }

    @Override
    public int read(final byte[] destination, final int offset, final int length) throws IOException
    {
        Objects.checkFromIndexSize(offset, length, destination.length);
        if (length == 0)
        {
            return 0;
        }
        if (!buffer.hasRemaining() && !fill())
        {
            return -1;
        }
        final int count = Math.min(length, buffer.remaining());
        buffer.get(destination, offset, count);
        return count;
    }

    @Override
    public long skip(final long count)
    {
        if (count <= 0)
        {
            return 0;
        }
        final int buffered = (int)Math.min(count, buffer.remaining());
        buffer.position(buffer.position() + buffered);
        final long unbuffered = Math.min(count - buffered, end - filePosition);
        filePosition += unbuffered;
        return buffered + unbuffered;
    }

    @Override
    public int available()
    {
        return (int)Math.min(Integer.MAX_VALUE, remaining());
    }

    /**
     * @return offset in the file of the next byte to be read.
     */
    long position()
    {
        return filePosition - buffer.remaining();
    }

    /**
     * @return bytes of the range not read yet (more than the file holds if it was cut short after the range was set).
     */
    long remaining()
    {
        return end - position();
    }

    private boolean fill() throws IOException
    {
        if (filePosition >= end)
        {
            return false;
        }
        buffer.clear().limit((int)Math.min(buffer.capacity(), end - filePosition));
        final int read = channel.read(buffer, filePosition);
        buffer.flip();
        if (read <= 0)
        {
            return false; // the file ends before the range does
        }
        filePosition += read;
        return true;
    }
}
