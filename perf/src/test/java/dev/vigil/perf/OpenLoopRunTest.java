package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives an {@link OpenLoopRun} against a target that answers at its next poll, on a clock the test moves: every
 * poll takes 10 µs, and one poll stalls the client for 5 ms, as a descheduled thread would.
 */
class OpenLoopRunTest
{
    private static final long POLL_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int RATE = 10_000;
    private static final long INTERVAL_NS = 1_000_000_000L / RATE;

    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void withoutStallsEveryRequestIsAnsweredOnTime()
    {
        final OpenLoopRun run = new OpenLoopRun("test", RATE, 0, TimeUnit.MILLISECONDS.toNanos(100), clock);
        run.execute(new AnswerAtNextPoll(run, -1));

        assertTrue(run.isComplete(), run.describe());
        assertEquals(1_000, run.fromIntendedNs().getTotalCount());
        final long maxNs = run.fromIntendedNs().getMaxValue();
        assertTrue(maxNs <= 2 * POLL_NS + 100, "max " + maxNs);
    }

    @Test
    void aStallIsChargedToEveryRequestThatShouldHaveLeftDuringIt()
    {
        final int stalledAt = 100;
        final HiccupDetector hiccups = new HiccupDetector(TimeUnit.MILLISECONDS.toNanos(1));
        final OpenLoopRun run = new OpenLoopRun("test", RATE, 0, TimeUnit.MILLISECONDS.toNanos(100), clock)
            .hiccups(hiccups);
        run.execute(new AnswerAtNextPoll(run, stalledAt));

        assertTrue(run.isComplete(), run.describe());
        final Histogram fromIntended = run.fromIntendedNs();
        final Histogram fromActual = run.fromActualNs();
        assertEquals(1_000, fromIntended.getTotalCount());
        assertTrue(fromIntended.getMaxValue() >= STALL_NS, "max " + fromIntended.getMaxValue());

        // Request 100 was sent, then the client stalled; the 49 due during the stall left late, all at once.
        final long overOneMsFromIntended = countAbove(fromIntended, TimeUnit.MILLISECONDS.toNanos(1));
        final long expected = 1 + (STALL_NS - TimeUnit.MILLISECONDS.toNanos(1)) / INTERVAL_NS;
        assertTrue(Math.abs(overOneMsFromIntended - expected) <= 1,
            overOneMsFromIntended + " requests over 1 ms, expected about " + expected);
        // Measured from when they finally left, only the request in flight during the stall looks slow.
        assertEquals(1, countAbove(fromActual, TimeUnit.MILLISECONDS.toNanos(1)));

        assertEquals(1, hiccups.stalls());
        assertEquals(stalledAt * INTERVAL_NS, hiccups.startNs(0));
        assertEquals(overOneMsFromIntended, hiccups.requests(0));
        assertEquals(fromIntended.getMaxValue(), fromIntended.highestEquivalentValue(hiccups.worstNs(0)));
    }

    @Test
    void warmUpRequestsAreAnsweredButNotRecorded()
    {
        final OpenLoopRun run = new OpenLoopRun("test", RATE, TimeUnit.MILLISECONDS.toNanos(50),
            TimeUnit.MILLISECONDS.toNanos(100), clock);
        run.execute(new AnswerAtNextPoll(run, -1));

        assertTrue(run.isComplete(), run.describe());
        assertEquals(1_000, run.fromIntendedNs().getTotalCount());
        final double achieved = run.achievedRatePerSecond();
        assertTrue(Math.abs(achieved - RATE) < RATE * 0.01, "achieved " + achieved);
    }

    private static long countAbove(final Histogram histogram, final long valueNs)
    {
        return histogram.getCountBetweenValues(valueNs + 1, histogram.getMaxValue());
    }

    /**
     * Answers every request at the poll after it was sent; each poll takes 10 µs of the test clock, and the poll
     * after one chosen request was sent takes 5 ms more.
     */
    private final class AnswerAtNextPoll implements RoundTripTarget
    {
        private final OpenLoopRun run;
        private final long stallAfter;
        private final LongArrayList pending = new LongArrayList();
        private final LongArrayList sendTimes = new LongArrayList();

        AnswerAtNextPoll(final OpenLoopRun run, final long stallAfter)
        {
            this.run = run;
            this.stallAfter = stallAfter;
        }

        @Override
        public long trySend(final long index)
        {
            pending.addLong(index);
            sendTimes.addLong(clock.nanoTime());
            return 1;
        }

        @Override
        public int poll()
        {
            clock.advance(POLL_NS);
            if (pending.containsLong(stallAfter))
            {
                clock.advance(STALL_NS);
            }
            final int answers = pending.size();
            for (int i = 0; i < answers; i++)
            {
                run.onAnswer(pending.getLong(i), sendTimes.getLong(i));
            }
            pending.clear();
            sendTimes.clear();
            return answers;
        }

        @Override
        public String describe()
        {
            return "";
        }

        @Override
        public void close()
        {
        }
    }
}
