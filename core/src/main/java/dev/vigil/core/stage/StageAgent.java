package dev.vigil.core.stage;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.journal.JournalHandler;
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
 * <p>
 * Each stage is a subclass of its own, so the call to its handler is a call site of its own: shared by the three
 * stages, one call site would see three handler types and the JIT could inline none of them.
 */
abstract class StageAgent implements Agent, EventPoller.Handler<RingEvent>
{
    private final String roleName;
    private final EventPoller<RingEvent> poller;
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
        this.dutyCycle = dutyCycle;
        this.hold = handler instanceof InputHold ? (InputHold)handler : null;
    }

    /**
     * @param poller    the journal stage's poller.
     * @param handler   the journal stage.
     * @param dutyCycle its background work.
     * @return the journal stage's agent.
     */
    static StageAgent journal(
        final EventPoller<RingEvent> poller, final JournalHandler handler, final IntSupplier dutyCycle)
    {
        return new JournalStage(poller, handler, dutyCycle);
    }

    /**
     * @param poller    the rules stage's poller.
     * @param handler   the rules stage.
     * @param dutyCycle its background work.
     * @return the rules stage's agent.
     */
    static StageAgent rules(
        final EventPoller<RingEvent> poller, final EventHandler<RingEvent> handler, final IntSupplier dutyCycle)
    {
        return new RulesStage(poller, handler, dutyCycle);
    }

    /**
     * @param poller    the egress stage's poller.
     * @param handler   the egress stage.
     * @param dutyCycle its background work.
     * @return the egress stage's agent.
     */
    static StageAgent egress(
        final EventPoller<RingEvent> poller, final EventHandler<RingEvent> handler, final IntSupplier dutyCycle)
    {
        return new EgressStage(poller, handler, dutyCycle);
    }

    /**
     * Hand one slot to the stage's handler.
     */
    abstract void handle(RingEvent event, long sequence, boolean endOfBatch) throws Exception;

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
    public final boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        handle(event, sequence, endOfBatch);
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

    private static final class JournalStage extends StageAgent
    {
        private final JournalHandler handler;

        JournalStage(final EventPoller<RingEvent> poller, final JournalHandler handler, final IntSupplier dutyCycle)
        {
            super("vigil-journal", poller, handler, dutyCycle);
            this.handler = handler;
        }

        @Override
        void handle(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
        {
            handler.onEvent(event, sequence, endOfBatch);
        }
    }

    private static final class RulesStage extends StageAgent
    {
        private final EventHandler<RingEvent> handler;

        RulesStage(
            final EventPoller<RingEvent> poller, final EventHandler<RingEvent> handler, final IntSupplier dutyCycle)
        {
            super("vigil-rules", poller, handler, dutyCycle);
            this.handler = handler;
        }

        @Override
        void handle(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
        {
            handler.onEvent(event, sequence, endOfBatch);
        }
    }

    private static final class EgressStage extends StageAgent
    {
        private final EventHandler<RingEvent> handler;

        EgressStage(
            final EventPoller<RingEvent> poller, final EventHandler<RingEvent> handler, final IntSupplier dutyCycle)
        {
            super("vigil-egress", poller, handler, dutyCycle);
            this.handler = handler;
        }

        @Override
        void handle(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
        {
            handler.onEvent(event, sequence, endOfBatch);
        }
    }
}
