package dev.vigil.app.engine;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.journal.SnapshotStore;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Writes snapshots of the rules stage's state when a snapshot point reaches it (on the rules thread, which pauses
 * for the write) and at a clean stop. The fingerprint ties a snapshot to the engine-wide rule settings it was taken
 * under; the rules in force travel inside the snapshot.
 */
final class EngineSnapshots implements RulesHandler.SnapshotTaker, AutoCloseable
{
    private final SnapshotStore store;
    private final long fingerprint;
    private final AtomicCounter takenCounter;
    private long lastSnapshotSeq = -1;
    private volatile long lastDurationNs;
    private volatile long taken;
    private final ExecutorService fileWriter = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "vigil-snapshot-writer");
        thread.setDaemon(true);
        return thread;
    });

    EngineSnapshots(final VigilConfig config, final AtomicCounter takenCounter)
    {
        this.takenCounter = takenCounter;
        this.store = new SnapshotStore(
            Path.of(config.get(Settings.DATA_DIR), "snapshots"), config.getInt(Settings.SNAPSHOT_KEEP));
        this.fingerprint = fingerprint(config);
    }

    @Override
    public void takeSnapshot(final long engineSeq, final RulesHandler state)
    {
        if (engineSeq == lastSnapshotSeq)
        {
            return;
        }
        // The rules stage pauses while its state streams into the page cache; forcing the file to disk and
        // publishing it happen on another thread.
        final long startNs = System.nanoTime();
        final Path temporary = store.writeTemporary(engineSeq, fingerprint, state::writeState);
        lastDurationNs = System.nanoTime() - startNs;
        lastSnapshotSeq = engineSeq;
        fileWriter.execute(() ->
        {
            store.publish(temporary);
            taken++;
            takenCounter.setOrdered(taken);
        });
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
     * @return how long the last snapshot paused the rules stage (writing the state to the page cache, not the fsync).
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
     * retry window. The rules
     * themselves are not here: a snapshot records the text of the rules in force, and a start rebuilds them from it.
     */
    static long fingerprint(final VigilConfig config)
    {
        final CRC32C crc = new CRC32C();
        for (final Setting setting : Settings.ALL)
        {
            if ((setting.name().startsWith("rules.") && setting != Settings.RULES_FILE) ||
                setting.name().startsWith("time.") || setting == Settings.DEDUP_WINDOW)
            {
                crc.update((setting.name() + "=" + config.get(setting) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return crc.getValue();
    }
}
