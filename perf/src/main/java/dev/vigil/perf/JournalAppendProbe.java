package dev.vigil.perf;

import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalWriter;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the time of appending to the journal at full speed goes: the writer's own work per record, against the
 * waits at rolls for the next segment to be prepared, which at full speed are the file system's pace of making new
 * pages and, once the page cache holds as many dirty pages as the kernel allows, the storage's pace of writing them
 * back. Appends records in batches of 32 as the journal stage does ({@code endOfBatch} and {@code doDutyCycle}
 * after each), in rounds of a fixed number of records, and times each batch: a batch over 20 µs is counted as one
 * that waited (a roll that found the next segment unprepared, or a page fault the preparer had not taken ahead).
 * <p>
 * Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.JournalAppendProbe [frame=128] [records=5000000] \
 *     [rounds=3] [durability=NONE]
 * </pre>
 * Files go to a temporary directory under {@code java.io.tmpdir}, deleted afterwards.
 */
public final class JournalAppendProbe
{
    private static final int BATCH = 32;
    private static final long WAITED_NS = 20_000;

    private JournalAppendProbe()
    {
    }

    /**
     * @param args optionally the frame length, records per round, rounds and durability.
     * @throws IOException when the temporary directory cannot be made.
     */
    public static void main(final String[] args) throws IOException
    {
        final int frameLength = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        final long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 5_000_000L;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final Durability durability = args.length > 3 ? Durability.valueOf(args[3]) : Durability.NONE;

        final Path directory = Files.createTempDirectory("vigil-append-probe-");
        final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameLength, 64));
        try (JournalWriter writer = JournalWriter.open(
            new JournalContext().directory(directory).durability(durability)))
        {
            System.out.printf(Locale.ROOT, "%,d-byte frames, %s, %,d records a round in batches of %d%n",
                frameLength, durability, records, BATCH);
            for (int round = 1; round <= rounds; round++)
            {
                round(writer, frame, records, round);
            }
        }
        finally
        {
            IoUtil.delete(directory.toFile(), true);
        }
    }

    private static void round(final JournalWriter writer, final UnsafeBuffer frame, final long records, final int round)
    {
        final long bytesBefore = writer.bytesWritten();
        long sequence = writer.lastSequence();
        long waitedBatches = 0;
        long waitedNs = 0;
        final long startNs = System.nanoTime();
        for (long done = 0; done < records; done += BATCH)
        {
            final long batchStartNs = System.nanoTime();
            for (int i = 0; i < BATCH; i++)
            {
                sequence++;
                if (writer.append(sequence, sequence, frame, 0, frame.capacity()) < 0)
                {
                    throw new IllegalStateException("journal refused an append at " + sequence);
                }
            }
            writer.endOfBatch();
            writer.doDutyCycle();
            final long batchNs = System.nanoTime() - batchStartNs;
            if (batchNs > WAITED_NS)
            {
                waitedBatches++;
                waitedNs += batchNs;
            }
        }
        final long totalNs = System.nanoTime() - startNs;
        final long appended = ((records + BATCH - 1) / BATCH) * BATCH;
        final long bytes = writer.bytesWritten() - bytesBefore;
        System.out.printf(Locale.ROOT,
            "round %d: %.0f ns a record overall (%.0f MB/s to the journal); %,d batches waited %.0f ms in all; " +
            "the other batches %.0f ns a record%n",
            round, totalNs / (double)appended, bytes * 1e3 / totalNs, waitedBatches, waitedNs / 1e6,
            (totalNs - waitedNs) / (double)(appended - waitedBatches * BATCH));
    }
}
