package dev.vigil.app.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoundTripHistogramTest
{
    @Test
    void recordsWithoutAllocatingAndHandsOutIntervals()
    {
        final RoundTripHistogram roundTrip = new RoundTripHistogram();
        // With a page reading them, the stages are recorded too: the path that records most.
        roundTrip.stageReader();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 300_000; i++)
        {
            roundTrip.record(1_000, 1_000 + i % 500, 1_000 + i % 300, 1_000 + 10_000 + i % 1_000);
        }
        roundTrip.takeInterval();
        // The first calls of the accounting itself allocate; keep them out of the measurement.
        threads.getCurrentThreadAllocatedBytes();
        threads.getCurrentThreadAllocatedBytes();

        // An allocation per recording would show in every round; a one-off (the JIT replacing the loop) in one.
        long fewestBytes = Long.MAX_VALUE;
        for (int round = 0; round < 5 && fewestBytes > 0; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++)
            {
                roundTrip.record(1_000, 1_000 + i % 500, 1_000 + i % 300, 1_000 + 10_000 + i % 1_000);
            }
            fewestBytes = Math.min(fewestBytes, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, fewestBytes, "bytes allocated by 200,000 recordings on the egress thread");

        final Histogram interval = roundTrip.takeInterval();
        assertTrue(interval.getTotalCount() >= 200_000 && interval.getTotalCount() % 200_000 == 0);
        assertEquals(10_500, interval.getValueAtPercentile(50), 20);
        assertEquals(300_000 + interval.getTotalCount(), roundTrip.totalCount());
        assertTrue(roundTrip.totalSumNs() > roundTrip.totalCount() * 10_000.0);
        assertEquals(0, roundTrip.takeInterval().getTotalCount(), "an interval holds only what came after the last");
    }

    @Test
    void eachReaderGetsEveryRoundTripInIntervalsOfItsOwn()
    {
        final RoundTripHistogram roundTrip = new RoundTripHistogram();
        final RoundTripHistogram.Reader page = roundTrip.newReader();
        roundTrip.record(0, 0, 0, 1_000);
        roundTrip.record(0, 0, 0, 2_000);
        assertEquals(2, roundTrip.takeInterval().getTotalCount(), "the metrics server's reader");
        roundTrip.record(0, 0, 0, 3_000);

        final Histogram pageInterval = page.takeInterval();
        assertEquals(3, pageInterval.getTotalCount(), "what the other reader took is still the page's");
        assertEquals(3_000, pageInterval.getMaxValue(), 3);
        assertEquals(1, roundTrip.takeInterval().getTotalCount());
        assertEquals(0, page.takeInterval().getTotalCount());
        assertEquals(3, roundTrip.totalCount());
    }

    @Test
    void clampsTimesOutsideTheTrackableRange()
    {
        final RoundTripHistogram roundTrip = new RoundTripHistogram();
        roundTrip.record(5_000, 5_000, 0, 4_000);
        roundTrip.record(0, 0, 0, Long.MAX_VALUE);

        final Histogram interval = roundTrip.takeInterval();
        assertEquals(2, interval.getTotalCount());
        assertEquals(0, interval.getMinValue());
        assertTrue(interval.valuesAreEquivalent(RoundTripHistogram.HIGHEST_TRACKABLE_NS, interval.getMaxValue()));
    }

    @Test
    void stagesAreRecordedOnceAReaderAsksForThem()
    {
        final RoundTripHistogram roundTrip = new RoundTripHistogram();
        roundTrip.record(0, 100, 200, 1_000);
        final RoundTripHistogram.StageReader stages = roundTrip.stageReader();
        stages.takeIntervals();
        assertEquals(0, stages.rules().getTotalCount(), "nothing recorded before a reader asked");

        roundTrip.record(1_000, 1_400, 1_900, 2_500);
        roundTrip.record(1_000, 1_700, 0, 2_000);
        stages.takeIntervals();
        assertEquals(2, stages.rules().getTotalCount());
        assertEquals(400, stages.rules().getMinValue());
        assertEquals(700, stages.rules().getMaxValue(), 1);
        assertEquals(1, stages.journal().getTotalCount(), "no journal time, nothing for the journal stage");
        assertEquals(900, stages.journal().getMaxValue(), 1);
        assertEquals(2, stages.egress().getTotalCount());
        assertEquals(300, stages.egress().getMinValue(), "from the rules' decision, the later of the two");
        assertEquals(600, stages.egress().getMaxValue(), 1, "from the journal's write, the later of the two");
        assertSame(stages, roundTrip.stageReader());
        stages.takeIntervals();
        assertEquals(0, stages.egress().getTotalCount());
    }
}
