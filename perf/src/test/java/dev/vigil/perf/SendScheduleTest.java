package dev.vigil.perf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SendScheduleTest
{
    @Test
    void requestsLeaveAtExactMultiplesOfTheInterval()
    {
        final SendSchedule schedule = new SendSchedule(1_000, 10_000);

        assertEquals(1_000, schedule.intendedSendTimeNs(0));
        assertEquals(101_000, schedule.intendedSendTimeNs(1));
        assertEquals(1_000 + 1_000_000_000L, schedule.intendedSendTimeNs(10_000));
    }

    @Test
    void anIntervalThatIsNotWholeNanosecondsDoesNotDrift()
    {
        final SendSchedule schedule = new SendSchedule(0, 3);

        assertEquals(333_333_333, schedule.intendedSendTimeNs(1));
        assertEquals(666_666_666, schedule.intendedSendTimeNs(2));
        assertEquals(3_000_000_000_000L, schedule.intendedSendTimeNs(9_000));
    }

    @Test
    void dueCountsEveryRequestWhoseTimeHasCome()
    {
        final SendSchedule schedule = new SendSchedule(1_000, 10_000);

        assertEquals(0, schedule.dueBy(999));
        assertEquals(1, schedule.dueBy(1_000));
        assertEquals(1, schedule.dueBy(100_999));
        assertEquals(2, schedule.dueBy(101_000));
        assertEquals(10_001, schedule.dueBy(1_000_001_000L));
    }

    @Test
    void dueAgreesWithTheIntendedTimesForAnAwkwardRate()
    {
        final SendSchedule schedule = new SendSchedule(17, 7_919);
        for (long index = 0; index < 20_000; index++)
        {
            final long timeNs = schedule.intendedSendTimeNs(index);
            assertEquals(index + 1, schedule.dueBy(timeNs), "at request " + index);
            assertEquals(index, schedule.dueBy(timeNs - 1), "just before request " + index);
        }
    }

    @Test
    void requestsInASpanFollowTheRate()
    {
        assertEquals(130_000, SendSchedule.requestsIn(10_000, 13_000_000_000L));
        assertEquals(1, SendSchedule.requestsIn(2, 500_000_000L));
        assertEquals(0, SendSchedule.requestsIn(1, 999_999_999L));
    }

    @Test
    void refusesARateBelowOne()
    {
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(0, 0));
    }
}
