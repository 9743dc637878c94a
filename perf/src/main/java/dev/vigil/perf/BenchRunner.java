package dev.vigil.perf;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs one topology at one rate under a {@link BenchPlan}: launches it, drives an {@link OpenLoopRun} against it on
 * the calling thread with a stall list and an interval log ({@code TOPOLOGY-RATE.hlog}), and closes it again.
 */
final class BenchRunner
{
    private final BenchPlan plan;
    private final PrintStream out;

    /**
     * @param plan what to run.
     * @param out  progress lines.
     */
    BenchRunner(final BenchPlan plan, final PrintStream out)
    {
        this.plan = plan;
        this.out = out;
    }

    /**
     * @param topology {@link BenchReport#VIGIL}, {@link BenchReport#ECHO} or {@link BenchReport#RING}.
     * @param rate     requests per second.
     * @return what the run recorded.
     */
    BenchResult measure(final String topology, final int rate)
    {
        final HiccupDetector hiccups = new HiccupDetector(plan.hiccupThresholdNs);
        final StageBreakdown stages = BenchReport.VIGIL.equals(topology) ? new StageBreakdown() : null;
        final OpenLoopRun run = new OpenLoopRun(topology, rate, plan.warmupNs, plan.durationNs).hiccups(hiccups);
        final BenchResult result = new BenchResult(topology, rate, run, hiccups, stages);
        final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final Path logFile = plan.outDir.resolve(result.fileStem() + ".hlog");
        try (IntervalLog log = new IntervalLog(newPrintStream(logFile), OpenLoopRun.HIGHEST_TRACKABLE_NS))
        {
            run.intervalLog(log);
            final RoundTripTarget target = launch(topology, run, errors, stages);
            result.platform().start();
            try
            {
                run.execute(target);
                result.targetCounts(target.describe());
            }
            finally
            {
                result.platform().stop();
                CloseHelper.quietClose(target);
            }
        }
        out.printf(Locale.ROOT, "  %-10s %s%n  %-10s %s%n", topology, run.describe(), "", result.targetCounts());
        if (!run.isComplete())
        {
            result.problem("not every scheduled request was sent and answered");
        }
        for (final Throwable error : errors)
        {
            result.problem(error.toString());
        }
        return result;
    }

    private RoundTripTarget launch(
        final String topology, final OpenLoopRun run, final Queue<Throwable> errors, final StageBreakdown stages)
    {
        final String aeronDir = LocalResources.privateAeronDir(topology, run.ratePerSecond());
        switch (topology)
        {
            case BenchReport.ECHO:
                return AeronEchoTarget.launch(aeronDir, run, errors::add, plan.dedicated);
            case BenchReport.RING:
                return RingHandoffTarget.launch(run, errors::add, plan.dedicated);
            default:
                return VigilTarget.launch(
                    aeronDir, run, errors::add, plan.engineSettings, plan.clients, plan.mix, stages);
        }
    }

    private static PrintStream newPrintStream(final Path file)
    {
        try
        {
            return new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }
}
