package dev.vigil.app.cli;

import dev.vigil.app.kafka.KafkaCounters;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.PrintStream;
import java.util.function.IntSupplier;

/**
 * Runs a Kafka connector's duty cycle on the calling thread until SIGINT or SIGTERM, backing off when it has nothing
 * to do, and prints its counters every interval.
 */
final class ConnectorLoop
{
    private static final long MAX_IDLE_NS = 1_000_000;
    private static final long STAT_ROWS_INTERVAL_NS = 100_000_000;

    private ConnectorLoop()
    {
    }

    /**
     * @param dutyCycle       the connector's {@code doWork}.
     * @param signals         the stop signals.
     * @param counters        what to print.
     * @param statsIntervalNs how often; 0 for never.
     * @param err             where.
     * @param statRows        copies the counters into the engine's counters file for {@code vigil stat}, called
     *                        every {@value #STAT_ROWS_INTERVAL_NS} ns.
     */
    static void run(
        final IntSupplier dutyCycle,
        final StopSignals signals,
        final KafkaCounters counters,
        final long statsIntervalNs,
        final PrintStream err,
        final Runnable statRows)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, MAX_IDLE_NS);
        long nextStatsNs = System.nanoTime() + statsIntervalNs;
        long nextRowsNs = System.nanoTime();
        while (!signals.received())
        {
            idle.idle(dutyCycle.getAsInt());
            if (System.nanoTime() >= nextRowsNs)
            {
                nextRowsNs = System.nanoTime() + STAT_ROWS_INTERVAL_NS;
                statRows.run();
            }
            if (statsIntervalNs > 0 && System.nanoTime() >= nextStatsNs)
            {
                nextStatsNs += statsIntervalNs;
                err.println(counters.statusLine());
                err.flush();
            }
        }
    }
}
