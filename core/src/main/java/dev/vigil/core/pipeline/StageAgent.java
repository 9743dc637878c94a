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
 * <p>
 * A handler that is an {@link InputHold} can stop the poll after an input and hold the next one in the ring until
 * it has finished what that input left to do: each duty cycle resumes it first, and polls only while it does not
 * hold.
 */
final class StageAgent implements Agent, EventPoller.Handler<RingEvent>
{
    private final String roleName;
    private final EventPoller<RingEvent> poller;
    private final EventHandler<RingEvent> handler;
    private final IntSupplier dutyCycle;
    private final InputHold hold;
    private int workCount;
    private volatile boolean holding;

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
        this.hold = handler instanceof InputHold ? (InputHold)handler : null;
    }

    @Override
    public int doWork() throws Exception
    {
        workCount = 0;
        if (hold != null)
        {
            workCount += hold.resume();
            if (isHeld())
            {
                return workCount + dutyCycle.getAsInt();
            }
        }
        poller.poll(this);
        return workCount + dutyCycle.getAsInt();
    }

    @Override
    public boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        handler.onEvent(event, sequence, endOfBatch);
        workCount++;
        return hold == null || !isHeld();
    }

    /**
     * @return true while the stage holds its next input; safe to call from any thread, and set before the stage's
     * sequence passes the input that made it hold.
     */
    boolean isHolding()
    {
        return holding;
    }

    private boolean isHeld()
    {
        final boolean held = hold.holdsInput();
        if (held != holding)
        {
            holding = held;
        }
        return held;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
