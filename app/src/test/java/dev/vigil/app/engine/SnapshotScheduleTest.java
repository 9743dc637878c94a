package dev.vigil.app.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotScheduleTest
{
    @Test
    void theFirstPointComesEarlyThenEveryIntervalFromTheLastPoint()
    {
        final SnapshotSchedule schedule = new SnapshotSchedule(1_000, 50, 400);
        assertFalse(schedule.isDue(1_049));
        assertTrue(schedule.isDue(1_050), "the first after snapshot.first.events from the start's sequence");
        schedule.pointPublished(1_050);
        assertFalse(schedule.isDue(1_449));
        assertTrue(schedule.isDue(1_450));

        // A point asked for starts the interval again.
        schedule.pointPublished(1_300);
        assertFalse(schedule.isDue(1_699));
        assertTrue(schedule.isDue(1_700));
    }

    @Test
    void noEarlyPointWhenItIsOffOrNotBeforeTheIntervalAndNoneWithoutAnInterval()
    {
        final SnapshotSchedule off = new SnapshotSchedule(0, 0, 400);
        assertFalse(off.isDue(399));
        assertTrue(off.isDue(400));

        final SnapshotSchedule late = new SnapshotSchedule(0, 1_000, 400);
        assertFalse(late.isDue(399));
        assertTrue(late.isDue(400), "never later than the interval");

        final SnapshotSchedule longest = new SnapshotSchedule(1_000, 0, Long.MAX_VALUE);
        assertFalse(longest.isDue(Long.MAX_VALUE - 1), "an interval as long as the settings allow never overflows");
        longest.pointPublished(5_000);
        assertFalse(longest.isDue(Long.MAX_VALUE));

        final SnapshotSchedule none = new SnapshotSchedule(0, 50, 0);
        assertFalse(none.isDue(50));
        assertFalse(none.isDue(Long.MAX_VALUE), "no periodic snapshots at all");
    }
}
