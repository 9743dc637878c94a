package dev.vigil.app.live;

import dev.vigil.core.counters.CounterDescriptor;
import dev.vigil.core.counters.CounterFamily;

import static dev.vigil.core.counters.CounterFamily.counter;
import static dev.vigil.core.counters.CounterFamily.gauge;

/**
 * The live page's counters, among the engine's when the page is on ({@code http.port}): shown by {@code vigil stat},
 * exported to Prometheus, and in the page's own {@code /api/engine}. Both are written by the page's feed thread only.
 */
public enum LiveCounter implements CounterDescriptor
{
    VIEWERS("live page viewers", gauge("vigil_live_viewers",
        "browsers (or other clients) following the live page's stream of updates")),
    UPDATES_DROPPED("live page updates dropped", counter("vigil_live_updates_dropped_total",
        "updates of the live page not sent to a viewer whose queue was full (a slow or stalled browser); the " +
        "engine never waits for a viewer"));

    private final String label;
    private final CounterFamily family;

    LiveCounter(final String label, final CounterFamily family)
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
