package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the latencies of a run as an HdrHistogram interval log ({@code .hlog}): one histogram per interval of
 * measurement, readable by {@code HistogramLogReader}, {@code HistogramLogProcessor} and HdrHistogram's plotters.
 * Values are recorded in ns into a {@link SingleWriterRecorder}, wait-free and without allocation; a writer thread
 * takes each interval's histogram and compresses and writes it (about 0.3–0.5 ms of work here), so the sending
 * thread never pauses for the log, which would be charged to the system as latency.
 */
final class IntervalLog implements AutoCloseable
{
    private final PrintStream stream;
    private final HistogramLogWriter writer;
    private final SingleWriterRecorder recorder;
    private Histogram interval;
    private Thread writerThread;
    private volatile boolean running;

    /**
     * @param stream    where the log goes; closed with this.
     * @param highestNs highest latency to track.
     */
    IntervalLog(final PrintStream stream, final long highestNs)
    {
        this.stream = stream;
        this.writer = new HistogramLogWriter(stream);
        this.recorder = new SingleWriterRecorder(highestNs, 3);
    }

    /**
     * Begin the log: header, start time, legend. The first interval starts now.
     *
     * @param epochMs the wall-clock time measurement starts at.
     */
    void start(final long epochMs)
    {
        writer.outputLogFormatVersion();
        writer.outputComment("round trip from the intended send time, ns");
        writer.outputStartTime(epochMs);
        writer.setBaseTime(epochMs);
        writer.outputLegend();
        interval = recorder.getIntervalHistogram();
    }

    /**
     * Write an interval every {@code intervalNs} from a thread of its own until {@link #finish()}.
     *
     * @param intervalNs length of each interval.
     */
    void startWriterThread(final long intervalNs)
    {
        running = true;
        writerThread = new Thread(() -> writeEvery(intervalNs), "vigil-bench-interval-log");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /**
     * @param valueNs one latency; only ever called from one thread.
     */
    void record(final long valueNs)
    {
        recorder.recordValue(valueNs);
    }

    /**
     * Close the current interval and write it. Called by the writer thread, or by hand when there is none.
     */
    void writeInterval()
    {
        interval = recorder.getIntervalHistogram(interval);
        writer.outputIntervalHistogram(interval);
    }

    /**
     * Stop the writer thread and write what is left as a last, shorter interval, if anything was recorded.
     */
    void finish()
    {
        if (writerThread != null)
        {
            running = false;
            LockSupport.unpark(writerThread);
            try
            {
                writerThread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            writerThread = null;
        }
        if (interval != null)
        {
            interval = recorder.getIntervalHistogram(interval);
            if (interval.getTotalCount() > 0)
            {
                writer.outputIntervalHistogram(interval);
            }
        }
        stream.flush();
    }

    @Override
    public void close()
    {
        stream.close();
    }

    private void writeEvery(final long intervalNs)
    {
        long nextNs = System.nanoTime() + intervalNs;
        while (running)
        {
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0)
            {
                LockSupport.parkNanos(waitNs);
                continue;
            }
            writeInterval();
            nextNs += intervalNs;
        }
    }
}
