package dev.vigil.core.counters;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of the event-time windows, next to the engine's own: one per {@link WindowCounter}, created in its order
 * in the engine's counters file and exported with the engine's metrics.
 */
public final class WindowCounters
{
    private final AtomicCounter[] byDescriptor;

    /**
     * @param counters the engine's counters, in whose file these live and with which they are exported as metrics.
     */
    public WindowCounters(final EngineCounters counters)
    {
        byDescriptor = counters.addExported(WindowCounter.values());
    }

    /**
     * @param descriptor one of the window counters.
     * @return that counter. A stage that counts per event keeps the counters it writes in fields of its own.
     */
    public AtomicCounter get(final WindowCounter descriptor)
    {
        return byDescriptor[descriptor.ordinal()];
    }
}
