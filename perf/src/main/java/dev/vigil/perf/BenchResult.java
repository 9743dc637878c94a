package dev.vigil.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One measured run of the bench: a topology at a rate, what it recorded and what went wrong.
 */
final class BenchResult
{
    private final String topology;
    private final int rate;
    private final OpenLoopRun run;
    private final HiccupDetector hiccups;
    private final StageBreakdown stages;
    private final List<String> problems = new ArrayList<>();
    private final HiccupMeter platform = new HiccupMeter();
    private String targetCounts = "";

    /**
     * @param topology what was measured: {@code vigil}, {@code aeron-echo}, {@code ring-noop}.
     * @param rate     requests per second.
     * @param run      the run, executed or about to be.
     * @param hiccups  the run's stall list.
     * @param stages   the stage breakdown, null when the topology has no stages.
     */
    BenchResult(
        final String topology,
        final int rate,
        final OpenLoopRun run,
        final HiccupDetector hiccups,
        final StageBreakdown stages)
    {
        this.topology = topology;
        this.rate = rate;
        this.run = run;
        this.hiccups = hiccups;
        this.stages = stages;
    }

    String topology()
    {
        return topology;
    }

    int rate()
    {
        return rate;
    }

    OpenLoopRun run()
    {
        return run;
    }

    HiccupDetector hiccups()
    {
        return hiccups;
    }

    /**
     * @return the stage breakdown, or null.
     */
    StageBreakdown stages()
    {
        return stages;
    }

    /**
     * @return round trip from the intended send time.
     */
    LatencySummary summary()
    {
        return LatencySummary.of(run.fromIntendedNs());
    }

    /**
     * @return the platform's own stalls during the run.
     */
    HiccupMeter platform()
    {
        return platform;
    }

    String targetCounts()
    {
        return targetCounts;
    }

    void targetCounts(final String counts)
    {
        this.targetCounts = counts;
    }

    List<String> problems()
    {
        return problems;
    }

    void problem(final String problem)
    {
        problems.add(topology + " at " + rate + " msg/s: " + problem);
    }

    /**
     * @return a name for files: {@code TOPOLOGY-RATE}.
     */
    String fileStem()
    {
        return topology + "-" + rate;
    }

    /**
     * @return a label for plots: {@code TOPOLOGY @ RATE/s}.
     */
    String label()
    {
        return String.format(Locale.ROOT, "%s @ %,d/s", topology, rate);
    }
}
