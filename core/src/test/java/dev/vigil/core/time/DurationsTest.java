package dev.vigil.core.time;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest
{
    @Test
    void durationsParseAndFormatWithUnits()
    {
        assertEquals(1_500_000L, Durations.parseNs("1500us"));
        assertEquals(120_000_000_000L, Durations.parseNs("2m"));
        assertEquals("1500us", Durations.format(1_500_000L));
        assertEquals("2m", Durations.format(120_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("10"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("3 days"));
    }
}
