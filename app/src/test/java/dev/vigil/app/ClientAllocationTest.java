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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's send and poll paths allocate nothing once warm: measured on the sending thread against a real engine.
 */
@Timeout(120)
class ClientAllocationTest
{
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 100_000;

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

            final long before = threads.getCurrentThreadAllocatedBytes();
            exchange(client, counter, MEASURED);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(WARM_UP + MEASURED, counter.decisions);
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + MEASURED + " round trips");
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
