package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Writes the latencies of a run as an HdrHistogram interval log ({@code .hlog}): one histogram per interval of
 * measurement, readable by {@code HistogramLogReader}, {@code HistogramLogProcessor} and HdrHistogram's plotters.
 * Values are recorded in ns. Writing an interval compresses it, which allocates: once per interval, never per
 * request.
 */
final class IntervalLog implements AutoCloseable
{
    private final PrintStream stream;
    private final HistogramLogWriter writer;
    private final Histogram interval;
    private final long intervalNs;
    private long startNs;
    private long startEpochMs;
    private long intervalStartNs;
    private boolean started;

    /**
     * @param stream     where the log goes; closed with this.
     * @param intervalNs length of each interval.
     * @param highestNs  highest latency to track.
     */
    IntervalLog(final PrintStream stream, final long intervalNs, final long highestNs)
    {
        this.stream = stream;
        this.writer = new HistogramLogWriter(stream);
        this.interval = new Histogram(highestNs, 3);
        this.intervalNs = intervalNs;
    }

    /**
     * Begin the log: header, start time, legend.
     *
     * @param nowNs   the monotonic time measurement starts at.
     * @param epochMs the wall-clock time at the same moment.
     */
    void start(final long nowNs, final long epochMs)
    {
        startNs = nowNs;
        startEpochMs = epochMs;
        intervalStartNs = nowNs;
        writer.outputLogFormatVersion();
        writer.outputComment("round trip from the intended send time, ns");
        writer.outputStartTime(epochMs);
        writer.setBaseTime(epochMs);
        writer.outputLegend();
        started = true;
    }

    /**
     * @param valueNs one latency.
     */
    void record(final long valueNs)
    {
        interval.recordValue(valueNs);
    }

    /**
     * Write the interval when it is over.
     *
     * @param nowNs the time now.
     */
    void onTime(final long nowNs)
    {
        if (started && nowNs - intervalStartNs >= intervalNs)
        {
            writeInterval(nowNs);
        }
    }

    /**
     * Write what is left as a last, shorter interval.
     *
     * @param nowNs the time now.
     */
    void finish(final long nowNs)
    {
        if (started && interval.getTotalCount() > 0)
        {
            writeInterval(nowNs);
        }
        started = false;
    }

    @Override
    public void close()
    {
        stream.close();
    }

    private void writeInterval(final long nowNs)
    {
        interval.setStartTimeStamp(startEpochMs + TimeUnit.NANOSECONDS.toMillis(intervalStartNs - startNs));
        interval.setEndTimeStamp(startEpochMs + TimeUnit.NANOSECONDS.toMillis(nowNs - startNs));
        writer.outputIntervalHistogram(interval);
        interval.reset();
        intervalStartNs = nowNs;
    }
}
