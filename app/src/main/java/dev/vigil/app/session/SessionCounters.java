package dev.vigil.app.session;

import dev.vigil.core.pipeline.EngineCounters;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The session gate's counters, in the engine's counters file and metrics: Connects refused by reason, sessions
 * opened, and how many are open and connecting now. Written by the ingress thread only.
 */
public final class SessionCounters
{
    private final AtomicCounter[] refusedByReason = new AtomicCounter[ConnectRefusal.values().length];
    private final AtomicCounter opened;
    private final AtomicCounter open;
    private final AtomicCounter pending;
    private final AtomicCounter framesReceived;

    /**
     * @param counters the engine's counters, which own and close these.
     */
    public SessionCounters(final EngineCounters counters)
    {
        for (final ConnectRefusal refusal : ConnectRefusal.values())
        {
            refusedByReason[refusal.ordinal()] = counters.addExported(
                "connects refused " + refusal.label(), "vigil_connects_refused_total",
                "Connects that did not become a session, by reason", false, "reason", refusal.label());
        }
        opened = counters.addExported("sessions opened", "vigil_sessions_opened_total",
            "client sessions opened: reply channel connected and, with authentication, the client proven", false,
            null, null);
        open = counters.addExported("sessions open", "vigil_sessions_open",
            "client sessions open now", true, null, null);
        framesReceived = counters.framesReceived();
        pending = counters.addExported("sessions pending", "vigil_sessions_pending",
            "Connects being handled now: reply channel connecting or challenge outstanding", true, null, null);
    }

    /**
     * @param refusal why a Connect did not become a session.
     * @return Connects refused for that reason.
     */
    public AtomicCounter refused(final ConnectRefusal refusal)
    {
        return refusedByReason[refusal.ordinal()];
    }

    /**
     * @return sessions opened since start.
     */
    public AtomicCounter opened()
    {
        return opened;
    }

    /**
     * @return gauge: sessions open now.
     */
    public AtomicCounter open()
    {
        return open;
    }

    /**
     * @return the engine's count of inbound frames, which the gate's frames belong to; the ingress thread writes it.
     */
    public AtomicCounter framesReceived()
    {
        return framesReceived;
    }

    /**
     * @return gauge: handshakes under way now.
     */
    public AtomicCounter pending()
    {
        return pending;
    }
}
