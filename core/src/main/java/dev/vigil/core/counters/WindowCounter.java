package dev.vigil.core.counters;

import static dev.vigil.core.counters.CounterFamily.counter;
import static dev.vigil.core.counters.CounterFamily.gauge;

/**
 * The event-time windows' counters, in the order {@link WindowCounters} creates them among the engine's: each
 * constant is one counter, its stable label and the family it is exported in with its help line.
 */
public enum WindowCounter implements CounterDescriptor
{
    LATE_EVENTS("window late events", counter("vigil_window_late_events_total",
        "Events no window accepted any more (past the allowed lateness)")),
    RESULTS("window results", counter("vigil_window_results_total",
        "Window results emitted, updates included")),
    STATE_FULL("window state full", counter("vigil_window_state_full_total",
        "Events a windowed aggregation could not hold because its keys or windows were at capacity")),
    RESULTS_DROPPED("window results dropped", counter("vigil_window_results_dropped_total",
        "Window results and late events not published because they did not fit the output buffer at all")),
    WATERMARK("watermark ns", gauge("vigil_watermark_nanoseconds",
        "The engine's event-time watermark")),
    OUTPUT_HOLDS("window output holds", counter("vigil_window_output_holds_total",
        "Times the rules stage held its next input until egress had taken window output")),
    OUTPUT_HELD_NS("window output held ns", counter("vigil_window_output_held_nanoseconds_total",
        "Time the rules stage held input for window output"));

    private final String label;
    private final CounterFamily family;

    WindowCounter(final String label, final CounterFamily family)
    {
        this.label = label;
        this.family = family;
    }

    @Override
    public String label()
    {
        return label;
    }

    @Override
    public CounterFamily family()
    {
        return family;
    }
}
