package dev.vigil.app.engine;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.pipeline.EngineCounters;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.journal.SnapshotStore;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.DataOutputStream;
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
 * Writes snapshots of the rules stage's state when a snapshot point reaches it and at a clean stop. The rules stage
 * pauses only to serialise its state into memory ({@code snapshot.buffer.bytes}); another thread writes the file,
 * forces it and renames it into place. A state larger than the buffer is streamed to the file from the rules thread,
 * which then pauses for the writes too. The fingerprint ties a snapshot to the engine-wide rule settings it was
 * taken under; the rules in force travel inside the snapshot.
 */
final class EngineSnapshots implements RulesHandler.SnapshotTaker, AutoCloseable
{
    private final SnapshotStore store;
    private final long fingerprint;
    private final AtomicCounter takenCounter;
    private final AtomicCounter streamedCounter;
    private final AtomicCounter pauseMicrosGauge;
    private final AtomicCounter bytesGauge;
    private final ErrorHandler errorHandler;
    private final SnapshotBuffer buffer;
    /** The file writer's copy from the off-heap buffer to the file's stream. */
    private final byte[] scratch = new byte[1 << 18];
    private Future<?> inFlight;
    private long lastSnapshotSeq = -1;
    private volatile long lastDurationNs;
    private volatile long taken;
    private final ExecutorService fileWriter = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "vigil-snapshot-writer");
        thread.setDaemon(true);
        return thread;
    });

    EngineSnapshots(final VigilConfig config, final EngineCounters counters, final ErrorHandler errorHandler)
    {
        this.takenCounter = counters.snapshotsTaken();
        this.streamedCounter = counters.snapshotsStreamed();
        this.pauseMicrosGauge = counters.snapshotPauseMicros();
        this.bytesGauge = counters.snapshotBytes();
        this.errorHandler = errorHandler;
        this.store = new SnapshotStore(
            Path.of(config.get(Settings.DATA_DIR), "snapshots"), config.getInt(Settings.SNAPSHOT_KEEP));
        this.fingerprint = fingerprint(config);
        this.buffer = new SnapshotBuffer(config.getLong(Settings.SNAPSHOT_BUFFER_BYTES));
    }

    @Override
    public void takeSnapshot(final long engineSeq, final RulesHandler state)
    {
        if (engineSeq == lastSnapshotSeq)
        {
            return;
        }
        // The buffer may still be on its way to the previous snapshot's file.
        awaitFileWriter();
        final long startNs = System.nanoTime();
        if (serialise(state))
        {
            paused(System.nanoTime() - startNs);
            lastSnapshotSeq = engineSeq;
            inFlight = fileWriter.submit(() -> writeAndPublish(engineSeq));
            return;
        }
        // Larger than the buffer: streamed into the page cache from here; forced and published on the other thread.
        final Path temporary = store.writeTemporary(engineSeq, fingerprint, state::writeState);
        paused(System.nanoTime() - startNs);
        streamedCounter.incrementOrdered();
        lastSnapshotSeq = engineSeq;
        inFlight = fileWriter.submit(() -> publish(temporary));
    }

    private void paused(final long durationNs)
    {
        lastDurationNs = durationNs;
        pauseMicrosGauge.setOrdered(TimeUnit.NANOSECONDS.toMicros(durationNs));
    }

    private boolean serialise(final RulesHandler state)
    {
        buffer.reset();
        try
        {
            final DataOutputStream out = new DataOutputStream(buffer);
            state.writeState(out);
            out.flush();
            return true;
        }
        catch (final IOException ex)
        {
            if (ex == SnapshotBuffer.FULL)
            {
                return false;
            }
            throw new UncheckedIOException("could not serialise the state for a snapshot", ex);
        }
    }

    private void writeAndPublish(final long engineSeq)
    {
        try
        {
            publish(store.writeTemporary(engineSeq, fingerprint, out -> buffer.copyTo(out, scratch)));
        }
        catch (final RuntimeException ex)
        {
            // A lost snapshot loses nothing: the journal has every input, and the next snapshot point tries again.
            errorHandler.onError(ex);
        }
    }

    private void publish(final Path temporary)
    {
        try
        {
            bytesGauge.setOrdered(sizeOf(temporary));
            store.publish(temporary);
            taken++;
            takenCounter.setOrdered(taken);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
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
     * Finish writing the snapshots taken so far.
     */
    @Override
    public void close()
    {
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
     * @return how long the last snapshot paused the rules stage (serialising its state; for a state larger than the
     *         buffer, also writing it to the page cache; never the fsync).
     */
    long lastDurationNs()
    {
        return lastDurationNs;
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
