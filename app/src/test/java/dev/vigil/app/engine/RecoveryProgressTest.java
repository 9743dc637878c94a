package dev.vigil.app.engine;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecoveryProgressTest
{
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final RecoveryProgress progress = RecoveryProgress.printingTo(
        new PrintStream(printed, true, StandardCharsets.UTF_8), clock, INTERVAL_NS, 1024);

    @Test
    void aQuickRecoveryPrintsNothing()
    {
        progress.loadingSnapshot(Path.of("snapshots/snapshot-00000000000000000100.snap"), 1023);
        clock.advance(INTERVAL_NS - 1);
        progress.replayed(4096, 8192);
        progress.replayed(8192, 8192);

        assertEquals("", text());
    }

    @Test
    void aLongRecoveryPrintsALineAnIntervalApart()
    {
        progress.loadingSnapshot(Path.of("snapshots/snapshot-00000000000000000100.snap"), 3L << 20);
        clock.advance(INTERVAL_NS);
        progress.replayed(1_000_000, 4_000_000);
        clock.advance(INTERVAL_NS / 2);
        progress.replayed(2_000_000, 4_000_000);
        clock.advance(INTERVAL_NS / 2);
        progress.replayed(3_000_000, 4_000_000);

        assertEquals(String.format(
            "recovering: loading snapshot snapshot-00000000000000000100.snap (3 MiB)%n" +
            "recovering: replayed 1,000,000 of 4,000,000 records (25%%) after 2.0 s%n" +
            "recovering: replayed 3,000,000 of 4,000,000 records (75%%) after 4.0 s%n"), text());
    }

    private String text()
    {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
