package dev.vigil.perf;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runs of one {@code vigil bench}: every topology at fixed rates, or a sweep of the engine's rate; then the
 * files that report them.
 */
final class BenchSession
{
    private static final String NL = System.lineSeparator();

    private final BenchRunner runner;
    private final PrintStream out;
    private final List<BenchResult> results = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param runner runs one topology at one rate.
     * @param out    progress and tables.
     */
    BenchSession(final BenchRunner runner, final PrintStream out)
    {
        this.runner = runner;
        this.out = out;
    }

    /**
     * At each rate: the echo and the ring when asked for, then the engine; a table per rate.
     *
     * @param rates     requests per second.
     * @param baselines also measure the baselines.
     * @return the report.
     */
    String fixedRates(final int[] rates, final boolean baselines)
    {
        final StringBuilder report = new StringBuilder();
        for (final int rate : rates)
        {
            final String title = String.format(Locale.ROOT, "%nrate %,d msg/s%n", rate);
            out.print(title);
            final List<BenchResult> atRate = new ArrayList<>();
            if (baselines)
            {
                atRate.add(measure(BenchReport.ECHO, rate));
                atRate.add(measure(BenchReport.RING, rate));
            }
            atRate.add(measure(BenchReport.VIGIL, rate));
            final String tables = BenchReport.rateTables(atRate) + problemLines(atRate);
            out.print(tables);
            report.append(title).append(describeRuns(atRate)).append(tables);
        }
        return report.toString();
    }

    /**
     * The engine alone, from a first rate up, until the sweep says stop.
     *
     * @param firstRate requests per second of the first step.
     * @param sweep     when to stop and how to step.
     * @return the report.
     */
    String sweep(final int firstRate, final RateSweep sweep)
    {
        final StringBuilder report = new StringBuilder();
        final List<BenchResult> steps = new ArrayList<>();
        String stopReason = null;
        int rate = firstRate;
        while (stopReason == null && rate > 0)
        {
            out.printf(Locale.ROOT, "%nsweep step: %,d msg/s%n", rate);
            final BenchResult step = measure(BenchReport.VIGIL, rate);
            steps.add(step);
            report.append(String.format(Locale.ROOT, "%nsweep step: %,d msg/s%n", rate))
                .append(describeRuns(List.of(step)));
            stopReason = sweep.stopReason(rate, step.run().achievedRatePerSecond(),
                step.run().fromIntendedNs().getValueAtPercentile(99), step.run().isComplete());
            rate = sweep.nextRate(rate);
        }
        // Hitting the SLO or saturating is what a sweep looks for: lost requests there are not a failure.
        problems.removeIf(problem -> problem.contains("not every scheduled request"));
        final String table = String.format(Locale.ROOT,
            "%nsweep, round trip from the intended send time, microseconds%n%s  stopped: %s%n",
            BenchReport.sweepTable(steps), stopReason == null ? "reached --max-rate" : stopReason);
        out.print(table);
        return report.append(table).toString();
    }

    /**
     * Write the distributions of every run, {@code summary.txt}, {@code latency.png} and, when asked for,
     * {@code report.html}.
     *
     * @param outDir where.
     * @param report the whole console report.
     * @param html   also write the HTML page.
     */
    void writeFiles(final Path outDir, final String report, final boolean html)
    {
        final PercentilePlot plot = new PercentilePlot("Round trip by percentile (from the intended send time)");
        for (final BenchResult result : results)
        {
            BenchReport.writeDistributions(outDir, result);
            plot.add(result.label(), result.run().fromIntendedNs());
        }
        BenchReport.writeText(outDir.resolve("summary.txt"), report);
        final Path png = outDir.resolve("latency.png");
        plot.writePng(png);
        if (html)
        {
            HtmlReport.write(outDir.resolve("report.html"), "vigil bench", report, png);
        }
        out.printf(Locale.ROOT, "%nfiles in %s: summary.txt, latency.png%s, and per run TOPOLOGY-RATE.hgrm, .hlog%n",
            outDir, html ? ", report.html" : "");
    }

    /**
     * @return what went wrong in any run.
     */
    List<String> problems()
    {
        return problems;
    }

    private BenchResult measure(final String topology, final int rate)
    {
        final BenchResult result = runner.measure(topology, rate);
        results.add(result);
        problems.addAll(result.problems());
        return result;
    }

    private static String describeRuns(final List<BenchResult> runs)
    {
        final StringBuilder text = new StringBuilder();
        for (final BenchResult result : runs)
        {
            text.append(String.format(Locale.ROOT, "  %-10s %s%n  %-10s %s%n",
                result.topology(), result.run().describe(), "", result.targetCounts()));
        }
        return text.toString();
    }

    private static String problemLines(final List<BenchResult> runs)
    {
        final StringBuilder text = new StringBuilder();
        for (final BenchResult result : runs)
        {
            for (final String problem : result.problems())
            {
                text.append("  PROBLEM: ").append(problem).append(NL);
            }
        }
        return text.toString();
    }
}
