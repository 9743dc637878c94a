package dev.vigil.perf;

import dev.vigil.core.counters.EngineCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * Engine counters over an in-process Agrona {@link CountersManager}, the same counter type the engine gets from
 * Aeron, so benchmarks pay the same ordered stores per event without a media driver.
 */
final class LocalCounters
{
    private static final int MAX_COUNTERS = 256;

    private LocalCounters()
    {
    }

    static EngineCounters newEngineCounters()
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.COUNTER_LENGTH, 64)));
        return new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
    }
}
