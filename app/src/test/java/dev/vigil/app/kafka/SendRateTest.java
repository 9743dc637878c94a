package dev.vigil.app.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The source's bound on records a second, driven by a clock the test sets.
 */
class SendRateTest
{
    private static final long MS = 1_000_000L;

    @Test
    void allowsATenthOfASecondsWorthAtOnceThenRefillsWithTheClock()
    {
        final SendRate rate = new SendRate(1_000);
        assertEquals(100, rate.available(0), "a tenth of a second's worth to start");
        rate.sent(100);
        assertEquals(0, rate.available(0));
        assertEquals(5, rate.available(5 * MS), "1,000 a second: 5 in 5 ms");
        rate.sent(3);
        assertEquals(2, rate.available(5 * MS));
        assertEquals(100, rate.available(10_000 * MS), "held back for 10 s, still no more than a tenth of a second");
        rate.sent(100);
        assertEquals(0, rate.available(10_000 * MS));
        assertEquals(0, rate.available(9_000 * MS), "a clock that goes back gives nothing");
    }

    @Test
    void aSlowRateStillSendsOneAtATime()
    {
        final SendRate rate = new SendRate(2);
        assertEquals(1, rate.available(0));
        rate.sent(1);
        assertEquals(0, rate.available(498 * MS));
        assertEquals(1, rate.available(502 * MS));
        assertThrows(IllegalArgumentException.class, () -> new SendRate(0));
    }

    @Test
    void partitionsShareWhatMayBeSentEachItsPartRoundedUp()
    {
        final SendRate rate = new SendRate(1_000);
        assertEquals(34, rate.share(0, 3), "100 between three");
        rate.sent(34);
        assertEquals(33, rate.share(0, 2), "66 left between two");
        rate.sent(66);
        assertEquals(0, rate.share(0, 2));
        assertEquals(1, rate.share(1 * MS, 4), "one record between four: the first to ask takes it");
    }
}
