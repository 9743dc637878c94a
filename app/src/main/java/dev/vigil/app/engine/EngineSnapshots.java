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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Writes snapshots of the rules stage's state when a snapshot point reaches it and at a clean stop, without stopping
 * the rules stage for the keyed records, which are most of the state:
 * <ol>
 *   <li>At the point the rules stage writes the rest of its state into memory ({@code snapshot.buffer.bytes}) and
 *   begins a copy-on-write of its keyed records ({@link RulesHandler#beginSnapshot}): that is the pause.</li>
 *   <li>The snapshot writer thread writes that state to a temporary file at once, then the records as the rules stage
 *   copies them into a ring ({@link SnapshotRecordRing}, {@code snapshot.copy.buffer.bytes}): a record before the
 *   rules first write it, the others a step at a time between batches.</li>
 *   <li>With every record in the file the writer forces it and renames it into place.</li>
 * </ol>
 * A point that comes while the previous snapshot is still being copied or written is deferred: the stage asks again
 * when it is done. A state beside the records larger than the buffer is written whole to the file from the rules
 * thread, which pauses for it. A snapshot that fails is given up: its file is deleted, it is counted, and the engine
 * runs on (the journal has every input). The fingerprint ties a snapshot to the engine-wide rule settings it was taken
 * under; the rules in force travel inside the snapshot.
 */
final class EngineSnapshots implements RulesHandler.SnapshotTaker, AutoCloseable
{
    private final SnapshotStore store;
    private final long fingerprint;
    private final AtomicCounter takenCounter;
    private final AtomicCounter streamedCounter;
    private final AtomicCounter failedCounter;
    private final AtomicCounter pauseMicrosGauge;
    private final AtomicCounter bytesGauge;
    private final AtomicCounter durationMillisGauge;
    private final ErrorHandler errorHandler;
    private final SnapshotBuffer buffer;
    private final SnapshotRecordRing records;
    /** The file writer's copy from the off-heap buffer to the file's stream. */
    private final byte[] scratch = new byte[1 << 18];
    private Future<?> inFlight;
    private long lastSnapshotSeq = -1;
    private volatile long lastDurationNs;
    private volatile long taken;
    /** The pause gauge as {@link #close} found it: the counters may be unmapped after it. */
    private volatile long longestStopMicrosAtClose = -1;
    private final ExecutorService fileWriter = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "vigil-snapshot-writer");
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
        // A copied snapshot is written for seconds at a million keys: a crash may have left one cut short.
        store.deleteTemporaries();
        this.buffer = new SnapshotBuffer(config.getLong(Settings.SNAPSHOT_BUFFER_BYTES));
        this.records = new SnapshotRecordRing(
            config.getLong(Settings.SNAPSHOT_COPY_BUFFER_BYTES),
            config.getInt(Settings.RULES_STATE_MAX_RECORD_BYTES),
            config.getDurationNs(Settings.SNAPSHOT_COPY_WAIT_TIMEOUT),
            counters.get(EngineCounter.SNAPSHOT_COPY_WAITS),
            pauseMicrosGauge);
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
        if (state.isSnapshotInProgress() || (inFlight != null && !inFlight.isDone()))
        {
            return false;
        }
        inFlight = null;
        final long startNs = System.nanoTime();
        // The writer is done with the buffer and the ring: whatever a given-up snapshot left goes.
        records.reset();
        final long recordCount = beginSnapshot(state);
        lastSnapshotSeq = engineSeq;
        if (recordCount >= 0)
        {
            paused(System.nanoTime() - startNs);
            inFlight = fileWriter.submit(() -> writeAndPublish(engineSeq, recordCount, startNs));
            return true;
        }
        // Larger than the buffer: written whole from here; forced and published on the other thread.
        final Path temporary;
        try
        {
            temporary = store.writeTemporary(engineSeq, fingerprint, state::writeState);
        }
        catch (final RuntimeException ex)
        {
            paused(System.nanoTime() - startNs);
            failed(ex);
            return true;
        }
        paused(System.nanoTime() - startNs);
        streamedCounter.incrementOrdered();
        inFlight = fileWriter.submit(() -> publish(temporary, startNs));
        return true;
    }

    private void paused(final long durationNs)
    {
        lastDurationNs = durationNs;
        pauseMicrosGauge.setOrdered(TimeUnit.NANOSECONDS.toMicros(durationNs));
    }

    /**
     * @return keyed records to come through the ring, or -1 when the state beside them outgrew the buffer (nothing
     *         begun then).
     */
    private long beginSnapshot(final RulesHandler state)
    {
        buffer.reset();
        try
        {
            return state.beginSnapshot(buffer, records);
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

    private void writeAndPublish(final long engineSeq, final long recordCount, final long startNs)
    {
        final Path temporary;
        try
        {
            temporary = store.writeTemporary(engineSeq, fingerprint, out ->
            {
                buffer.copyTo(out, scratch);
                records.drainTo(out, recordCount);
            });
        }
        catch (final RuntimeException ex)
        {
            // The rules stage stops copying; a lost snapshot loses nothing: the journal has every input.
            records.fail();
            if (!records.abandonedByStage())
            {
                failed(ex);
            }
            return;
        }
        publish(temporary, startNs);
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
            deleteQuietly(temporary);
            failed(ex);
        }
    }

    private void failed(final RuntimeException ex)
    {
        errorHandler.onError(ex);
        failedCounter.increment();
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // A temporary file left behind is deleted by the next snapshot of that sequence, never loaded.
        }
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

    private void awaitFileWriter()
    {
        if (inFlight == null)
        {
            return;
        }
        try
        {
            inFlight.get();
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
        awaitFileWriter();
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
        if (inFlight != null && !inFlight.isDone())
        {
            // The stage is stopped: records not in the ring by now never come.
            records.abandon();
        }
        fileWriter.shutdown();
        try
        {
            if (!fileWriter.awaitTermination(60, TimeUnit.SECONDS))
            {
                fileWriter.shutdownNow();
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
     */
    static long fingerprint(final VigilConfig config)
    {
        final CRC32C crc = new CRC32C();
        for (final Setting setting : Settings.ALL)
        {
            if ((setting.name().startsWith("rules.") && setting != Settings.RULES_FILE &&
                setting != Settings.RULES_LOOKAHEAD) ||
                setting.name().startsWith("time.") || setting == Settings.DEDUP_WINDOW)
            {
                crc.update((setting.name() + "=" + config.get(setting) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return crc.getValue();
    }
}
