package dev.vigil.app;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's send and poll paths allocate nothing once warm: measured on the sending thread against a real engine.
 * <p>
 * Steady state is what is measured, so a window may be measured again, up to {@link #WINDOWS} in all: a one-off
 * event of the JVM in a window (a class loaded on a path taken for the first time, a deoptimisation that
 * rebuilds frames) allocates a few kilobytes once, where a send or a poll that allocated would do so in every window.
 */
@Timeout(120)
class ClientAllocationTest
{
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 100_000;
    private static final int WINDOWS = 3;

    @TempDir
    Path dataDir;

    /** Counts decisions; a named class, so polling creates no lambda. */
    static final class Counter implements ReplyListener
    {
        long decisions;

        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            decisions++;
        }
    }

    @Test
    void sendTransactionAndPollAllocateNothingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (EngineHarness harness = EngineHarness.start(dataDir, "rules.max.keys=1024");
            VigilClient client = harness.connect(71))
        {
            final Counter counter = new Counter();
            exchange(client, counter, WARM_UP);

            final long[] allocated = new long[WINDOWS];
            int windows = 0;
            do
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                exchange(client, counter, MEASURED);
                allocated[windows++] = threads.getCurrentThreadAllocatedBytes() - before;
            }
            while (allocated[windows - 1] >= 4096 && windows < WINDOWS);

            assertEquals(WARM_UP + (long)windows * MEASURED, counter.decisions);
            assertTrue(allocated[windows - 1] < 4096, "allocated " + Arrays.toString(allocated) + " bytes in " +
                "windows of " + MEASURED + " round trips");
        }
    }

    private static void exchange(final VigilClient client, final Counter counter, final int count)
    {
        final long target = counter.decisions + count;
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        int sent = 0;
        while ((sent < count || counter.decisions < target) && System.nanoTime() < deadlineNs)
        {
            if (sent < count && client.sendTransaction(
                1_000_000L * sent, sent, sent & 1023, 5, 6, 100, "EUR", "DE", PaymentChannel.POS) > 0)
            {
                sent++;
            }
            client.poll(counter, 64);
        }
    }
}
