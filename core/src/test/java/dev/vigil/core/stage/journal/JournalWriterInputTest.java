package dev.vigil.core.stage.journal;

import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.JournalWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalWriterInputTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);

    @TempDir
    Path dir;

    @Test
    void anAppendTheWriterRefusesAnswersFalseAndSaysWhyWithoutThrowing()
    {
        final JournalWriterInput input = new JournalWriterInput(
            JournalWriter.open(new JournalContext().directory(dir).durability(Durability.NONE)));

        assertTrue(input.append(1, 10, frame, 0, frame.capacity()));
        assertFalse(input.append(1, 11, frame, 0, frame.capacity()), "a sequence that does not follow");
        assertEquals("journal refused engine seq 1 (last journaled 1) in " + dir +
            ": the sequence does not follow the last journaled", input.refusal().getMessage());
        assertFalse(input.append(2, 12, frame, 0, 0), "an empty frame");
        assertTrue(input.refusal().getMessage().endsWith("the frame is empty or longer than the journal's records"));

        // The input offered again once the cause is gone is taken, once.
        assertTrue(input.append(2, 12, frame, 0, frame.capacity()));
        input.close();
        assertFalse(input.append(3, 13, frame, 0, frame.capacity()), "a closed journal");
        assertTrue(input.refusal().getMessage().endsWith("the journal is closed"));

        try (JournalReader reader = JournalReader.open(dir, 1))
        {
            final long[] sequences = new long[3];
            final int[] count = new int[1];
            reader.poll((engineSeq, receiveTimeNs, buffer, offset, length) -> sequences[count[0]++] = engineSeq, 10);
            assertEquals(2, count[0]);
            assertEquals(1, sequences[0]);
            assertEquals(2, sequences[1]);
        }
    }
}
