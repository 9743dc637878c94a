package dev.vigil.app.session;

import dev.vigil.core.counters.CounterDescriptor;
import dev.vigil.core.counters.CounterFamily;

import static dev.vigil.core.counters.CounterFamily.counter;
import static dev.vigil.core.counters.CounterFamily.gauge;

/**
 * The session gate's counters, created by {@link SessionCounters} among the engine's after the Connects refused by
 * reason ({@link #CONNECTS_REFUSED}, one member per {@link ConnectRefusal}): each constant is one counter, its stable
 * label and the family it is exported in with its help line.
 */
public enum SessionCounter implements CounterDescriptor
{
    SESSIONS_OPENED("sessions opened", counter("vigil_sessions_opened_total",
        "client sessions opened: reply channel connected and, with authentication, the client proven")),
    SESSIONS_OPEN("sessions open", gauge("vigil_sessions_open",
        "client sessions open now")),
    SESSIONS_PENDING("sessions pending", gauge("vigil_sessions_pending",
        "Connects being handled now: waiting for a reply publication, reply channel connecting or challenge " +
        "outstanding")),
    SESSIONS_WAITING("sessions waiting", gauge("vigil_sessions_waiting",
        "Connects among those pending that wait for their turn at a reply publication"));

    /** Connects refused by reason: one member per {@link ConnectRefusal}, labelled by {@link ConnectRefusal#label}. */
    public static final CounterFamily CONNECTS_REFUSED = counter("vigil_connects_refused_total",
        "Connects that did not become a session, by reason", "reason", "connects refused");

    private final String label;
    private final CounterFamily family;

    SessionCounter(final String label, final CounterFamily family)
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
