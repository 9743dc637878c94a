package dev.vigil.perf;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the host's and the JVM's own stalls during a run, as jHiccup does: a thread asks to sleep 1 ms again and
 * again and records by how much each wake-up was late. Whatever delays it — the scheduler giving the core to another
 * process, a safepoint, a collection — delays every other thread of the process too, so its histogram tells the
 * stalls of the system under test apart from stalls of the platform under it. Costs a wake-up a millisecond.
 */
final class HiccupMeter
{
    private static final long RESOLUTION_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Histogram hiccupsNs = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
    private final Thread thread = new Thread(this::measure, "vigil-bench-hiccup-meter");
    private volatile boolean running;

    /**
     * Start measuring on a thread of its own.
     *
     * @return this.
     */
    HiccupMeter start()
    {
        running = true;
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /**
     * Stop measuring and wait for the thread.
     */
    void stop()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return how late each 1 ms sleep woke up, ns; read after {@link #stop()}.
     */
    Histogram hiccupsNs()
    {
        return hiccupsNs;
    }

    private void measure()
    {
        while (running)
        {
            final long beforeNs = System.nanoTime();
            LockSupport.parkNanos(RESOLUTION_NS);
            final long lateNs = System.nanoTime() - beforeNs - RESOLUTION_NS;
            hiccupsNs.recordValue(Math.min(Math.max(0, lateNs), OpenLoopRun.HIGHEST_TRACKABLE_NS));
        }
    }
}
