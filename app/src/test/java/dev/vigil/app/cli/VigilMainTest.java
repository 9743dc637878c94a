package dev.vigil.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class VigilMainTest extends CommandLineTest
{
    @TempDir
    Path dataDir;

    @Test
    void everyCommandHasHelpAndExitsZero()
    {
        for (final String command : new String[]{"run", "demo", "journal", "journal verify", "journal dump",
            "journal replay", "journal whatif", "journal import", "snapshot", "replay"})
        {
            out.reset();
            final String[] words = (command + " --help").split(" ");
            assertEquals(0, VigilMain.execute(words), command);
            assertTrue(output().contains("Usage: vigil " + command), command + ": " + output());
        }
        assertEquals(0, VigilMain.execute("--help"));
    }

    @Test
    void badUsageAndBadConfigurationExitTwoNamingTheProblem()
    {
        assertEquals(2, VigilMain.execute());
        assertEquals(2, VigilMain.execute("launch"));
        assertEquals(2, VigilMain.execute("run", "--no-such-option"));

        err.reset();
        assertEquals(2, VigilMain.execute("run", "--set", "ring.size=1000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
            "vigil run: --set: setting 'ring.size' has value '1000'; allowed: a power of two"), err.toString());

        err.reset();
        assertEquals(2, VigilMain.execute("run", "--config", dataDir.resolve("missing.conf").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.conf: cannot read configuration file"));

        err.reset();
        assertEquals(2, VigilMain.execute("demo", SMALL_STATE, "--duration", "ten seconds"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--duration 'ten seconds' is not a duration"));
    }

    @Test
    void demoDecidesEveryMessageAndPrintsTheReport()
    {
        final int exit = VigilMain.execute("demo", SMALL_STATE, "--duration", "1s", "--warmup", "200ms",
            "--rate", "2000",
            "--data-dir", dataDir.toString());
        final String report = out.toString(StandardCharsets.UTF_8);

        assertEquals(0, exit, report + err);
        final long sent = number(report, "sent\\s+([\\d,]+)");
        assertEquals(sent, number(report, "decided\\s+([\\d,]+)"));
        assertTrue(sent >= 1000, report);
        assertEquals(0, number(report, "rejected\\s+([\\d,]+)"));
        assertTrue(report.contains("alerts    amount-threshold"), report);
        assertTrue(report.contains("p50       p90       p99     p99.9    p99.99       max"), report);
    }

    private static long number(final String text, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(text);
        assertTrue(matcher.find(), () -> regex + " not in: " + text);
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }
}
