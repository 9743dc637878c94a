package dev.vigil.app.session;

import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The session gate's counters, in the engine's counters file and metrics: Connects refused by reason, then one per
 * {@link SessionCounter}. Written by the ingress thread only.
 */
public final class SessionCounters
{
    private final AtomicCounter[] refusedByReason = new AtomicCounter[ConnectRefusal.values().length];
    private final AtomicCounter[] byDescriptor;
    private final AtomicCounter framesReceived;

    /**
     * @param counters the engine's counters, which own and close these.
     */
    public SessionCounters(final EngineCounters counters)
    {
        for (final ConnectRefusal refusal : ConnectRefusal.values())
        {
            refusedByReason[refusal.ordinal()] = counters.addExported(SessionCounter.CONNECTS_REFUSED, refusal.label());
        }
        byDescriptor = counters.addExported(SessionCounter.values());
        framesReceived = counters.get(EngineCounter.FRAMES_RECEIVED);
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
     * @param descriptor one of the session gate's counters.
     * @return that counter.
     */
    public AtomicCounter get(final SessionCounter descriptor)
    {
        return byDescriptor[descriptor.ordinal()];
    }

    /**
     * @return the engine's count of inbound frames, which the gate's frames belong to; the ingress thread writes it.
     */
    public AtomicCounter framesReceived()
    {
        return framesReceived;
    }
}
