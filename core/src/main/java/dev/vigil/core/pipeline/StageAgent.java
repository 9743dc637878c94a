package dev.vigil.core.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import dev.vigil.core.ring.RingEvent;
import org.agrona.concurrent.Agent;

import java.util.function.IntSupplier;

/**
 * Runs one pipeline stage as an Agrona {@link Agent} over a Disruptor {@link EventPoller}: each duty cycle hands the
 * handler every slot the stage's gating sequences allow, then does the stage's own background work, if any. Being an
 * agent rather than a thread lets the engine put
 * stages on their own threads or several on one, without changing the stages.
 */
final class StageAgent implements Agent, EventPoller.Handler<RingEvent>
{
    private final String roleName;
    private final EventPoller<RingEvent> poller;
    private final EventHandler<RingEvent> handler;
    private final IntSupplier dutyCycle;
    private int workCount;

    StageAgent(
        final String roleName,
        final EventPoller<RingEvent> poller,
        final EventHandler<RingEvent> handler,
        final IntSupplier dutyCycle)
    {
        this.roleName = roleName;
        this.poller = poller;
        this.handler = handler;
        this.dutyCycle = dutyCycle;
    }

    @Override
    public int doWork() throws Exception
    {
        workCount = 0;
        poller.poll(this);
        return workCount + dutyCycle.getAsInt();
    }

    @Override
    public boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        handler.onEvent(event, sequence, endOfBatch);
        workCount++;
        return true;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
