package dev.vigil.core.rules.pattern;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keys waiting for an absence's end: polled by due time, ties by key, each key once at its earliest due time,
 * and the same order after a snapshot's write and read.
 */
class PatternDeadlinesTest
{
    @Test
    void pollsByDueTimeThenKeyEachKeyOnceAtItsEarliest() throws IOException
    {
        final PatternDeadlines deadlines = new PatternDeadlines(1000);
        final Random random = new Random(5);
        final long[] earliest = new long[200];
        java.util.Arrays.fill(earliest, Long.MAX_VALUE);
        for (int i = 0; i < 2000; i++)
        {
            final int key = random.nextInt(200);
            final long due = random.nextInt(50);
            assertTrue(deadlines.schedule(key, due));
            earliest[key] = Math.min(earliest[key], due);
        }
        final List<long[]> expected = new ArrayList<>();
        for (int key = 0; key < earliest.length; key++)
        {
            if (earliest[key] != Long.MAX_VALUE)
            {
                expected.add(new long[]{earliest[key], key});
            }
        }
        expected.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        assertEquals(expected.size(), deadlines.size());

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        deadlines.writeTo(new DataOutputStream(bytes));
        final PatternDeadlines restored = new PatternDeadlines(1000);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        for (final long[] next : expected)
        {
            assertEquals(next[0], deadlines.firstDueNs());
            assertEquals(next[1], deadlines.poll());
            assertEquals(next[0], restored.firstDueNs());
            assertEquals(next[1], restored.poll());
        }
        assertEquals(Long.MAX_VALUE, deadlines.firstDueNs());
        assertEquals(0, restored.size());
    }

    @Test
    void aFullHeapRefusesANewKeyButTakesAnEarlierTimeForAKnownOne()
    {
        final PatternDeadlines deadlines = new PatternDeadlines(2);
        assertTrue(deadlines.schedule(7, 100));
        assertTrue(deadlines.schedule(8, 50));
        assertFalse(deadlines.schedule(9, 10), "full");
        assertTrue(deadlines.schedule(7, 20), "known: moved earlier");
        assertTrue(deadlines.schedule(8, 90), "known: a later time changes nothing");
        assertEquals(7, deadlines.poll());
        assertEquals(50, deadlines.firstDueNs());
        assertEquals(8, deadlines.poll());
    }
}
