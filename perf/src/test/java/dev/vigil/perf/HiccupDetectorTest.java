package dev.vigil.perf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiccupDetectorTest
{
    @Test
    void consecutiveSlowAnswersAreOneStall()
    {
        final HiccupDetector hiccups = new HiccupDetector(1_000_000);
        hiccups.record(0, 10_000);
        hiccups.record(100_000, 3_000_000);
        hiccups.record(200_000, 2_900_000);
        hiccups.record(300_000, 1_000_000);
        hiccups.record(400_000, 1_500_000);
        hiccups.record(500_000, 1_000_001);
        hiccups.record(600_000, 5_000);

        assertEquals(2, hiccups.stalls());
        assertEquals(100_000, hiccups.startNs(0));
        assertEquals(3_000_000, hiccups.worstNs(0));
        assertEquals(2, hiccups.requests(0));
        assertEquals(400_000, hiccups.startNs(1));
        assertEquals(1_500_000, hiccups.worstNs(1));
        assertEquals(2, hiccups.requests(1));

        final String text = hiccups.describe("", 10);
        assertTrue(text.startsWith("stalls over 1.0 ms: 2"), text);
        assertTrue(text.contains("at     0.000 s: worst 3.0 ms, 2 request(s)"), text);
    }

    @Test
    void stallsPastWhatIsListedAreCounted()
    {
        final HiccupDetector hiccups = new HiccupDetector(10);
        for (int i = 0; i < 1_500; i++)
        {
            hiccups.record(i, 100);
            hiccups.record(i, 1);
        }

        assertEquals(1_500, hiccups.stalls());
        assertEquals(1_000, hiccups.listed());
        assertTrue(hiccups.describe("", 3).contains("... and 1,497 more"));
    }
}
