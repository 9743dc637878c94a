package dev.vigil.perf;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;

/**
 * The floor inside the process: a Disruptor ring and a no-op handler, with no transport at all.
 * <pre>
 *     main thread                                   handler thread (yields when idle; spins when dedicated)
 *    +------------------------+   ring slot    +-------------------------------------------+
 *    | client: claim, stamp,  |--------------->| EventPoller: read the slot, do nothing     |
 *    |   publish at the rate  |                | (an Agrona agent, as the engine's stages)  |
 *    | poll: slots the handler|<- - sequence - +-------------------------------------------+
 *    |   has passed = answers |
 *    +------------------------+
 * </pre>
 * An answer is the handler's sequence passing a slot, seen by the client when it polls, so the figure is the
 * hand-off between two threads plus the client's own polling, the same way the Aeron round trips are observed. The
 * ring is gated on what the client has read, so a slot is never reused before its answer is recorded.
 */
final class RingHandoffTarget implements RoundTripTarget
{
    private static final int RING_SIZE = 65_536;

    private final OpenLoopRun run;
    private final RingBuffer<Slot> ring;
    private final Sequence readByClient = new Sequence();
    private final HandlerAgent handler;
    private final AgentRunner runner;

    private RingHandoffTarget(final OpenLoopRun run, final ErrorHandler errorHandler, final boolean spin)
    {
        this.run = run;
        ring = RingBuffer.createSingleProducer(Slot::new, RING_SIZE);
        handler = new HandlerAgent(ring.newPoller());
        ring.addGatingSequences(readByClient);
        final IdleStrategy idle = spin ? new BusySpinIdleStrategy() : new YieldingIdleStrategy();
        runner = new AgentRunner(idle, errorHandler, null, handler);
        AgentRunner.startOnThread(runner);
    }

    /**
     * @param run          receives the answers.
     * @param errorHandler receives errors from the handler's thread.
     * @param spin         true: the handler thread busy-spins when idle (dedicated profile); false: it yields.
     * @return a running target.
     */
    static RingHandoffTarget launch(final OpenLoopRun run, final ErrorHandler errorHandler, final boolean spin)
    {
        return new RingHandoffTarget(run, errorHandler, spin);
    }

    @Override
    public long trySend(final long index)
    {
        if (!ring.hasAvailableCapacity(1))
        {
            return Publication.BACK_PRESSURED;
        }
        final long sequence = ring.next();
        final Slot slot = ring.get(sequence);
        slot.index = index;
        slot.sendTimeNs = System.nanoTime();
        ring.publish(sequence);
        return 1;
    }

    @Override
    public int poll()
    {
        final long handled = handler.poller.getSequence().get();
        long next = readByClient.get() + 1;
        final int answers = (int)(handled - next + 1);
        for (; next <= handled; next++)
        {
            final Slot slot = ring.get(next);
            run.onAnswer(slot.index, slot.sendTimeNs);
        }
        readByClient.set(handled);
        return Math.max(0, answers);
    }

    @Override
    public String describe()
    {
        return String.format(Locale.ROOT, "ring: %,d slots handed off", handler.poller.getSequence().get() + 1);
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(runner);
    }

    /**
     * One ring slot: which request, and when it was published.
     */
    static final class Slot
    {
        long index;
        long sendTimeNs;
    }

    /**
     * Passes every published slot without doing anything with it.
     */
    private static final class HandlerAgent implements Agent, EventPoller.Handler<Slot>
    {
        private final EventPoller<Slot> poller;

        HandlerAgent(final EventPoller<Slot> poller)
        {
            this.poller = poller;
        }

        @Override
        public int doWork() throws Exception
        {
            return poller.poll(this) == EventPoller.PollState.PROCESSING ? 1 : 0;
        }

        @Override
        public boolean onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            return true;
        }

        @Override
        public String roleName()
        {
            return "ring-noop";
        }
    }
}
