package dev.vigil.perf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateSweepTest
{
    private final RateSweep sweep = new RateSweep(1_000_000, 2, 100_000);

    @Test
    void ratesGrowByTheFactorUpToTheMax()
    {
        assertEquals(20_000, sweep.nextRate(10_000));
        assertEquals(100_000, sweep.nextRate(50_000));
        assertEquals(0, sweep.nextRate(60_000));
        assertEquals(2, new RateSweep(1, 1.1, 10).nextRate(1));
    }

    @Test
    void stopsWhenP99BreaksTheSlo()
    {
        assertNull(sweep.stopReason(10_000, 10_000, 1_000_000, true));
        final String reason = sweep.stopReason(10_000, 10_000, 1_000_001, true);
        assertTrue(reason.startsWith("p99 1.0 ms at 10,000 msg/s is over the SLO of 1.0 ms"), reason);
    }

    @Test
    void stopsWhenThroughputSaturates()
    {
        assertNull(sweep.stopReason(10_000, 9_500, 10, true));
        assertTrue(sweep.stopReason(10_000, 9_499, 10, true).startsWith("saturated at 10,000 msg/s"));
        assertTrue(sweep.stopReason(10_000, 10_000, 10, false).contains("not every request"));
    }

    @Test
    void aFactorMustGrowTheRate()
    {
        assertThrows(IllegalArgumentException.class, () -> new RateSweep(1, 1, 10));
    }
}
