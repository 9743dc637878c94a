package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bench moves the engine's early first snapshot into the warm-up, unless told otherwise.
 */
class FirstSnapshotInWarmupTest
{
    @Test
    void theFirstSnapshotComesHalfWayThroughAWarmupShorterThanItsDefault()
    {
        assertEquals(15_000, firstSnapshotEvents(run(10_000, 3)), "10k msg/s, 3 s: 30,000 requests of warm-up");
        assertEquals(50_000, firstSnapshotEvents(run(100_000, 3)), "a warm-up past the default keeps the default");
        assertEquals(50_000, firstSnapshotEvents(run(10_000, 0)), "no warm-up: nowhere to move it");
    }

    @Test
    void aSettingGivenWithSetWins()
    {
        final VigilConfig.Builder builder = VigilConfig.builder();
        VigilTarget.firstSnapshotInWarmup(builder, run(10_000, 3));
        builder.override(Settings.SNAPSHOT_FIRST_EVENTS.name() + "=7");
        assertEquals(7, builder.build().getLong(Settings.SNAPSHOT_FIRST_EVENTS));
    }

    private static long firstSnapshotEvents(final OpenLoopRun run)
    {
        final VigilConfig.Builder builder = VigilConfig.builder();
        VigilTarget.firstSnapshotInWarmup(builder, run);
        return builder.build().getLong(Settings.SNAPSHOT_FIRST_EVENTS);
    }

    private static OpenLoopRun run(final int rate, final int warmupSeconds)
    {
        return new OpenLoopRun("vigil", rate, TimeUnit.SECONDS.toNanos(warmupSeconds), TimeUnit.SECONDS.toNanos(1));
    }
}
