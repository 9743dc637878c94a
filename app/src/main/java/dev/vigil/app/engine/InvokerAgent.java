package dev.vigil.app.engine;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * Runs an {@link AgentInvoker} (the media driver's or the Aeron client conductor's) as one more agent of a thread,
 * so the shared profile needs no threads for them. The invoker's owner closes it.
 */
public final class InvokerAgent implements Agent
{
    private final AgentInvoker invoker;
    private final String roleName;

    /**
     * @param invoker  the invoker to run.
     * @param roleName name of the role, for diagnostics.
     */
    public InvokerAgent(final AgentInvoker invoker, final String roleName)
    {
        this.invoker = invoker;
        this.roleName = roleName;
    }

    @Override
    public int doWork()
    {
        return invoker.invoke();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
