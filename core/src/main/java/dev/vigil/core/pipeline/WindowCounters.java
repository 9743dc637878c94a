package dev.vigil.core.pipeline;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counters of the event-time windows, next to the engine's own: late events, results emitted, events a full window
 * state could not hold, results the egress buffer had no room for, and how often and how long the rules stage held
 * its input because window output filled that buffer.
 */
public final class WindowCounters
{
    private final AtomicCounter lateEvents;
    private final AtomicCounter results;
    private final AtomicCounter stateFull;
    private final AtomicCounter resultsDropped;
    private final AtomicCounter watermark;
    private final AtomicCounter outputHolds;
    private final AtomicCounter outputHeldNs;

    /**
     * @param counters the engine's counters, in whose file these live and with which they are exported as metrics.
     */
    public WindowCounters(final EngineCounters counters)
    {
        lateEvents = counters.addExported("window late events", "vigil_window_late_events_total",
            "Events no window accepted any more (past the allowed lateness)", false, null, null);
        results = counters.addExported("window results", "vigil_window_results_total",
            "Window results emitted, updates included", false, null, null);
        stateFull = counters.addExported("window state full", "vigil_window_state_full_total",
            "Events a windowed aggregation could not hold because its keys or windows were at capacity", false,
            null, null);
        resultsDropped = counters.addExported("window results dropped", "vigil_window_results_dropped_total",
            "Window results and late events not published because they did not fit the output buffer at all", false,
            null, null);
        watermark = counters.addExported("watermark ns", "vigil_watermark_nanoseconds",
            "The engine's event-time watermark", true, null, null);
        outputHolds = counters.addExported("window output holds", "vigil_window_output_holds_total",
            "Times the rules stage held its next input until egress had taken window output", false, null, null);
        outputHeldNs = counters.addExported("window output held ns", "vigil_window_output_held_nanoseconds_total",
            "Time the rules stage held input for window output", false, null, null);
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
     * @return results or late events not published because they did not fit the egress buffer even when empty.
     */
    public AtomicCounter resultsDropped()
    {
        return resultsDropped;
    }

    /**
     * @return times the rules stage held its next input because egress had no room for window output.
     */
    public AtomicCounter outputHolds()
    {
        return outputHolds;
    }

    /**
     * @return nanoseconds the rules stage held input for window output, counted while it holds.
     */
    public AtomicCounter outputHeldNs()
    {
        return outputHeldNs;
    }

    /**
     * @return the engine's current event-time watermark.
     */
    public AtomicCounter watermark()
    {
        return watermark;
    }
}
