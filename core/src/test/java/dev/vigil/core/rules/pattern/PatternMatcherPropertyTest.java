package dev.vigil.core.rules.pattern;

import dev.vigil.core.state.NativeRecordStore;
import dev.vigil.core.state.RecordStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequence patterns over random out-of-order streams with late events, against {@link ReferencePatternMatcher}, which
 * keeps every event and tries every way the steps could take them: the matcher answers as the reference for every
 * event, and every match it reports is one the reference accepts.
 */
class PatternMatcherPropertyTest
{
    record Scenario(
        List<ReferencePatternMatcher.Step> steps, long within, long lateness, int absentMask, long absentFor,
        List<long[]> events)
    {
    }

    @Property(tries = 400)
    void answersAsTheReference(@ForAll("scenarios") final Scenario scenario)
    {
        final PatternShape.Builder builder = new PatternShape.Builder()
            .within(scenario.within())
            .allowedLateness(scenario.lateness());
        for (final ReferencePatternMatcher.Step step : scenario.steps())
        {
            builder.step(step.condition(), step.minTimes(), step.maxTimes(), step.next(), step.forbiddenBetween());
        }
        if (scenario.absentMask() != 0)
        {
            builder.absentBefore(scenario.absentMask(), scenario.absentFor());
        }
        final PatternMatcher matcher = new PatternMatcher(builder.build(), PatternMatcher.MAX_EVENTS);
        final ReferencePatternMatcher reference = new ReferencePatternMatcher(
            scenario.steps(), scenario.within(), scenario.lateness(), scenario.absentMask(), scenario.absentFor());
        try (NativeRecordStore records = new NativeRecordStore(8, matcher.stateBytes()))
        {
            long id = 0;
            for (final long[] event : scenario.events())
            {
                id++;
                final long key = event[0];
                final long record = records.recordAddress(key);
                assertTrue(record != RecordStore.FULL);
                final int expected = reference.add(key, event[1], (int)event[2], id);
                final int actual = matcher.add(record, event[1], (int)event[2], id, event[1] * 10);
                assertEquals(expected, actual, "event " + id + " " + java.util.Arrays.toString(event));
                if (actual == PatternMatcher.MATCH)
                {
                    assertReportedMatchIsOne(reference, key, id, matcher.match());
                }
            }
        }
    }

    /**
     * Patterns whose last step is an absence, judged as the watermark moves (a lag behind the newest event time
     * seen, which varies): the keys and end times that fire at each move are the reference's.
     */
    @Property(tries = 400)
    void judgesAbsencesAfterAsTheReference(
        @ForAll("scenarios") final Scenario scenario, @ForAll("lags") final List<Long> lags)
    {
        final long absentFor = 1 + scenario.absentFor() % 12;
        final int absentAfterMask = 1 << 2;
        final PatternShape.Builder builder = new PatternShape.Builder()
            .within(scenario.within())
            .allowedLateness(scenario.lateness())
            .absentAfter(absentAfterMask, absentFor);
        for (final ReferencePatternMatcher.Step step : scenario.steps())
        {
            builder.step(step.condition(), step.minTimes(), step.maxTimes(), step.next(), step.forbiddenBetween());
        }
        if (scenario.absentMask() != 0)
        {
            builder.absentBefore(scenario.absentMask(), scenario.absentFor());
        }
        final PatternMatcher matcher = new PatternMatcher(builder.build(), PatternMatcher.MAX_EVENTS);
        final ReferencePatternMatcher reference = new ReferencePatternMatcher(scenario.steps(), scenario.within(),
            scenario.lateness(), scenario.absentMask(), scenario.absentFor(), absentAfterMask, absentFor);
        final PatternDeadlines deadlines = new PatternDeadlines(8);
        try (NativeRecordStore records = new NativeRecordStore(8, matcher.stateBytes()))
        {
            long id = 0;
            long newest = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            for (final long[] event : scenario.events())
            {
                id++;
                final long key = event[0];
                final long record = records.recordAddress(key);
                final int expected = reference.add(key, event[1], (int)event[2], id);
                final int actual = matcher.add(record, event[1], (int)event[2], id, event[1] * 10,
                    watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - absentFor);
                assertEquals(expected == PatternMatcher.NOT_SEEN, actual == PatternMatcher.NOT_SEEN, "event " + id);
                if (actual == PatternMatcher.MATCH)
                {
                    deadlines.schedule(key, matcher.match().lastTimeNs() + absentFor);
                }
                newest = Math.max(newest, event[1]);
                final long moved = newest - lags.get((int)(id % lags.size()));
                if (moved > watermark)
                {
                    final long previous = watermark;
                    watermark = moved;
                    final List<String> fired = new ArrayList<>();
                    while (deadlines.firstDueNs() <= watermark)
                    {
                        final long due = deadlines.poll();
                        final long judgedRecord = records.recordAddress(due);
                        while (matcher.judgeAbsence(judgedRecord, previous, watermark) == PatternMatcher.MATCH)
                        {
                            fired.add(due + "@" + matcher.match().lastTimeNs());
                            assertJudgedMatchIsOne(reference, due, matcher.match());
                        }
                        if (matcher.nextDueNs() != Long.MIN_VALUE)
                        {
                            deadlines.schedule(due, matcher.nextDueNs());
                        }
                    }
                    fired.sort(null);
                    final List<String> expectedFired = reference.judge(watermark);
                    expectedFired.sort(null);
                    assertEquals(expectedFired, fired, "watermark " + watermark + " after event " + id + " of " +
                        java.util.Arrays.deepToString(scenario.events().toArray()) + " absent after " + absentFor);
                }
            }
        }
    }

    private static void assertJudgedMatchIsOne(
        final ReferencePatternMatcher reference, final long key, final PatternMatch match)
    {
        final List<ReferencePatternMatcher.Event> events = reference.events(key);
        final List<Integer> taken = new ArrayList<>();
        for (int m = 0; m < match.size(); m++)
        {
            for (int i = 0; i < events.size(); i++)
            {
                if (events.get(i).id() == match.engineSeq(m))
                {
                    taken.add(i);
                }
            }
        }
        assertEquals(match.size(), taken.size());
        assertTrue(reference.isMatch(events, taken, -1), "the judged events are a match: " + taken);
    }

    @Provide
    Arbitrary<List<Long>> lags()
    {
        return Arbitraries.longs().between(0, 6).list().ofMinSize(1).ofMaxSize(5);
    }

    private static void assertReportedMatchIsOne(
        final ReferencePatternMatcher reference, final long key, final long arrivedId, final PatternMatch match)
    {
        final List<ReferencePatternMatcher.Event> events = reference.events(key);
        final List<Integer> taken = new ArrayList<>();
        int arrived = -1;
        for (int i = 0; i < events.size(); i++)
        {
            if (events.get(i).id() == arrivedId)
            {
                arrived = i;
            }
        }
        for (int m = 0; m < match.size(); m++)
        {
            for (int i = 0; i < events.size(); i++)
            {
                if (events.get(i).id() == match.engineSeq(m))
                {
                    taken.add(i);
                    assertEquals(events.get(i).timeNs(), match.timeNs(m));
                    assertEquals(events.get(i).timeNs() * 10, match.value(m));
                }
            }
        }
        assertEquals(match.size(), taken.size(), "every reported event is one of the key's");
        for (int i = 1; i < taken.size(); i++)
        {
            assertTrue(taken.get(i - 1) < taken.get(i), "reported in event-time order");
        }
        assertTrue(reference.isMatch(events, taken, arrived), "the reported events are a match: " + taken);
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<ReferencePatternMatcher.Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 2),
            Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4))
            .as((condition, min, extra, next, forbidden) -> new ReferencePatternMatcher.Step(
                condition, min, min + extra, next == 0, forbidden == 0 ? 1 << 3 : 0));
        final Arbitrary<long[]> event = Combinators.combine(
            Arbitraries.longs().between(1, 2),
            Arbitraries.longs().between(0, 6),
            Arbitraries.longs().between(-8, 3),
            Arbitraries.longs().between(0, 15))
            .as((key, gap, jitter, mask) -> new long[]{key, gap, jitter, mask});
        return Combinators.combine(
            step.list().ofMinSize(1).ofMaxSize(3),
            Arbitraries.longs().between(1, 20),
            Arbitraries.longs().between(0, 12),
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(1, 30),
            event.list().ofMinSize(1).ofMaxSize(45))
            .as(PatternMatcherPropertyTest::scenario);
    }

    private static Scenario scenario(
        final List<ReferencePatternMatcher.Step> steps, final long within, final long lateness, final int absent,
        final long absentFor, final List<long[]> drawn)
    {
        final List<long[]> events = new ArrayList<>();
        long clock = 100;
        for (final long[] d : drawn)
        {
            clock += d[1];
            events.add(new long[]{d[0], Math.max(0, clock + d[2]), d[3]});
        }
        return new Scenario(steps, within, lateness, absent == 0 ? 1 << 3 : 0, absentFor, events);
    }
}
