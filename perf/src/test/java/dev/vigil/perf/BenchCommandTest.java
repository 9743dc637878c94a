package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vigil bench} end to end: real engines, real Aeron on loopback, short runs at a low rate.
 */
class BenchCommandTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @TempDir
    Path dir;

    @BeforeEach
    void captureOutput()
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput()
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void helpListsTheOptions()
    {
        assertEquals(0, BenchCommand.execute("--help"));
        final String help = output();
        for (final String option : new String[]{"--rate", "--duration", "--warmup", "--clients", "--keys", "--mix",
            "--seed", "--out", "--profile", "--hiccups", "--sweep", "--slo", "--html"})
        {
            assertTrue(help.contains(option), option + " missing from\n" + help);
        }
    }

    @Test
    void badOptionsExitTwoNamingTheOption()
    {
        assertUsageError("--rate", "--rate", "fast");
        assertUsageError("--rate", "--rate", "0");
        assertUsageError("--duration", "--duration", "10");
        assertUsageError("--warmup", "--warmup", "2 minutes");
        assertUsageError("--profile", "--profile", "turbo");
        assertUsageError("--clients", "--clients", "0");
        assertUsageError("--keys", "--keys", "0");
        assertUsageError("--mix", "--mix", "payments=3");
        assertUsageError("--sweep-factor", "--sweep", "--sweep-factor", "1");
        assertUsageError("--rate", "--sweep", "--rate", "10k,20k");
        assertUsageError("--frobnicate", "--frobnicate");
        assertUsageError("rules.nonsense", "--duration", "1s", "--warmup", "0s", "--no-baselines",
            "--out", dir.toString(), "--set", "rules.nonsense=1");
    }

    @Test
    @Tag("slow") // real benchmark runs (Aeron echo, ring, engine), each with its warm-up
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aShortRunLeavesReadableFiles() throws IOException
    {
        final Path outDir = dir.resolve("bench");

        final int status = BenchCommand.execute("--rate", "2000", "--warmup", "500ms", "--duration", "2s",
            "--clients", "2", "--keys", "500", "--out", outDir.toString(), "--html", "--set", "rules.max.keys=16384");

        final String console = output();
        assertEquals(0, status, console + errors());
        assertTrue(console.contains("vigil / echo"), console);
        assertTrue(console.contains("send->ingress"), console);
        assertTrue(console.contains("platform hiccups during each run"), console);
        assertTrue(console.contains("stalls over 1.0 ms"), console);
        assertTrue(console.contains("GC in the engine's JVM while measuring"), console);

        for (final String topology : new String[]{"aeron-echo", "ring-noop", "vigil"})
        {
            final HistogramLogReader reader =
                new HistogramLogReader(outDir.resolve(topology + "-2000.hlog").toFile());
            long recorded = 0;
            Histogram interval;
            while ((interval = (Histogram)reader.nextIntervalHistogram()) != null)
            {
                recorded += interval.getTotalCount();
            }
            assertEquals(4_000, recorded, topology);
            final String distribution = Files.readString(outDir.resolve(topology + "-2000.hgrm"));
            assertTrue(distribution.contains("Total count    =         4000"), distribution);
        }
        assertTrue(Files.exists(outDir.resolve("vigil-2000-stage-send-to-ingress.hgrm")));
        assertTrue(Files.exists(outDir.resolve("vigil-2000-stalls.txt")));
        assertTrue(Files.readString(outDir.resolve("summary.txt")).contains("vigil / echo"));
        assertNotNull(ImageIO.read(outDir.resolve("latency.png").toFile()), "latency.png does not decode");
        assertTrue(Files.readString(outDir.resolve("report.html")).contains("data:image/png;base64,"));
    }

    @Test
    @Tag("slow") // real benchmark runs, one per rate step
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSweepStepsTheRateAndSaysWhyItStopped()
    {
        final int status = BenchCommand.execute("--sweep", "--rate", "1000", "--max-rate", "2000", "--slo", "1s",
            "--warmup", "200ms", "--duration", "1s", "--out", dir.resolve("sweep").toString(),
            "--set", "rules.max.keys=16384");

        final String console = output();
        assertEquals(0, status, console + errors());
        assertTrue(console.contains("sweep, round trip from the intended send time"), console);
        assertTrue(console.matches("(?s).*\\n\\s+1,000\\s+[0-9,]+\\s+[0-9.]+.*"), console);
        assertTrue(console.contains("stopped: "), console);
        assertTrue(Files.exists(dir.resolve("sweep").resolve("vigil-1000.hlog")));
    }

    private void assertUsageError(final String option, final String... args)
    {
        err.reset();
        assertEquals(2, BenchCommand.execute(args), String.join(" ", args));
        assertTrue(errors().contains(option), "no mention of " + option + " in: " + errors());
    }

    private String output()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
