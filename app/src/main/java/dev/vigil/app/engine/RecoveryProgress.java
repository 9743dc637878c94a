package dev.vigil.app.engine;

import org.agrona.concurrent.NanoClock;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a recovering engine is doing, told on the starting thread as it goes: a long recovery (a large snapshot, a long
 * journal after it) shows progress instead of silence. The engine's transport stays serviced meanwhile, so a listener
 * that takes its time delays the start and nothing else.
 */
public interface RecoveryProgress
{
    /** Tells nobody. */
    RecoveryProgress NONE = new RecoveryProgress()
    {
    };

    /**
     * A snapshot is about to be loaded.
     *
     * @param file  the snapshot file.
     * @param bytes its size.
     */
    default void loadingSnapshot(final Path file, final long bytes)
    {
    }

    /**
     * Journal replay has come this far; told after every batch of records.
     *
     * @param replayed records replayed so far.
     * @param toReplay records the replay will take in all.
     */
    default void replayed(final long replayed, final long toReplay)
    {
    }

    /**
     * @param out          where to print.
     * @param clock        the time between lines is measured on.
     * @param intervalNs   least time between two lines about the replay.
     * @param minimumBytes smallest snapshot whose loading is worth a line.
     * @return progress printed as lines such as {@code recovering: replayed 4,200,000 of 30,000,000 records (14%)},
     *         at most one per interval, and nothing for a recovery quicker than that.
     */
    static RecoveryProgress printingTo(
        final PrintStream out, final NanoClock clock, final long intervalNs, final long minimumBytes)
    {
        return new RecoveryProgress()
        {
            private final long startNs = clock.nanoTime();
            private long lastLineNs = startNs;

            @Override
            public void loadingSnapshot(final Path file, final long bytes)
            {
                if (bytes >= minimumBytes)
                {
                    out.printf(Locale.ROOT, "recovering: loading snapshot %s (%,d MiB)%n", file.getFileName(),
                        bytes >> 20);
                    out.flush();
                }
            }

            @Override
            public void replayed(final long replayed, final long toReplay)
            {
                final long nowNs = clock.nanoTime();
                if (nowNs - lastLineNs >= intervalNs)
                {
                    lastLineNs = nowNs;
                    final double seconds = (nowNs - startNs) / (double)TimeUnit.SECONDS.toNanos(1);
                    out.printf(Locale.ROOT, "recovering: replayed %,d of %,d records (%d%%) after %.1f s%n",
                        replayed, toReplay, toReplay == 0 ? 100 : replayed * 100 / toReplay, seconds);
                    out.flush();
                }
            }
        };
    }
}
