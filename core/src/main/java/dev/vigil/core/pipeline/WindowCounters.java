package dev.vigil.core.pipeline;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of the event-time windows, next to the engine's own: late events, results emitted, events a full window
 * state could not hold, and results the egress buffer had no room for.
 */
public final class WindowCounters
{
    private final AtomicCounter lateEvents;
    private final AtomicCounter results;
    private final AtomicCounter stateFull;
    private final AtomicCounter resultsDropped;
    private final AtomicCounter watermark;

    /**
     * @param factory creates each counter.
     */
    public WindowCounters(final EngineCounters.CounterFactory factory)
    {
        final int type = EngineCounters.VIGIL_COUNTER_TYPE_ID;
        lateEvents = factory.newCounter(type, "vigil window late events");
        results = factory.newCounter(type, "vigil window results");
        stateFull = factory.newCounter(type, "vigil window state full");
        resultsDropped = factory.newCounter(type, "vigil window results dropped");
        watermark = factory.newCounter(type, "vigil watermark ns");
    }

    /**
     * @return events sent to the late output.
     */
    public AtomicCounter lateEvents()
    {
        return lateEvents;
    }

    /**
     * @return window results emitted, updates included.
     */
    public AtomicCounter results()
    {
        return results;
    }

    /**
     * @return events not aggregated because a window state was full.
     */
    public AtomicCounter stateFull()
    {
        return stateFull;
    }

    /**
     * @return results or late events not published because the egress buffer was full.
     */
    public AtomicCounter resultsDropped()
    {
        return resultsDropped;
    }

    /**
     * @return the engine's current event-time watermark.
     */
    public AtomicCounter watermark()
    {
        return watermark;
    }
}
