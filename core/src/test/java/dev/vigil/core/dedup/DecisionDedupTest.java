package dev.vigil.core.dedup;

import dev.vigil.codecs.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecisionDedupTest
{
    private final DecisionDedup dedup = new DecisionDedup(8);

    @Test
    void unseenRequestsAreNewAndDecidedOnesAreDuplicatesWithTheirOriginalDecision()
    {
        assertEquals(DecisionDedup.NEW, dedup.check(1, 1));
        dedup.record(1, 1, 100, Verdict.DECLINE, 0b101);
        dedup.record(1, 2, 101, Verdict.APPROVE, 0);

        assertEquals(DecisionDedup.DUPLICATE, dedup.check(1, 1));
        assertEquals(Verdict.DECLINE, dedup.foundVerdict());
        assertEquals(0b101, dedup.foundFiredRules());
        assertEquals(100, dedup.foundEngineSeq());

        assertEquals(DecisionDedup.DUPLICATE, dedup.check(1, 2));
        assertEquals(Verdict.APPROVE, dedup.foundVerdict());
        assertEquals(101, dedup.foundEngineSeq());
        assertEquals(DecisionDedup.NEW, dedup.check(1, 3));
    }

    @Test
    void clientsAreIndependent()
    {
        dedup.record(1, 5, 100, Verdict.REVIEW, 2);
        assertEquals(DecisionDedup.NEW, dedup.check(2, 5));
        assertEquals(DecisionDedup.DUPLICATE, dedup.check(1, 5));
        assertEquals(1, dedup.clientCount());
    }

    @Test
    void gapsInsideTheWindowAreNewAndSequencesBeyondItAreStale()
    {
        dedup.record(1, 10, 1, Verdict.APPROVE, 0);
        dedup.record(1, 12, 2, Verdict.APPROVE, 0);

        assertEquals(DecisionDedup.NEW, dedup.check(1, 11), "skipped sequence inside the window");
        assertEquals(DecisionDedup.NEW, dedup.check(1, 5), "inside the window of 8 below the highest, 12");
        assertEquals(DecisionDedup.STALE, dedup.check(1, 4), "12 - 8 = 4 is no longer remembered");
        assertEquals(DecisionDedup.STALE, dedup.check(1, -3));
    }

    @Test
    void aSlotReusedByANewerSequenceNoLongerAnswersForTheOldOne()
    {
        dedup.record(1, 3, 1, Verdict.DECLINE, 1);
        dedup.record(1, 11, 2, Verdict.APPROVE, 0);

        assertEquals(DecisionDedup.STALE, dedup.check(1, 3));
        assertEquals(DecisionDedup.DUPLICATE, dedup.check(1, 11));
        assertEquals(Verdict.APPROVE, dedup.foundVerdict());
    }

    @Test
    void windowMustBeAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new DecisionDedup(6));
        assertThrows(IllegalArgumentException.class, () -> new DecisionDedup(0));
    }
}
