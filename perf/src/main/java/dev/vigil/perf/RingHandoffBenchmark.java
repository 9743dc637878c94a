package dev.vigil.perf;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The ring hand-off on its own: the benchmark thread claims, fills and publishes slots of a Disruptor ring (single
 * producer, 65,536 slots, as the engine's), and a second thread polls them with an {@code EventPoller} in an Agrona
 * agent, as the engine's stages do, and does nothing with them.
 * <pre>
 *   benchmark thread                        handler thread ({@code idle}: busy or yield)
 *   claim -> write -> publish  ──ring──►  EventPoller.poll -> no-op handler -> sequence
 *         ◄──────────── waits until the handler's sequence has passed the slot(s) ─────────┘
 * </pre>
 * {@code single}: one slot, then wait for the handler: the hand-off latency between two threads, one way plus the
 * producer seeing the handler's sequence. {@code batch}: 1,024 slots, then wait: the cost per event when the
 * handler keeps up in batches. ns per event; the ring itself allocates nothing.
 * <p>
 * Run (part of {@code ./vigil jmh}):
 * <pre>
 * ./vigil jmh RingHandoffBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RingHandoffBenchmark
{
    /** Slots published per {@code batch} invocation. */
    static final int BATCH = 1024;

    private static final int RING_SIZE = 65_536;

    /** How the handler thread waits: {@code busy} spins, {@code yield} gives the core away. */
    @Param({"busy", "yield"})
    public String idle;

    private RingBuffer<RingHandoffTarget.Slot> ring;
    private Sequence handled;
    private AgentRunner runner;
    private long published = -1;

    /**
     * Start the handler thread.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        ring = RingBuffer.createSingleProducer(RingHandoffTarget.Slot::new, RING_SIZE);
        final EventPoller<RingHandoffTarget.Slot> poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        handled = poller.getSequence();
        final IdleStrategy idleStrategy = "busy".equals(idle) ? new BusySpinIdleStrategy() : new YieldingIdleStrategy();
        runner = new AgentRunner(idleStrategy, Throwable::printStackTrace, null, new NoOpAgent(poller));
        AgentRunner.startOnThread(runner);
    }

    /**
     * Stop the handler thread.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        runner.close();
    }

    /**
     * @return the sequence handed off, so the work is not dead code.
     */
    @Benchmark
    public long single()
    {
        publishOne();
        awaitHandled();
        return published;
    }

    /**
     * @return the last sequence handed off.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long batch()
    {
        for (int i = 0; i < BATCH; i++)
        {
            publishOne();
        }
        awaitHandled();
        return published;
    }

    private void publishOne()
    {
        final long sequence = ring.next();
        final RingHandoffTarget.Slot slot = ring.get(sequence);
        slot.index = sequence;
        slot.sendTimeNs = sequence;
        ring.publish(sequence);
        published = sequence;
    }

    private void awaitHandled()
    {
        while (handled.get() < published)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Polls the ring and does nothing with what it reads.
     */
    private static final class NoOpAgent implements Agent, EventPoller.Handler<RingHandoffTarget.Slot>
    {
        private final EventPoller<RingHandoffTarget.Slot> poller;

        NoOpAgent(final EventPoller<RingHandoffTarget.Slot> poller)
        {
            this.poller = poller;
        }

        @Override
        public int doWork() throws Exception
        {
            return poller.poll(this) == EventPoller.PollState.PROCESSING ? 1 : 0;
        }

        @Override
        public boolean onEvent(final RingHandoffTarget.Slot slot, final long sequence, final boolean endOfBatch)
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
