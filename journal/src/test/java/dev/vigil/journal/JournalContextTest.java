package dev.vigil.journal;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalContextTest
{
    private final JournalContext context = new JournalContext().directory(Path.of("journal"));

    @Test
    void hasDefaults()
    {
        assertSame(context, context.conclude());
        assertEquals(64 * 1024 * 1024, context.segmentLength());
        assertEquals(Durability.PERIODIC, context.durability());
        assertEquals(1_000_000L, context.fsyncIntervalNs());
        assertSame(SystemNanoClock.INSTANCE, context.nanoClock());
        assertFalse(context.truncateAtCorruption());
    }

    @Test
    void acceptsPowerOfTwoSegmentLengthsFrom64KiBTo1GiB()
    {
        context.segmentLength(64 * 1024).conclude();
        context.segmentLength(1024 * 1024 * 1024).conclude();
        assertRejected(context.segmentLength(32 * 1024), "segmentLength=32768", "power of two");
        assertRejected(context.segmentLength(100_000), "segmentLength=100000", "65536");
        assertRejected(context.segmentLength(-65536), "segmentLength=-65536", "1073741824");
    }

    @Test
    void namesTheSettingTheValueAndWhatIsAllowed()
    {
        assertRejected(new JournalContext(), "directory=null", "set the directory");
        assertRejected(context.fsyncIntervalNs(0), "fsyncIntervalNs=0", "greater than 0");
        assertRejected(context.fsyncIntervalNs(1).durability(null), "durability=null", "NONE, BATCH, PERIODIC");
        assertRejected(context.durability(Durability.BATCH).nanoClock(null), "nanoClock=null", "clock");
    }

    private static void assertRejected(final JournalContext context, final String setting, final String allowed)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, context::conclude);
        assertTrue(ex.getMessage().contains(setting), ex.getMessage());
        assertTrue(ex.getMessage().contains(allowed), ex.getMessage());
    }
}
