package dev.vigil.app.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Carries one snapshot file, in the engine's own snapshot format ({@code dev.vigil.journal.SnapshotStore}), through
 * Aeron Cluster's snapshot publication and back from its image.
 * <pre>
 *   first message:  magic "VCLS" int32 | format version int32 | engine seq int64 | file length int64 |
 *                   CRC32C of the file int32
 *   then:           the file's bytes, in messages of at most the publication's max payload
 *   little endian
 * </pre>
 * The file carries its own header, fingerprint and checksum, which the loader checks again; the stream's header lets
 * a reader know when it has the whole file and that nothing was lost or changed on the way.
 */
final class ClusterSnapshotStream
{
    /** "VCLS". */
    static final int MAGIC = 0x56434C53;
    /** Stream format version. */
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 4 + 4 + 8 + 8 + 4;

    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int ENGINE_SEQ_OFFSET = 8;
    private static final int LENGTH_OFFSET = 16;
    private static final int CRC_OFFSET = 24;
    private static final int FRAGMENT_LIMIT = 16;

    private ClusterSnapshotStream()
    {
    }

    /**
     * Offer a file to a snapshot publication, waiting out back-pressure with the cluster's idle strategy.
     *
     * @param file        the snapshot file.
     * @param engineSeq   the engine sequence the snapshot was taken at.
     * @param publication the cluster's snapshot publication.
     * @param idle        how to wait while the publication is back-pressured.
     * @throws UncheckedIOException when the file cannot be read.
     * @throws ClusterException     when the publication is closed or cannot take more.
     */
    static void offer(
        final Path file, final long engineSeq, final ExclusivePublication publication, final IdleStrategy idle)
    {
        final int chunkLength = publication.maxPayloadLength();
        final ByteBuffer chunk = BufferUtil.allocateDirectAligned(Math.max(chunkLength, HEADER_LENGTH), 64);
        final UnsafeBuffer message = new UnsafeBuffer(chunk);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long length = channel.size();
            final CRC32C crc = new CRC32C();
            long position = 0;
            while (position < length)
            {
                chunk.clear().limit((int)Math.min(chunkLength, length - position));
                position += readFully(channel, chunk, position);
                chunk.flip();
                crc.update(chunk);
            }

            message.putInt(MAGIC_OFFSET, MAGIC, ByteOrder.LITTLE_ENDIAN);
            message.putInt(VERSION_OFFSET, VERSION, ByteOrder.LITTLE_ENDIAN);
            message.putLong(ENGINE_SEQ_OFFSET, engineSeq, ByteOrder.LITTLE_ENDIAN);
            message.putLong(LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
            message.putInt(CRC_OFFSET, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
            offer(publication, message, HEADER_LENGTH, idle);

            position = 0;
            while (position < length)
            {
                chunk.clear().limit((int)Math.min(chunkLength, length - position));
                final int read = readFully(channel, chunk, position);
                offer(publication, message, read, idle);
                position += read;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read snapshot file " + file, ex);
        }
    }

    /**
     * Read a file written by {@link #offer} from a snapshot image, polling it until the whole file is in, the image
     * ends, or the deadline passes.
     *
     * @param image       the snapshot image given to the service's start.
     * @param file        where to write the file; replaced.
     * @param idle        how to wait while the image has nothing new.
     * @param timeoutNs   longest time to wait for the whole file.
     * @return the engine sequence the snapshot was taken at.
     * @throws ClusterException     when the stream is not a snapshot of this format, is cut short, does not match its
     *                              checksum, or is not all in within the timeout.
     * @throws UncheckedIOException when the file cannot be written.
     */
    static long read(final Image image, final Path file, final IdleStrategy idle, final long timeoutNs)
    {
        try (FileChannel channel = FileChannel.open(file,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final Reader reader = new Reader(channel);
            final long deadlineNs = System.nanoTime() + timeoutNs;
            idle.reset();
            while (!reader.isComplete())
            {
                final int fragments = image.poll(reader, FRAGMENT_LIMIT);
                reader.rethrow();
                if (fragments == 0)
                {
                    if (image.isEndOfStream() || image.isClosed())
                    {
                        throw new ClusterException("snapshot stream ended after " + reader.received + " of " +
                            reader.expectedLength + " bytes");
                    }
                    if (System.nanoTime() - deadlineNs > 0)
                    {
                        throw new ClusterException("snapshot not read within " + timeoutNs / 1_000_000 + " ms: " +
                            reader.received + " of " + reader.expectedLength + " bytes");
                    }
                }
                idle.idle(fragments);
            }
            if ((int)reader.crc.getValue() != reader.expectedCrc)
            {
                throw new ClusterException("snapshot stream does not match its checksum");
            }
            channel.force(false);
            return reader.engineSeq;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write snapshot file " + file, ex);
        }
    }

    private static void offer(
        final ExclusivePublication publication, final DirectBuffer message, final int length, final IdleStrategy idle)
    {
        idle.reset();
        while (true)
        {
            final long result = publication.offer(message, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new ClusterException("snapshot publication cannot take the snapshot: " +
                    Publication.errorString(result));
            }
            idle.idle();
        }
    }

    private static int readFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        int total = 0;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, position + total);
            if (read < 0)
            {
                throw new IOException("snapshot file ended early");
            }
            total += read;
        }
        return total;
    }

    private static final class Reader implements FragmentHandler
    {
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        private boolean headerRead;
        private long engineSeq;
        private long expectedLength = -1;
        private int expectedCrc;
        private long received;
        private RuntimeException failure;

        Reader(final FileChannel channel)
        {
            this.channel = channel;
        }

        boolean isComplete()
        {
            return headerRead && received == expectedLength;
        }

        void rethrow()
        {
            if (failure != null)
            {
                throw failure;
            }
        }

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (failure != null)
            {
                return;
            }
            if (!headerRead)
            {
                readHeader(buffer, offset, length);
                return;
            }
            if (received + length > expectedLength)
            {
                failure = new ClusterException("snapshot stream longer than its header says: " + expectedLength);
                return;
            }
            final ByteBuffer bytes = ByteBuffer.allocate(length);
            buffer.getBytes(offset, bytes, length);
            bytes.flip();
            crc.update(bytes.duplicate());
            try
            {
                while (bytes.hasRemaining())
                {
                    channel.write(bytes, received + bytes.position());
                }
            }
            catch (final IOException ex)
            {
                failure = new UncheckedIOException("cannot write the snapshot being loaded", ex);
                return;
            }
            received += length;
        }

        private void readHeader(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length != HEADER_LENGTH || buffer.getInt(offset + MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != MAGIC)
            {
                failure = new ClusterException("not a Vigil cluster snapshot");
                return;
            }
            final int version = buffer.getInt(offset + VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (version != VERSION)
            {
                failure = new ClusterException("cluster snapshot stream version " + version + ", expected " + VERSION);
                return;
            }
            engineSeq = buffer.getLong(offset + ENGINE_SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN);
            expectedLength = buffer.getLong(offset + LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            expectedCrc = buffer.getInt(offset + CRC_OFFSET, ByteOrder.LITTLE_ENDIAN);
            headerRead = true;
        }
    }
}
