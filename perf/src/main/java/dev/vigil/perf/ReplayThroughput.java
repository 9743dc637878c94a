package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.time.Durations;
import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalWriter;
import dev.vigil.journal.SnapshotStore;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fast a journal is read back from the page cache, and how long recovery without a snapshot takes: the
 * engine's start-up replay of every journaled input through the default rules stage.
 * <pre>
 *   JournalWriter ──► N records (Transactions, 15% Orders, 10,000 accounts) in a temporary directory
 *   JournalReader ──► read every record, verify every CRC                       (records/s)
 *   JournalReplay ──► read + rules stage, as the engine does when it starts     (records/s, total time)
 *   SnapshotStore ──► snapshot after 99% of the records; load it and replay the last 1%  (recovery time)
 * </pre>
 * Run (10 M records need ~1.3 GB of temporary disk, deleted afterwards):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms2g -Xmx2g \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.ReplayThroughput [records, default 10000000]
 * </pre>
 * Each pass runs twice; the second, with the JIT warm and the files in the page cache, is the one reported.
 */
public final class ReplayThroughput
{
    private static final int ACCOUNTS = 10_000;
    private static final int BATCH = 256;

    private ReplayThroughput()
    {
    }

    /**
     * @param args optionally the number of records.
     * @throws IOException when the temporary directory cannot be made.
     */
    public static void main(final String[] args) throws IOException
    {
        final long records = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        final Path dir = Files.createTempDirectory("vigil-replay-");
        try
        {
            final long writeNs = write(dir, records);
            System.out.printf(Locale.ROOT, "wrote %,d records in %s (%,.0f records/s)%n",
                records, Durations.format(writeNs / 1_000_000 * 1_000_000), records * 1e9 / writeNs);
            for (int pass = 1; pass <= 2; pass++)
            {
                final long readNs = read(dir, records);
                final JournalReplay.ReplayResult replay = replay(newRulesStage(), dir, 1, records);
                System.out.printf(Locale.ROOT,
                    "pass %d: read %,.0f records/s (%.2f s); replay through the rules %,.0f records/s (%.2f s)%n",
                    pass, records * 1e9 / readNs, readNs / 1e9, records * 1e9 / replay.durationNs(),
                    replay.durationNs() / 1e9);
            }
            recoverFromSnapshot(dir, records);
        }
        finally
        {
            IoUtil.delete(dir.toFile(), true);
        }
    }

    private static long write(final Path dir, final long records)
    {
        final BenchmarkFrames frames = new BenchmarkFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
        final SplittableRandom random = new SplittableRandom(17);
        final long startNs = System.nanoTime();
        try (JournalWriter writer = JournalWriter.open(
            new JournalContext().directory(dir).durability(Durability.NONE)))
        {
            for (long seq = 1; seq <= records; seq++)
            {
                final long account = 1 + random.nextInt(ACCOUNTS);
                final long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS + seq * BenchmarkFrames.EVENT_STEP_NS;
                final int length = random.nextInt(100) < 15 ?
                    frames.order(frame, 0, 1, seq, eventTimeNs, account) :
                    frames.transaction(frame, 0, 1, seq, eventTimeNs, account, 100 + random.nextInt(100_000));
                if (writer.append(seq, seq, frame, 0, length) < 0)
                {
                    throw new IllegalStateException("journal refused record " + seq);
                }
                if (seq % BATCH == 0)
                {
                    writer.endOfBatch();
                    writer.doDutyCycle();
                }
            }
        }
        return System.nanoTime() - startNs;
    }

    private static long read(final Path dir, final long records)
    {
        final long[] count = {0};
        final long startNs = System.nanoTime();
        try (JournalReader reader = JournalReader.open(dir, 1))
        {
            while (reader.poll((seq, time, buffer, offset, length) -> count[0]++, 4096) > 0)
            {
                // read to the end
            }
        }
        final long durationNs = System.nanoTime() - startNs;
        if (count[0] != records)
        {
            throw new IllegalStateException("read " + count[0] + " of " + records + " records");
        }
        return durationNs;
    }

    /**
     * Recovery as a start does it with a snapshot: a snapshot of the state after all but the last 1% of the records
     * is loaded, then the rest of the journal replayed. The snapshot is taken from a stage that replayed that far.
     */
    private static void recoverFromSnapshot(final Path dir, final long records)
    {
        final long snapshotSeq = records - records / 100;
        final RulesHandler before = newRulesStage();
        replay(before, dir, 1, snapshotSeq);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 1);
        final long writeStartNs = System.nanoTime();
        final Path snapshot = store.write(snapshotSeq, 0, before::writeState);
        final long writeNs = System.nanoTime() - writeStartNs;

        final long startNs = System.nanoTime();
        final RulesHandler recovered = newRulesStage();
        final String problem = store.load(snapshot, 0, recovered::readState);
        if (problem != null)
        {
            throw new IllegalStateException("snapshot " + snapshot + ": " + problem);
        }
        final long loadNs = System.nanoTime() - startNs;
        final JournalReplay.ReplayResult tail = replay(recovered, dir, snapshotSeq + 1, records - snapshotSeq);
        final long recoveryNs = System.nanoTime() - startNs;
        System.out.printf(Locale.ROOT,
            "snapshot at engine seq %,d: %,d bytes written in %.0f ms; recovery = load %.0f ms + replay of %,d " +
            "records %.0f ms = %.2f s%n",
            snapshotSeq, snapshotSize(snapshot), writeNs / 1e6, loadNs / 1e6, tail.records(),
            tail.durationNs() / 1e6, recoveryNs / 1e9);
    }

    private static long snapshotSize(final Path snapshot)
    {
        try
        {
            return Files.size(snapshot);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    private static RulesHandler newRulesStage()
    {
        return new RulesStageContext(VigilConfig.defaults())
            .counters(LocalCounters.newEngineCounters())
            .newHandler();
    }

    private static JournalReplay.ReplayResult replay(
        final RulesHandler rules, final Path dir, final long fromSeq, final long records)
    {
        final long toSeq = fromSeq + records - 1;
        final JournalReplay.ReplayResult result = new JournalReplay(
            (event, sequence, endOfBatch) ->
            {
                if (event.engineSeq() <= toSeq)
                {
                    rules.onEvent(event, sequence, endOfBatch);
                }
            },
            VigilConfig.defaults().getInt(Settings.FRAME_MAX_LENGTH)).replay(dir, fromSeq);
        if (result.lastSequence() < toSeq)
        {
            throw new IllegalStateException("replay reached engine seq " + result.lastSequence() + " of " + toSeq);
        }
        return result;
    }
}
