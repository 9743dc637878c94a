package dev.vigil.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads that differ by sequence, a handler that keeps what it reads, and helpers that find and damage records
 * in segment files the way crashes and bad disks do.
 */
final class JournalTestSupport
{
    static final int SMALL_SEGMENT_LENGTH = 64 * 1024;
    static final int MAX_TEST_PAYLOAD = 512;

    private JournalTestSupport()
    {
    }

    static JournalContext context(final Path directory)
    {
        // Next segments are prepared in doDutyCycle, so work counts and files are deterministic; the background
        // preparer has tests of its own.
        return new JournalContext()
            .directory(directory)
            .segmentLength(SMALL_SEGMENT_LENGTH)
            .durability(Durability.NONE)
            .prepareInBackground(false);
    }

    /**
     * Payload of a sequence: seeded random content, 1 to 512 bytes long; any 512 consecutive sequences have every
     * length once.
     */
    static byte[] payload(final long sequence)
    {
        final Random random = new Random(sequence * 0x9E3779B97F4A7C15L);
        final byte[] bytes = new byte[1 + (int)Math.floorMod(sequence * 37, (long)MAX_TEST_PAYLOAD)];
        random.nextBytes(bytes);
        return bytes;
    }

    static long receiveTimeNs(final long sequence)
    {
        return 1_700_000_000_000_000_000L + (sequence * 1_000L);
    }

    /** Append a range of sequences, one batch each, asserting every append is accepted. */
    static void appendRange(final JournalWriter writer, final long fromSequence, final long toSequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_TEST_PAYLOAD + 16]);
        for (long sequence = fromSequence; sequence <= toSequence; sequence++)
        {
            final byte[] payload = payload(sequence);
            buffer.putBytes(3, payload);
            final long result = writer.append(sequence, receiveTimeNs(sequence), buffer, 3, payload.length);
            assertTrue(result > 0, "append of " + sequence + " refused with " + result);
            writer.endOfBatch();
        }
    }

    static Recorded readAll(final Path directory, final long fromSequence)
    {
        final Recorded recorded = new Recorded();
        try (JournalReader reader = JournalReader.open(directory, fromSequence))
        {
            while (reader.poll(recorded, 64) > 0)
            {
                recorded.polls++;
            }
            recorded.stopReason = reader.stopReason();
            recorded.stopOffset = reader.stopOffset();
        }
        return recorded;
    }

    static List<Path> segments(final Path directory) throws IOException
    {
        return SegmentFiles.list(directory);
    }

    static byte[] bytes(final Path file) throws IOException
    {
        return Files.readAllBytes(file);
    }

    /** Byte offset of the record with a sequence in a segment file, found by walking its records. */
    static int recordOffset(final Path segment, final long sequence) throws IOException
    {
        final ByteBuffer file = ByteBuffer.wrap(bytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        int offset = JournalDescriptor.SEGMENT_HEADER_LENGTH;
        while (true)
        {
            final int length = file.getInt(offset);
            assertTrue(length > 0, "no record " + sequence + " in " + segment);
            if (file.getLong(offset + JournalDescriptor.SEQUENCE_OFFSET) == sequence)
            {
                return offset;
            }
            offset += JournalDescriptor.alignedRecordLength(length);
        }
    }

    /** Offset just past the last record of a segment: where its end marker or the end of data is. */
    static int endOfRecords(final Path segment) throws IOException
    {
        final ByteBuffer file = ByteBuffer.wrap(bytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        int offset = JournalDescriptor.SEGMENT_HEADER_LENGTH;
        while (file.getInt(offset) > 0)
        {
            offset += JournalDescriptor.alignedRecordLength(file.getInt(offset));
        }
        return offset;
    }

    static int intAt(final Path file, final int offset) throws IOException
    {
        return ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    static long longAt(final Path file, final int offset) throws IOException
    {
        return ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    static void write(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer, offset + buffer.position());
            }
        }
    }

    static void flipBit(final Path file, final long offset, final int bit) throws IOException
    {
        final byte[] one = new byte[1];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            channel.read(ByteBuffer.wrap(one), offset);
            one[0] ^= (byte)(1 << bit);
            channel.write(ByteBuffer.wrap(one), offset);
        }
    }

    static void truncate(final Path file, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    /** Records read back, checked against what {@link #appendRange} writes. */
    static final class Recorded implements JournalRecordHandler
    {
        final List<Long> sequences = new ArrayList<>();
        final List<Long> receiveTimesNs = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        JournalReader.StopReason stopReason;
        long stopOffset;
        int polls;

        @Override
        public void onRecord(
            final long engineSeq,
            final long receiveTimeNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            final byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            sequences.add(engineSeq);
            receiveTimesNs.add(receiveTimeNs);
            payloads.add(payload);
        }

        int size()
        {
            return sequences.size();
        }

        /** Assert these are exactly the records from one sequence to another, as appendRange wrote them. */
        void assertRange(final long fromSequence, final long toSequence)
        {
            assertEquals(toSequence - fromSequence + 1, size(), "record count");
            for (int i = 0; i < size(); i++)
            {
                final long sequence = fromSequence + i;
                assertEquals(sequence, (long)sequences.get(i), "sequence at index " + i);
                assertEquals(receiveTimeNs(sequence), (long)receiveTimesNs.get(i), "receive time of " + sequence);
                if (!Arrays.equals(payload(sequence), payloads.get(i)))
                {
                    assertArrayEquals(payload(sequence), payloads.get(i), "payload of " + sequence);
                }
            }
        }
    }
}
