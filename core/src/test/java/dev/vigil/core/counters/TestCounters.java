package dev.vigil.core.counters;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * Engine counters over a counters manager of the test's own, with room for every counter a rules stage creates.
 */
public final class TestCounters
{
    private static final int CAPACITY = 256;

    private TestCounters()
    {
    }

    public static EngineCounters engineCounters()
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.COUNTER_LENGTH, 64)));
        return new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
    }
}
