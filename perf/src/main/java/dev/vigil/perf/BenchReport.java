package dev.vigil.perf;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns bench results into what people read: the console tables (percentiles, ratios to the echo baseline, stage
 * breakdown, stalls, collections, the sweep) and the files in the output directory (percentile distributions).
 */
final class BenchReport
{
    /** The engine's topology name. */
    static final String VIGIL = "vigil";
    /** The raw Aeron echo baseline's topology name. */
    static final String ECHO = "aeron-echo";
    /** The in-process ring baseline's topology name. */
    static final String RING = "ring-noop";

    private static final String NL = System.lineSeparator();
    private static final String LABEL = "  %-24s";
    private static final int CONSOLE_STALLS = 20;

    private BenchReport()
    {
    }

    /**
     * The tables for one rate: every topology's round trip, the engine's ratio to the echo, its stages, stalls and
     * collections.
     *
     * @param results the runs at one rate.
     * @return the text.
     */
    static String rateTables(final List<BenchResult> results)
    {
        final StringBuilder text = new StringBuilder();
        text.append("  round trip from the intended send time (coordinated-omission free), microseconds").append(NL);
        text.append(header("achieved/s"));
        BenchResult echo = null;
        BenchResult vigil = null;
        for (final BenchResult result : results)
        {
            text.append(row(result.topology(), result.summary().valuesUs(), "%10.1f"));
            text.append(String.format(Locale.ROOT, "%12s", formatRate(result.run().achievedRatePerSecond())));
            text.append(NL);
            echo = ECHO.equals(result.topology()) ? result : echo;
            vigil = VIGIL.equals(result.topology()) ? result : vigil;
        }
        if (echo != null && vigil != null)
        {
            text.append(row(VIGIL + " / echo", vigil.summary().ratioTo(echo.summary()), "%10.2f")).append(NL);
        }
        text.append("  platform hiccups during each run (a thread sleeping 1 ms, as jHiccup: how late it woke), " +
            "microseconds").append(NL);
        for (final BenchResult result : results)
        {
            text.append(row(result.topology(), LatencySummary.of(result.platform().hiccupsNs()).valuesUs(), "%10.1f"))
                .append(NL);
        }
        for (final BenchResult result : results)
        {
            if (result.stages() != null)
            {
                text.append(stageTable(result));
            }
        }
        for (final BenchResult result : results)
        {
            if (VIGIL.equals(result.topology()))
            {
                text.append("  ").append(result.topology()).append(' ')
                    .append(result.hiccups().describe("", CONSOLE_STALLS).trim().replace(NL, NL + "  ")).append(NL);
                if (result.hiccups().stalls() > CONSOLE_STALLS)
                {
                    text.append("    (every stall: ").append(result.fileStem()).append("-stalls.txt)").append(NL);
                }
                text.append(String.format(Locale.ROOT, "  GC in the engine's JVM while measuring: %s%n",
                    result.run().gcWhileMeasuring().describe()));
            }
        }
        return text.toString();
    }

    /**
     * @param results the runs of a sweep, in the order of their rates.
     * @return rate against p50, p99, p99.9, p99.99, max.
     */
    static String sweepTable(final List<BenchResult> results)
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "  %12s %12s %10s %10s %10s %10s %10s%n",
            "rate/s", "achieved/s", "p50", "p99", "p99.9", "p99.99", "max"));
        for (final BenchResult result : results)
        {
            final double[] us = result.summary().valuesUs();
            text.append(String.format(Locale.ROOT, "  %12s %12s %10.1f %10.1f %10.1f %10.1f %10.1f%n",
                String.format(Locale.ROOT, "%,d", result.rate()), formatRate(result.run().achievedRatePerSecond()),
                us[0], us[LatencySummary.P99], us[LatencySummary.P99 + 1], us[LatencySummary.P99 + 2],
                us[LatencySummary.P99 + 3]));
        }
        return text.toString();
    }

    /**
     * Write a histogram of ns as an HdrHistogram percentile distribution in µs.
     *
     * @param file        where.
     * @param histogramNs what.
     */
    static void writeDistribution(final Path file, final Histogram histogramNs)
    {
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
        {
            histogramNs.outputPercentileDistribution(stream, 1000.0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    /**
     * Write a result's distributions and stalls: {@code TOPOLOGY-RATE.hgrm}, {@code TOPOLOGY-RATE-stalls.txt}, and
     * one {@code TOPOLOGY-RATE-stage-NAME.hgrm} per stage when it has stages.
     *
     * @param outDir the output directory.
     * @param result what to write.
     */
    static void writeDistributions(final Path outDir, final BenchResult result)
    {
        final HiccupDetector hiccups = result.hiccups();
        writeText(outDir.resolve(result.fileStem() + "-stalls.txt"), hiccups.describe("", hiccups.listed()));
        writeDistribution(outDir.resolve(result.fileStem() + ".hgrm"), result.run().fromIntendedNs());
        final StageBreakdown stages = result.stages();
        if (stages != null)
        {
            for (int i = 0; i < StageBreakdown.STAGES.length; i++)
            {
                final String name = StageBreakdown.STAGES[i].replace("->", "-to-").replace('+', '-');
                writeDistribution(outDir.resolve(result.fileStem() + "-stage-" + name + ".hgrm"),
                    stages.histogram(i));
            }
        }
    }

    /**
     * @param file where.
     * @param text what.
     */
    static void writeText(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    /**
     * @param perSecond a rate.
     * @return it rounded, with thousands separators.
     */
    static String formatRate(final double perSecond)
    {
        return String.format(Locale.ROOT, "%,d", Math.round(perSecond));
    }

    private static String stageTable(final BenchResult result)
    {
        final StringBuilder text = new StringBuilder();
        text.append("  ").append(result.topology())
            .append(" by stage (timestamps in each Decision), microseconds").append(NL);
        text.append(header(""));
        for (int i = 0; i < StageBreakdown.STAGES.length; i++)
        {
            text.append(row(StageBreakdown.STAGES[i],
                LatencySummary.of(result.stages().histogram(i)).valuesUs(), "%10.1f")).append(NL);
        }
        return text.toString();
    }

    private static String header(final String extra)
    {
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT, LABEL, ""));
        for (final String column : LatencySummary.COLUMNS)
        {
            text.append(String.format(Locale.ROOT, "%10s", column));
        }
        if (!extra.isEmpty())
        {
            text.append(String.format(Locale.ROOT, "%12s", extra));
        }
        return text.append(NL).toString();
    }

    private static String row(final String label, final double[] values, final String format)
    {
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT, LABEL, label));
        for (final double value : values)
        {
            text.append(Double.isNaN(value) ? String.format(Locale.ROOT, "%10s", "-") :
                String.format(Locale.ROOT, format, value));
        }
        return text.toString();
    }
}
