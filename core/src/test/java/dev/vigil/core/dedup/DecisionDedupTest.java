package dev.vigil.core.dedup;

import dev.vigil.codecs.Verdict;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void aSnapshotHoldsTheTableInItsDocumentedLayoutAndLoadsBackToTheSameAnswers() throws IOException
    {
        final int window = 8;
        final DecisionDedup table = new DecisionDedup(window);
        table.record(20, 3, 103, Verdict.DECLINE, 0b101);
        table.record(20, 4, 104, Verdict.APPROVE, 0);
        table.record(10, 9, 109, Verdict.REVIEW, 1L << 40);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        table.writeTo(new DataOutputStream(written));

        // The layout older snapshots have: clients in id order, every slot of each ring, an empty one as
        // (Long.MIN_VALUE, 0, -1, 0), each field big-endian.
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(expected);
        out.writeInt(window);
        out.writeInt(2);
        out.writeLong(10);
        out.writeLong(9);
        for (int slot = 0; slot < window; slot++)
        {
            writeSlot(out, slot == 1 ? 9 : Long.MIN_VALUE, slot == 1 ? 109 : 0, slot == 1 ? Verdict.REVIEW : null,
                slot == 1 ? 1L << 40 : 0);
        }
        out.writeLong(20);
        out.writeLong(4);
        for (int slot = 0; slot < window; slot++)
        {
            if (slot == 3)
            {
                writeSlot(out, 3, 103, Verdict.DECLINE, 0b101);
            }
            else if (slot == 4)
            {
                writeSlot(out, 4, 104, Verdict.APPROVE, 0);
            }
            else
            {
                writeSlot(out, Long.MIN_VALUE, 0, null, 0);
            }
        }
        assertArrayEquals(expected.toByteArray(), written.toByteArray());

        final DecisionDedup loaded = new DecisionDedup(window);
        loaded.readFrom(new DataInputStream(new ByteArrayInputStream(written.toByteArray())));
        assertEquals(DecisionDedup.DUPLICATE, loaded.check(20, 3));
        assertEquals(Verdict.DECLINE, loaded.foundVerdict());
        assertEquals(103, loaded.foundEngineSeq());
        assertEquals(0b101, loaded.foundFiredRules());
        assertEquals(DecisionDedup.DUPLICATE, loaded.check(10, 9));
        assertEquals(1L << 40, loaded.foundFiredRules());
        assertEquals(DecisionDedup.NEW, loaded.check(10, 8), "an empty slot in the window");
        assertEquals(DecisionDedup.NEW, loaded.check(20, 5));

        // A slot whose verdict byte is none of the verdicts is refused at the load, not at a retry.
        final byte[] damaged = written.toByteArray();
        damaged[Integer.BYTES * 2 + Long.BYTES * 2 + DecisionDedup.ENTRY_BYTES + 16] = 7;
        assertThrows(IOException.class, () -> new DecisionDedup(window)
            .readFrom(new DataInputStream(new ByteArrayInputStream(damaged))));
    }

    private static void writeSlot(
        final DataOutputStream out, final long seq, final long engineSeq, final Verdict verdict, final long fired)
        throws IOException
    {
        out.writeLong(seq);
        out.writeLong(engineSeq);
        out.writeByte(verdict == null ? -1 : verdict.value());
        out.writeLong(fired);
    }
}
