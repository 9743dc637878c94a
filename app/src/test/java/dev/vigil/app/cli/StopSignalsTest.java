package dev.vigil.app.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopSignalsTest
{
    private final List<Integer> halts = new ArrayList<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final StopSignals signals =
        new StopSignals(halts::add, new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void theFirstSignalStartsTheCleanStopAndASecondEndsTheProcessAtOnce() throws InterruptedException
    {
        signals.onSignal("SIGTERM");
        assertEquals("SIGTERM", signals.await());
        assertEquals(List.of(), halts, "the first signal is a clean stop");

        signals.onSignal("SIGINT");
        assertEquals(List.of(130), halts);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("vigil: SIGINT again, exiting now"), err::toString);
        assertEquals("SIGTERM", signals.await(), "the stop under way is still the first signal's");

        signals.onSignal("SIGTERM");
        assertEquals(List.of(130, 143), halts, "the shell's status for the signal: 128 + its number");
    }
}
