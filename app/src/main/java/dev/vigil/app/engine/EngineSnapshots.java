package dev.vigil.app.engine;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.journal.SnapshotStore;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;

/**
 * Writes snapshots of the rules stage's state when a snapshot point reaches it and at a clean stop, without stopping
 * the rules stage for the keyed records, which are most of the state, and without a thread of its own competing with
 * the engine's for the cores:
 * <ol>
 *   <li>At the point the rules stage writes the rest of its state into memory ({@code snapshot.buffer.bytes}) and
 *   begins a copy-on-write of its keyed records ({@link RulesHandler#beginSnapshot}): that is the pause.</li>
 *   <li>The rules stage's copy steps, when it has no input, and its writes to records not yet copied hand the records
 *   to a {@link SnapshotFileWriter}, which writes the file from the rules thread in batches of
 *   {@code snapshot.write.buffer.bytes}: the header and that state first, then the records.</li>
 *   <li>With every record in the file, another thread forces it and renames it into place: it mostly waits for the
 *   disk.</li>
 * </ol>
 * A point that comes while the previous snapshot is still being copied or published is deferred: the stage asks
 * again when it is done. A state beside the records larger than the buffer is written whole to the file from the
 * rules thread, which pauses for it. A snapshot that fails is given up: its file is deleted, it is counted, and the
 * engine runs on (the journal has every input). The fingerprint ties a snapshot to the engine-wide rule settings it
 * was taken under; the rules in force travel inside the snapshot.
 */
final class EngineSnapshots implements RulesHandler.SnapshotTaker, SnapshotFileWriter.Outcome, AutoCloseable
{
    private static final Runnable NOTHING = () -> { };

    private final SnapshotStore store;
    private final long fingerprint;
    private final LongPredicate acceptedFingerprints;
    private final AtomicCounter takenCounter;
    private final AtomicCounter streamedCounter;
    private final AtomicCounter failedCounter;
    private final AtomicCounter pauseMicrosGauge;
    private final AtomicCounter bytesGauge;
    private final AtomicCounter durationMillisGauge;
    private final ErrorHandler errorHandler;
    private final SnapshotBuffer buffer;
    private final SnapshotFileWriter writer;
    private Future<?> inFlight;
    private long lastSnapshotSeq = -1;
    private long startNs;
    private volatile long lastDurationNs;
    private volatile long taken;
    /** The pause gauge as {@link #close} found it: the counters may be unmapped after it. */
    private volatile long longestStopMicrosAtClose = -1;
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "vigil-snapshot-publisher");
        thread.setDaemon(true);
        return thread;
    });

    EngineSnapshots(final VigilConfig config, final EngineCounters counters, final ErrorHandler errorHandler)
    {
        this.takenCounter = counters.get(EngineCounter.SNAPSHOTS_TAKEN);
        this.streamedCounter = counters.get(EngineCounter.SNAPSHOTS_STREAMED);
        this.failedCounter = counters.get(EngineCounter.SNAPSHOTS_FAILED);
        this.pauseMicrosGauge = counters.get(EngineCounter.SNAPSHOT_PAUSE_MICROS);
        this.bytesGauge = counters.get(EngineCounter.SNAPSHOT_BYTES);
        this.durationMillisGauge = counters.get(EngineCounter.SNAPSHOT_DURATION_MILLIS);
        this.errorHandler = errorHandler;
        this.store = new SnapshotStore(
            Path.of(config.get(Settings.DATA_DIR), "snapshots"), config.getInt(Settings.SNAPSHOT_KEEP));
        this.fingerprint = fingerprint(config);
        this.acceptedFingerprints = acceptedFingerprints(config);
        // A copied snapshot is written for seconds at a million keys: a crash may have left one cut short.
        store.deleteTemporaries();
        // Once, here: a snapshot point then costs no file system call (the writer creates its file at its first step).
        createDirectory(store.directory());
        this.buffer = new SnapshotBuffer(config.getLong(Settings.SNAPSHOT_BUFFER_BYTES));
        this.writer = new SnapshotFileWriter(
            config.getInt(Settings.SNAPSHOT_WRITE_BUFFER_BYTES),
            config.getInt(Settings.RULES_STATE_MAX_RECORD_BYTES),
            counters.get(EngineCounter.SNAPSHOT_INLINE_WRITES),
            pauseMicrosGauge,
            this,
            publisher,
            SnapshotFileWriter.SYNC_BYTES);
    }

    /**
     * Begin a snapshot at a snapshot point, on the rules thread.
     *
     * @return false when the previous snapshot is still being copied or written: the stage asks again later.
     */
    @Override
    public boolean takeSnapshot(final long engineSeq, final RulesHandler state)
    {
        if (engineSeq == lastSnapshotSeq)
        {
            return true;
        }
        if (state.isSnapshotInProgress() || writer.isWriting() || (inFlight != null && !inFlight.isDone()))
        {
            return false;
        }
        inFlight = null;
        startNs = System.nanoTime();
        lastSnapshotSeq = engineSeq;
        writer.open(store.temporaryFile(engineSeq), engineSeq, fingerprint, buffer);
        final long recordCount;
        try
        {
            recordCount = beginSnapshot(state);
        }
        catch (final RuntimeException ex)
        {
            // A state that cannot be serialised (a rule's bug) costs this snapshot, not the engine: nothing was begun,
            // and the next point must find the writer free.
            writer.cancel();
            return givenUp(ex);
        }
        if (recordCount >= 0)
        {
            // With no records the file is written whole here: part of the pause.
            writer.expect(recordCount);
            paused(System.nanoTime() - startNs);
            return true;
        }
        // Larger than the buffer: written whole from here; forced and published on the other thread.
        writer.cancel();
        final Path streamed;
        try
        {
            streamed = store.writeTemporary(engineSeq, fingerprint, state::writeState);
        }
        catch (final RuntimeException ex)
        {
            return givenUp(ex);
        }
        paused(System.nanoTime() - startNs);
        streamedCounter.incrementOrdered();
        written(streamed, null);
        return true;
    }

    private static void createDirectory(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not create the snapshot directory " + directory, ex);
        }
    }

    @Override
    public void written(final Path temporary, final FileChannel channel)
    {
        final long snapshotStartNs = startNs;
        inFlight = publisher.submit(() ->
        {
            SnapshotFileWriter.closeQuietly(channel);
            publish(temporary, snapshotStartNs);
        });
    }

    @Override
    public void failed(final Path temporary, final IOException cause)
    {
        failed(new UncheckedIOException("could not write snapshot " + temporary, cause));
    }

    /**
     * The snapshot begun at {@link #startNs} is given up at its point: the pause so far recorded, the failure counted.
     *
     * @return true: the point is passed.
     */
    private boolean givenUp(final RuntimeException ex)
    {
        paused(System.nanoTime() - startNs);
        failed(ex);
        return true;
    }

    private void paused(final long durationNs)
    {
        lastDurationNs = durationNs;
        pauseMicrosGauge.setOrdered(TimeUnit.NANOSECONDS.toMicros(durationNs));
    }

    /**
     * @return keyed records the copy will hand to the writer, or -1 when the state beside them outgrew the buffer
     *         (nothing begun then).
     */
    private long beginSnapshot(final RulesHandler state)
    {
        buffer.reset();
        try
        {
            return state.beginSnapshot(buffer, writer);
        }
        catch (final IOException ex)
        {
            if (ex == SnapshotBuffer.FULL)
            {
                return -1;
            }
            throw new UncheckedIOException("could not serialise the state for a snapshot", ex);
        }
    }

    private void publish(final Path temporary, final long startNs)
    {
        try
        {
            bytesGauge.setOrdered(sizeOf(temporary));
            store.publish(temporary);
            durationMillisGauge.setOrdered(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            taken++;
            takenCounter.setOrdered(taken);
        }
        catch (final RuntimeException ex)
        {
            SnapshotFileWriter.deleteQuietly(temporary);
            failed(ex);
        }
    }

    private void failed(final RuntimeException ex)
    {
        errorHandler.onError(ex);
        failedCounter.increment();
    }

    /**
     * For gauges and progress lines only: a size that cannot be read shows as 0 and stops nothing.
     */
    static long sizeOf(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /**
     * Wait until the publisher has done everything handed to it so far: the last publish, and the write-backs and
     * discards before it.
     */
    private void awaitPublisher()
    {
        final Future<?> drained = publisher.submit(NOTHING);
        try
        {
            if (inFlight != null)
            {
                try
                {
                    inFlight.get();
                }
                catch (final ExecutionException ex)
                {
                    errorHandler.onError(ex.getCause());
                }
            }
            drained.get();
        }
        catch (final ExecutionException ex)
        {
            errorHandler.onError(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        inFlight = null;
    }

    /**
     * Finish the snapshot in progress, if any, and wait until it is written: with the rules stage stopped, from the
     * thread that stopped it.
     *
     * @param state the stopped stage.
     */
    void finishInProgress(final RulesHandler state)
    {
        state.finishSnapshot();
        awaitPublisher();
    }

    /**
     * Snapshot the state of a stopped stage at its last input, whole, and wait until it is written. A snapshot in
     * progress at an earlier input is given up, superseded; one at this very input is finished instead.
     *
     * @param engineSeq the stage's last input.
     * @param state     the stopped stage.
     */
    void takeFinalSnapshot(final long engineSeq, final RulesHandler state)
    {
        if (state.isSnapshotInProgress() && engineSeq != lastSnapshotSeq)
        {
            state.abandonSnapshot();
        }
        finishInProgress(state);
        takeSnapshot(engineSeq, state);
        finishInProgress(state);
    }

    /**
     * Finish writing the snapshots taken so far; a snapshot whose records will not all come (its stage stopped
     * before they were copied) is given up.
     */
    @Override
    public void close()
    {
        longestStopMicrosAtClose = pauseMicrosGauge.get();
        // The stage is stopped: records not copied by now never come.
        writer.abandon();
        publisher.shutdown();
        try
        {
            if (!publisher.awaitTermination(60, TimeUnit.SECONDS))
            {
                // Interrupted, a publish must still end before the counters it writes are unmapped.
                publisher.shutdownNow();
                publisher.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Note that the state was just loaded from the snapshot at this sequence, so it is not written again.
     *
     * @param engineSeq sequence of the loaded snapshot.
     */
    void loadedAt(final long engineSeq)
    {
        lastSnapshotSeq = engineSeq;
    }

    SnapshotStore store()
    {
        return store;
    }

    long fingerprint()
    {
        return fingerprint;
    }

    /**
     * @return accepts the fingerprints of snapshots this engine loads ({@link #acceptedFingerprints}).
     */
    LongPredicate acceptedFingerprints()
    {
        return acceptedFingerprints;
    }

    /**
     * @return how long the last snapshot point paused the rules stage (serialising its state beside the keyed records
     *         and beginning their copy; for a state larger than the buffer, writing it all to the page cache; never
     *         the fsync). The copy steps and waits after it are in the pause gauge.
     */
    long lastDurationNs()
    {
        return lastDurationNs;
    }

    /**
     * @return the longest stop of the rules stage for the last snapshot, in microseconds (the pause gauge).
     */
    long longestStopMicros()
    {
        final long atClose = longestStopMicrosAtClose;
        return atClose >= 0 ? atClose : pauseMicrosGauge.get();
    }

    /**
     * @return snapshots written since start.
     */
    long taken()
    {
        return taken;
    }

    /**
     * The settings that shape the rules stage's state: the engine-wide rule settings, the event-time settings and the
     * retry window. The rules themselves are not here: a snapshot records the text of the rules in force, and a start
     * rebuilds them from it. Nor is the lookahead, which changes how fast the state is reached, never what it holds.
     * Nor, in effect, where the keyed records live: that setting is hashed as {@code true}, the value every snapshot
     * was taken with while it was the default.
     */
    static long fingerprint(final VigilConfig config)
    {
        return fingerprint(config, true);
    }

    /**
     * @return accepts the fingerprint snapshots of this configuration are taken with, and the one an engine that set
     * {@code rules.state.persisted=false} gave them while that setting still counted: those load too.
     */
    static LongPredicate acceptedFingerprints(final VigilConfig config)
    {
        final long current = fingerprint(config, true);
        final long takenInMemory = fingerprint(config, false);
        return written -> written == current || written == takenInMemory;
    }

    private static long fingerprint(final VigilConfig config, final boolean persistedAs)
    {
        final CRC32C crc = new CRC32C();
        for (final Setting setting : Settings.ALL)
        {
            if (setting == Settings.RULES_STATE_PERSISTED)
            {
                // Where the records live changes nothing in them.
                crc.update((setting.name() + "=" + persistedAs + "\n").getBytes(StandardCharsets.UTF_8));
            }
            else if ((setting.name().startsWith("rules.") && setting != Settings.RULES_FILE &&
                setting != Settings.RULES_LOOKAHEAD) ||
                setting.name().startsWith("time.") || setting == Settings.DEDUP_WINDOW)
            {
                crc.update((setting.name() + "=" + config.get(setting) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return crc.getValue();
    }
}
