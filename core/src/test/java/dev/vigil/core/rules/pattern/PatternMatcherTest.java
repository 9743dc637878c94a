package dev.vigil.core.rules.pattern;

import dev.vigil.core.state.NativeRecordStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sequence patterns case by case: the analysts' examples, and the bounds the buffer sets.
 */
class PatternMatcherTest
{
    private static final int SMALL = 1;
    private static final int LARGE = 2;
    private static final int ANY = 4;
    private static final long MINUTE = 60;
    private static final long DAY = 24 * 60 * MINUTE;

    private final NativeRecordStore records =
        new NativeRecordStore(4, PatternMatcher.stateBytes(PatternMatcher.MAX_EVENTS));

    @AfterEach
    void close()
    {
        records.close();
    }

    private PatternMatcher smallThenLarge(final int maxEvents)
    {
        return new PatternMatcher(new PatternShape.Builder()
            .step(0, 1, 1, false, 0)
            .step(1, 1, 1, false, 0)
            .within(10 * MINUTE)
            .build(), maxEvents);
    }

    @Test
    void aLargePaymentArrivingLastCompletesTheMatchWithTheSmallOneBeforeItInEventTime()
    {
        final PatternMatcher matcher = smallThenLarge(16);
        final long card = records.recordAddress(7);
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 100, SMALL, 1, 150));
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 140, SMALL, 2, 120));
        assertEquals(PatternMatcher.MATCH, matcher.add(card, 110, LARGE, 3, 200_000));
        final PatternMatch match = matcher.match();
        assertEquals(2, match.size());
        assertEquals(1, match.engineSeq(0));
        assertEquals(3, match.engineSeq(1));
        assertEquals(150, match.value(0));
        assertEquals(200_000, match.value(1));
    }

    @Test
    void aSmallPaymentArrivingLateCompletesAMatchWithALargeOneAfterIt()
    {
        final PatternMatcher matcher = smallThenLarge(16);
        final long card = records.recordAddress(7);
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 300, LARGE, 1, 200_000));
        assertEquals(PatternMatcher.MATCH, matcher.add(card, 250, SMALL, 2, 150));
        assertEquals(250, matcher.match().firstTimeNs());
        assertEquals(300, matcher.match().lastTimeNs());
    }

    @Test
    void withinIsStrict()
    {
        final PatternMatcher matcher = smallThenLarge(16);
        final long card = records.recordAddress(7);
        matcher.add(card, 0, SMALL, 1, 1);
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 10 * MINUTE, LARGE, 2, 1));
        assertEquals(PatternMatcher.MATCH, matcher.add(card, 10 * MINUTE - 1, LARGE, 3, 1));
    }

    @Test
    void anEventFurtherBehindThanTheAllowedLatenessIsNotSeen()
    {
        final PatternMatcher matcher = smallThenLarge(16);
        final long card = records.recordAddress(7);
        matcher.add(card, 115 * MINUTE, LARGE, 1, 1);
        matcher.add(card, 120 * MINUTE, LARGE, 2, 1);
        // The default lateness is `within`: 10 minutes behind 120 is the oldest still seen.
        assertEquals(PatternMatcher.NOT_SEEN, matcher.add(card, 110 * MINUTE - 1, SMALL, 3, 1));
        assertEquals(PatternMatcher.MATCH, matcher.add(card, 110 * MINUTE, SMALL, 4, 1));
        assertEquals(115 * MINUTE, matcher.match().lastTimeNs());
    }

    @Test
    void aFullBufferMatchesTheArrivingEventThenDropsItsOldest()
    {
        final PatternMatcher matcher = smallThenLarge(2);
        final long card = records.recordAddress(7);
        matcher.add(card, 10, SMALL, 1, 1);
        matcher.add(card, 20, SMALL | ANY, 2, 1);
        assertEquals(PatternMatcher.NOT_SEEN, matcher.add(card, 30, ANY, 3, 1), "ANY is no condition of this one");
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 5, SMALL, 4, 1),
            "older than everything a full buffer holds: matched, then it leaves");
        assertEquals(PatternMatcher.MATCH, matcher.add(card, 25, LARGE, 5, 1));
        assertEquals(20, matcher.match().firstTimeNs(), "paired with the latest small payment before it");
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(card, 15, LARGE, 6, 1),
            "the small payment at 10 left when the large one at 25 came");
    }

    @Test
    void noPaymentForThirtyDaysThenFiveInOneMinute()
    {
        final PatternMatcher matcher = new PatternMatcher(new PatternShape.Builder()
            .step(2, 5, 5, false, 0)
            .within(MINUTE)
            .absentBefore(ANY, 30 * DAY)
            .build(), 16);
        final long account = records.recordAddress(3);
        long id = 0;
        for (int i = 0; i < 5; i++)
        {
            assertEquals(PatternMatcher.NO_MATCH, matcher.add(account, i * DAY, ANY, ++id, 1), "daily payments");
        }
        final long quiet = 4 * DAY + 30 * DAY + 1;
        for (int i = 0; i < 4; i++)
        {
            assertEquals(PatternMatcher.NO_MATCH, matcher.add(account, quiet + i, ANY, ++id, 1));
        }
        assertEquals(PatternMatcher.MATCH, matcher.add(account, quiet + 4, ANY, ++id, 1), "the fifth in a minute");
        assertEquals(PatternMatcher.MATCH, matcher.add(account, quiet + 5, ANY, ++id, 1),
            "the sixth completes a match too: the first after the quiet month, three more, and itself");
        assertEquals(quiet, matcher.match().firstTimeNs());
        assertEquals(quiet, matcher.match().firstTimeNs());
        assertEquals(5, matcher.match().size());

        final long soonAfter = quiet + 10 * DAY;
        for (int i = 0; i < 5; i++)
        {
            assertEquals(PatternMatcher.NO_MATCH, matcher.add(account, soonAfter + i, ANY, ++id, 1),
                "paid 10 days before: the payments that left the buffer still count as not absent");
        }
    }

    @Test
    void anAbsenceAfterTheLastStepIsJudgedWhenTheWatermarkPassesItsEnd()
    {
        final int confirmed = 4;
        final PatternMatcher matcher = new PatternMatcher(new PatternShape.Builder()
            .step(0, 1, 1, false, 0)
            .within(MINUTE)
            .absentAfter(confirmed, 10)
            .build(), 16);
        final long order = records.recordAddress(5);
        assertEquals(PatternMatcher.MATCH, matcher.add(order, 100, SMALL, 1, 7, Long.MIN_VALUE),
            "a candidate, judged later");
        assertEquals(PatternMatcher.NO_MATCH, matcher.judgeAbsence(order, Long.MIN_VALUE, 105));
        assertEquals(110, matcher.nextDueNs(), "due when the watermark passes 100 + 10");
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(order, 108, confirmed, 2, 0, 105 - 10));
        assertEquals(PatternMatcher.NO_MATCH, matcher.judgeAbsence(order, 105, 112), "confirmed at 108");

        assertEquals(PatternMatcher.MATCH, matcher.add(order, 200, SMALL, 3, 9, 112 - 10));
        assertEquals(PatternMatcher.MATCH, matcher.add(order, 205, SMALL, 4, 9, 112 - 10));
        assertEquals(PatternMatcher.NO_MATCH, matcher.add(order, 214, confirmed, 5, 0, 112 - 10));
        assertEquals(PatternMatcher.MATCH, matcher.judgeAbsence(order, 112, 230), "nothing confirmed 200");
        assertEquals(200, matcher.match().lastTimeNs());
        assertEquals(PatternMatcher.NO_MATCH, matcher.judgeAbsence(order, 112, 230), "205 was confirmed at 214");
        assertEquals(Long.MIN_VALUE, matcher.nextDueNs());
        assertEquals(PatternMatcher.NOT_SEEN, matcher.add(order, 100, SMALL, 6, 9, 230 - 10),
            "too late for the pattern");
    }
}
