package dev.vigil.core.window;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class KeyedSlidingCounterTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long WINDOW_NS = 10 * SEC;
    private static final long SLIDE_NS = SEC;
    private static final long KEY = 1001;
    private static final long OTHER_KEY = 2002;

    private final KeyedSlidingCounter counter = new KeyedSlidingCounter(16, WINDOW_NS, SLIDE_NS);

    @Test
    void eventsAtStartAndJustBeforeTenSecondsShareAWindow()
    {
        assertEquals(1, counter.add(KEY, 0));
        assertEquals(2, counter.add(KEY, 10 * SEC - 1));
    }

    @Test
    void eventAtExactlyTenSecondsStartsWindowWithoutTheFirstPane()
    {
        assertEquals(1, counter.add(KEY, 0));
        assertEquals(2, counter.add(KEY, 10 * SEC - 1));

        assertEquals(2, counter.add(KEY, 10 * SEC));
        assertEquals(SEC, counter.windowStartNs(10 * SEC));
        assertEquals(11 * SEC, counter.windowEndNs(10 * SEC));

        assertEquals(3, counter.add(KEY, 11 * SEC - 1));
        assertEquals(4, counter.add(KEY, 11 * SEC));
    }

    @Test
    void windowSlidesPaneByPane()
    {
        assertEquals(1, counter.add(KEY, 500_000_000L));
        assertEquals(2, counter.add(KEY, SEC + 500_000_000L));
        assertEquals(3, counter.add(KEY, 2 * SEC + 500_000_000L));

        assertEquals(3, counter.add(KEY, 10 * SEC + 1));
        assertEquals(3, counter.add(KEY, 11 * SEC));
        assertEquals(3, counter.add(KEY, 12 * SEC));
        assertEquals(4, counter.add(KEY, 13 * SEC));
    }

    @Test
    void windowBoundsAreHalfOpenAndAlignedToPanes()
    {
        assertEquals(-9 * SEC, counter.windowStartNs(0));
        assertEquals(SEC, counter.windowEndNs(0));

        assertEquals(-9 * SEC, counter.windowStartNs(SEC - 1));
        assertEquals(SEC, counter.windowEndNs(SEC - 1));

        assertEquals(-8 * SEC, counter.windowStartNs(SEC));
        assertEquals(2 * SEC, counter.windowEndNs(SEC));

        assertEquals(0, counter.windowStartNs(10 * SEC - 1));
        assertEquals(10 * SEC, counter.windowEndNs(10 * SEC - 1));

        assertEquals(SEC, counter.windowStartNs(10 * SEC));
        assertEquals(11 * SEC, counter.windowEndNs(10 * SEC));

        assertEquals(WINDOW_NS, counter.windowEndNs(12_345) - counter.windowStartNs(12_345));
    }

    @Test
    void windowBoundsOfNegativeTimesUseFloorDivision()
    {
        assertEquals(-10 * SEC, counter.windowStartNs(-1));
        assertEquals(0, counter.windowEndNs(-1));

        assertEquals(-10 * SEC, counter.windowStartNs(-SEC));
        assertEquals(0, counter.windowEndNs(-SEC));

        assertEquals(-11 * SEC, counter.windowStartNs(-SEC - 1));
        assertEquals(-SEC, counter.windowEndNs(-SEC - 1));

        assertEquals(-15 * SEC, counter.windowStartNs(-5 * SEC - 500_000_000L));
        assertEquals(-5 * SEC, counter.windowEndNs(-5 * SEC - 500_000_000L));
    }

    @Test
    void countsNegativeTimesWithFloorDivision()
    {
        assertEquals(1, counter.add(KEY, -9 * SEC - 500_000_000L));
        assertEquals(2, counter.add(KEY, -500_000_000L));
        assertEquals(2, counter.add(KEY, 200_000_000L));
        assertEquals(3, counter.add(KEY, 900_000_000L));
    }

    @Test
    void countsOutOfOrderEventInsideTheWindow()
    {
        assertEquals(1, counter.add(KEY, 5 * SEC + 500_000_000L));
        assertEquals(1, counter.add(KEY, 3 * SEC + 200_000_000L));
        assertEquals(3, counter.add(KEY, 6 * SEC + 100_000_000L));
        assertEquals(4, counter.add(KEY, 12 * SEC + 999_999_999L));
        assertEquals(4, counter.add(KEY, 13 * SEC));
        assertEquals(3, counter.add(KEY, 16 * SEC));
    }

    @Test
    void countsOutOfOrderEventInTheSamePane()
    {
        assertEquals(1, counter.add(KEY, 5 * SEC + 900_000_000L));
        assertEquals(2, counter.add(KEY, 5 * SEC + 100_000_000L));
        assertEquals(3, counter.add(KEY, 5 * SEC + 500_000_000L));
    }

    @Test
    void eventInOldestPaneOfNewestWindowIsCounted()
    {
        assertEquals(1, counter.add(KEY, 20 * SEC + 500_000_000L));
        assertEquals(1, counter.add(KEY, 11 * SEC));
        assertEquals(3, counter.add(KEY, 20 * SEC + 800_000_000L));
    }

    @Test
    void eventOlderThanWindowOfNewestPaneIsNotCounted()
    {
        assertEquals(1, counter.add(KEY, 20 * SEC + 500_000_000L));
        counter.add(KEY, 11 * SEC - 1);
        counter.add(KEY, 5 * SEC + 500_000_000L);

        assertEquals(2, counter.add(KEY, 20 * SEC + 700_000_000L));
        assertEquals(3, counter.add(KEY, 29 * SEC + 900_000_000L));
        assertEquals(2, counter.add(KEY, 30 * SEC));
    }

    @Test
    void lateEventsAreNotRememberedByOtherLateEvents()
    {
        assertEquals(1, counter.add(KEY, 20 * SEC + 500_000_000L));

        final long first = counter.add(KEY, 5 * SEC + 500_000_000L);
        final long second = counter.add(KEY, 5 * SEC + 700_000_000L);
        final long third = counter.add(KEY, 6 * SEC + 100_000_000L);

        assertEquals(KeyedSlidingCounter.LATE, first);
        assertEquals(first, second, "a late event counts nowhere, so a second late event in its pane cannot see it");
        assertEquals(first, third, "a late event counts nowhere, so a late event in a later pane cannot see it");
    }

    @Test
    void lateEventsGetTheSameCountWhateverTheirPaneSlotHolds()
    {
        assertEquals(1, counter.add(KEY, 15 * SEC + 500_000_000L));
        assertEquals(2, counter.add(KEY, 20 * SEC + 500_000_000L));

        final long slotHoldsNewerPane = counter.add(KEY, 5 * SEC + 500_000_000L);
        final long slotEmpty = counter.add(OTHER_KEY, 0);
        final long lateInEmptySlot = counter.add(KEY, 6 * SEC + 500_000_000L);

        assertEquals(1, slotEmpty);
        assertEquals(KeyedSlidingCounter.LATE, slotHoldsNewerPane);
        assertEquals(slotHoldsNewerPane, lateInEmptySlot,
            "two equally late events of one key must get the same answer");
    }

    @Test
    void keysAreIndependent()
    {
        assertEquals(1, counter.add(KEY, SEC));
        assertEquals(2, counter.add(KEY, 2 * SEC));
        assertEquals(1, counter.add(OTHER_KEY, 2 * SEC));
        assertEquals(3, counter.add(KEY, 3 * SEC));
        assertEquals(2, counter.add(OTHER_KEY, 3 * SEC));
        assertEquals(1, counter.add(OTHER_KEY + 1, 3 * SEC));
        assertEquals(3, counter.keyCount());
    }

    @Test
    void returnsStateFullForNewKeyOnceMaxKeysReached()
    {
        final KeyedSlidingCounter small = new KeyedSlidingCounter(2, WINDOW_NS, SLIDE_NS);

        assertEquals(1, small.add(1, SEC));
        assertEquals(1, small.add(2, SEC));
        assertEquals(KeyedSlidingCounter.STATE_FULL, small.add(3, SEC));
        assertEquals(KeyedSlidingCounter.STATE_FULL, small.add(4, 2 * SEC));
        assertEquals(2, small.keyCount());

        assertEquals(2, small.add(1, 2 * SEC));
        assertEquals(2, small.add(2, 2 * SEC));
        assertEquals(KeyedSlidingCounter.STATE_FULL, small.add(3, 3 * SEC));
    }

    @Test
    void tumblingWindowWhenSlideEqualsWindow()
    {
        final KeyedSlidingCounter tumbling = new KeyedSlidingCounter(4, SEC, SEC);

        assertEquals(1, tumbling.add(KEY, 500_000_000L));
        assertEquals(2, tumbling.add(KEY, SEC - 1));
        assertEquals(1, tumbling.add(KEY, SEC));
        assertEquals(SEC, tumbling.windowStartNs(SEC));
        assertEquals(2 * SEC, tumbling.windowEndNs(SEC));
    }

    @Test
    void rejectsWindowThatIsNotAMultipleOfSlide()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new KeyedSlidingCounter(4, 10 * SEC + 1, SEC));

        assertEquals("windowSizeNs=10000000001 must be a positive multiple of slideNs=1000000000", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KeyedSlidingCounter(4, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new KeyedSlidingCounter(4, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new KeyedSlidingCounter(4, -10, 5));
    }

    @Test
    void rejectsMoreThan1024Panes()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new KeyedSlidingCounter(4, 1025, 1));

        assertEquals("windowSizeNs/slideNs=1025 must not exceed 1024 panes", ex.getMessage());
        assertEquals(1, new KeyedSlidingCounter(4, 1024, 1).add(KEY, 0));
    }

    @Test
    void matchesReferenceModelWithFivePanes()
    {
        checkAgainstReferenceModel(0xC0FFEEL, 1_000, 5, 7, 4_000);
    }

    @Test
    void matchesReferenceModelWithTwoPanes()
    {
        checkAgainstReferenceModel(0xBADC0DEL, 250, 2, 3, 4_000);
    }

    @Test
    void matchesReferenceModelWithManyPanes()
    {
        checkAgainstReferenceModel(0x5EEDL, 3, 64, 5, 4_000);
    }

    /**
     * Streams whose disorder is below one slide: an event is never more than one pane older than the newest pane of
     * its key, so with two or more panes per window every event is inside the newest window of its key. The model
     * keeps every event time per key and counts those whose pane lies both in the window of the current event and in
     * the window of the newest pane of the key (older panes share their ring slot with a newer pane that replaced
     * them).
     */
    private static void checkAgainstReferenceModel(
        final long seed, final long slideNs, final int panes, final int keys, final int events)
    {
        final long windowNs = slideNs * panes;
        final KeyedSlidingCounter counter = new KeyedSlidingCounter(keys, windowNs, slideNs);
        final List<List<Long>> timesByKey = new ArrayList<>();
        for (int k = 0; k < keys; k++)
        {
            timesByKey.add(new ArrayList<>());
        }
        final long[] newestPane = new long[keys];
        Arrays.fill(newestPane, Long.MIN_VALUE);

        final Random random = new Random(seed);
        long clock = -20 * windowNs - 17;
        int counted = 0;
        for (int i = 0; i < events; i++)
        {
            if (random.nextInt(20) == 0)
            {
                clock += random.nextInt((int)(3 * windowNs));
            }
            else
            {
                clock += random.nextInt((int)Math.max(2, slideNs / 2));
            }
            final long eventTimeNs = clock - random.nextInt((int)slideNs);
            final int k = random.nextInt(keys);
            final long key = 10_000L + 31L * k;

            final long pane = Math.floorDiv(eventTimeNs, slideNs);
            newestPane[k] = Math.max(newestPane[k], pane);
            timesByKey.get(k).add(eventTimeNs);
            final long lowestPane = Math.max(pane - panes + 1, newestPane[k] - panes + 1);
            long expected = 0;
            for (final long t : timesByKey.get(k))
            {
                final long p = Math.floorDiv(t, slideNs);
                if (p >= lowestPane && p <= pane)
                {
                    expected++;
                }
            }

            final String context = "event " + i + " key " + key + " t=" + eventTimeNs;
            assertEquals(expected, counter.add(key, eventTimeNs), context);
            assertEquals((pane + 1) * slideNs, counter.windowEndNs(eventTimeNs), context);
            assertEquals((pane + 1) * slideNs - windowNs, counter.windowStartNs(eventTimeNs), context);
            if (expected > 1)
            {
                counted++;
            }
        }

        assertEquals(keys, counter.keyCount());
        assertTrue(counted > events / 10, "stream too sparse to exercise windows: " + counted);
    }
}
