package dev.vigil.app.engine;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.stage.journal.InputJournal;
import dev.vigil.core.stage.journal.JournalWriterInput;
import dev.vigil.core.stage.journal.NoInputJournal;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalDescriptor;
import dev.vigil.journal.JournalWriter;
import dev.vigil.journal.RecoveryReport;
import dev.vigil.journal.SnapshotStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The engine's journal at start-up: opens (and so recovers) the journal in {@code data.dir/journal}, replays it
 * into the rules stage to rebuild state, and says what it found. With {@code journal.enabled=false} nothing is
 * written or replayed and every start is a fresh one.
 */
final class EngineJournal
{
    private final InputJournal input;
    private final JournalWriter writer;
    private JournalReplay.ReplayResult replayResult;
    private final StringBuilder snapshotReport = new StringBuilder();
    private long snapshotSeq;

    private EngineJournal(final InputJournal input, final JournalWriter writer)
    {
        this.input = input;
        this.writer = writer;
    }

    /**
     * @param config engine configuration.
     * @return the opened journal.
     * @throws dev.vigil.journal.JournalCorruptionException when the journal is damaged in the middle and the
     *         configuration does not allow cutting it there.
     */
    static EngineJournal open(final VigilConfig config)
    {
        if (!config.getBoolean(Settings.JOURNAL_ENABLED))
        {
            return new EngineJournal(NoInputJournal.INSTANCE, null);
        }
        final JournalWriter writer = JournalWriter.open(new JournalContext()
            .directory(directory(config))
            .durability(Durability.valueOf(config.get(Settings.JOURNAL_DURABILITY).toUpperCase(Locale.ROOT)))
            .fsyncIntervalNs(config.getDurationNs(Settings.JOURNAL_FSYNC_INTERVAL))
            .segmentLength(config.getInt(Settings.JOURNAL_SEGMENT_SIZE))
            .truncateAtCorruption(config.getBoolean(Settings.JOURNAL_TRUNCATE_AT_CORRUPTION)));
        return new EngineJournal(new JournalWriterInput(writer), writer);
    }

    /**
     * @param config engine configuration.
     * @return where the journal lives.
     */
    static Path directory(final VigilConfig config)
    {
        return Path.of(config.get(Settings.DATA_DIR), "journal");
    }

    /**
     * Rebuild state: load the newest usable snapshot, then run every journaled input after it through the rules
     * stage. A snapshot is usable when it is whole and was taken under the same rule settings; otherwise the next
     * older one is tried, and without any the whole journal is replayed. One ahead of the journal (after a crash,
     * when the rules stage ran ahead of the journal stage) is set aside for good: the journal goes on with other
     * input, and once it passed that sequence the snapshot would load a state the journal never had.
     *
     * @param rules          the rules stage the engine will run with.
     * @param snapshots      where snapshots are.
     * @param maxFrameLength slot capacity.
     * @param progress       told what a long recovery is doing.
     */
    void replayInto(
        final RulesHandler rules, final EngineSnapshots snapshots, final int maxFrameLength,
        final RecoveryProgress progress)
    {
        if (writer == null)
        {
            return;
        }
        // A snapshot whose state fails part-way through loading leaves some of it in the stage: the stage goes back
        // to the state it started with before an older snapshot or the whole journal is tried.
        final byte[] initialState = stateOf(rules);
        final boolean[] loaderRan = new boolean[1];
        final SnapshotStore.Loader loader = in ->
        {
            loaderRan[0] = true;
            rules.readState(in);
        };
        for (final Path snapshot : snapshots.store().newestFirst())
        {
            final long seq = SnapshotStore.sequenceOf(snapshot);
            if (seq > writer.lastSequence())
            {
                // The rules stage ran ahead of the journal before a crash. The journal goes on from its own end
                // with whatever clients send next, so this state will never be the journal's: out of the store.
                snapshotReport.append(String.format(Locale.ROOT,
                    "%n  set aside snapshot %s: ahead of the journal, which ends at engine seq %d; now %s",
                    snapshot.getFileName(), writer.lastSequence(), setAside(snapshots, snapshot).getFileName()));
                continue;
            }
            progress.loadingSnapshot(snapshot, EngineSnapshots.sizeOf(snapshot));
            final String problem = snapshots.store().load(snapshot, snapshots.acceptedFingerprints(), loader);
            if (problem == null)
            {
                snapshotSeq = seq;
                snapshots.loadedAt(seq);
                snapshotReport.append(String.format(Locale.ROOT, "%n  loaded snapshot %s (engine seq %d)",
                    snapshot.getFileName(), seq));
                break;
            }
            snapshotReport.append(String.format(Locale.ROOT, "%n  skipped snapshot %s: %s",
                snapshot.getFileName(), problem));
            if (loaderRan[0])
            {
                loaderRan[0] = false;
                restore(rules, initialState);
            }
        }

        final long toReplay = writer.lastSequence() - snapshotSeq;
        replayResult = new JournalReplay(rules, maxFrameLength).replay(
            writer.directory(), snapshotSeq + 1, replayed -> progress.replayed(replayed, toReplay));
        final long reached = Math.max(snapshotSeq, replayResult.lastSequence());
        if (reached != writer.lastSequence())
        {
            throw new IllegalStateException("replay of " + writer.directory() + " stopped at engine seq " +
                reached + " (" + replayResult.stopReason() + ") but the journal ends at " + writer.lastSequence());
        }
    }

    private static byte[] stateOf(final RulesHandler rules)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            rules.writeState(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot record the rules stage's initial state", ex);
        }
        return bytes.toByteArray();
    }

    private static void restore(final RulesHandler rules, final byte[] state)
    {
        try
        {
            rules.readState(new DataInputStream(new ByteArrayInputStream(state)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot restore the rules stage's initial state", ex);
        }
    }

    /**
     * @return whether the journal is written, so snapshots make sense.
     */
    boolean enabled()
    {
        return writer != null;
    }

    InputJournal input()
    {
        return input;
    }

    /**
     * @return engine sequence of the last journaled input, 0 for a fresh or disabled journal.
     */
    long lastSequence()
    {
        return writer == null ? 0 : writer.lastSequence();
    }

    /**
     * A clean stop: close the journal, then force every segment file to storage, whatever the durability mode, so
     * that nothing journaled depends on the OS page cache any more.
     *
     * @return segment files forced.
     */
    int closeDurably()
    {
        input.close();
        if (writer == null)
        {
            return 0;
        }
        int forced = 0;
        try (Stream<Path> files = Files.list(writer.directory()))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (file.getFileName().toString().endsWith(JournalDescriptor.SEGMENT_FILE_SUFFIX))
                {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                    {
                        channel.force(true);
                        forced++;
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot force the journal in " + writer.directory() + " to storage", ex);
        }
        return forced;
    }

    /**
     * @return what opening the journal found and what the replay did, one line each.
     */
    String describe()
    {
        if (writer == null)
        {
            return "journal disabled: nothing is journaled, state starts empty";
        }
        final RecoveryReport recovery = writer.recoveryReport();
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
            "journal %s: %d segment(s), %d record(s), durability %s",
            writer.directory(), recovery.segmentsScanned(), recovery.recordCount(),
            writer.durability().name().toLowerCase(Locale.ROOT)));
        if (recovery.truncated())
        {
            text.append(String.format(Locale.ROOT, "%n  cut %d byte(s) of torn or corrupt data at %s offset %d " +
                "(%s); the journal now ends at engine seq %d", recovery.truncatedBytes(), recovery.truncatedFile(),
                recovery.truncatedOffset(), recovery.problem(), recovery.lastSequence()));
        }
        text.append(snapshotReport);
        if (replayResult != null)
        {
            text.append(String.format(Locale.ROOT, "%n  replayed %d record(s) up to engine seq %d in %.1f ms",
                replayResult.records(), Math.max(snapshotSeq, replayResult.lastSequence()),
                replayResult.durationNs() / 1e6));
        }
        return text.toString();
    }

    private static Path setAside(final EngineSnapshots snapshots, final Path snapshot)
    {
        try
        {
            return snapshots.store().setAside(snapshot);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot set aside snapshot " + snapshot + ", which is ahead of the " +
                "journal: move it out of " + snapshot.getParent() + " before starting", ex);
        }
    }
}
