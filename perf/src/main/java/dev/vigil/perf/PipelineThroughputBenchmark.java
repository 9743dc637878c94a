package dev.vigil.perf;

import org.agrona.IoUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the engine's pipeline, ingress → ring → journal ∥ rules → egress, without a transport: frames are
 * offered to {@code RingIngress.onFrame} straight from a pool of pre-encoded frames, the journal is
 * {@code NoInputJournal} or, for {@code singleThread} with {@code journal=on}, a real journal writer in a temporary
 * directory (durability none, as the engine's default), and replies go to a sink that drops them. Scores are
 * events per second (one operation is one event).
 * <ul>
 *   <li>{@code singleThread}: the shared profile's one engine thread. Each invocation offers a batch of 1,024 frames,
 *   then runs the journal, rules and egress agents until egress has passed them all.</li>
 *   <li>{@code twoThreads}: the benchmark thread only offers frames, waiting while the ring is full; a second thread
 *   runs the three stage agents as one {@code CompositeAgent} in an {@code AgentRunner} that idles as
 *   {@code idle} says. Two threads that never sleep: the whole of a 2-core machine.</li>
 * </ul>
 * Both connect one client first and check at the end that every event was accepted, evaluated and answered.
 * <p>
 * Run (about 2 minutes; add {@code -jvmArgsAppend "--enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow"} on Java 24 and later):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar PipelineThroughputBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PipelineThroughputBenchmark.BATCH)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// The ./vigil launcher's flags: Agrona needs jdk.internal.misc, and the engine runs on the parallel collector.
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
public class PipelineThroughputBenchmark
{
    /** Frames offered per invocation. */
    static final int BATCH = 1024;

    private static final int MAX_DRAIN_CYCLES = 1_000;
    private static final long MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * The pipeline driven by the benchmark thread alone.
     */
    @State(Scope.Thread)
    public static class SingleThread
    {
        /** {@code on}: every input is journaled to a temporary directory (durability none), as by default. */
        @Param({"off", "on"})
        public String journal;

        private PipelineFixture fixture;
        private Path journalDir;

        /**
         * @throws Exception when the Connect fails.
         */
        @Setup(Level.Trial)
        public void setup() throws Exception
        {
            journalDir = "on".equals(journal) ? Files.createTempDirectory("vigil-pipeline-bench-") : null;
            fixture = new PipelineFixture(BATCH, journalDir);
            fixture.connect();
        }

        /**
         * Fails the run when any event went unanswered; deletes the journal.
         */
        @TearDown(Level.Trial)
        public void verify()
        {
            fixture.close();
            if (journalDir != null)
            {
                IoUtil.delete(journalDir.toFile(), true);
            }
            fixture.verify();
        }
    }

    /**
     * The pipeline's stages on their own thread; the benchmark thread is ingress.
     */
    @State(Scope.Thread)
    public static class TwoThreads
    {
        /** How both threads wait: {@code busy} spins, {@code yield} gives the core away. */
        @Param({"busy", "yield"})
        public String idle;

        private PipelineFixture fixture;
        private IdleStrategy producerIdle;
        private AgentRunner stages;
        private volatile Throwable stageError;

        /**
         * Connects, then starts the stages' thread.
         *
         * @throws Exception when the Connect fails.
         */
        @Setup(Level.Trial)
        public void setup() throws Exception
        {
            fixture = new PipelineFixture(BATCH);
            fixture.connect();
            producerIdle = idleStrategy(idle);
            stages = new AgentRunner(
                idleStrategy(idle),
                error -> stageError = error,
                null,
                new CompositeAgent(fixture.journalAgent(), fixture.rulesAgent(), fixture.egressAgent()));
            AgentRunner.startOnThread(stages);
        }

        /**
         * Lets the stages catch up, so that no iteration is credited with events the next one processes.
         */
        @TearDown(Level.Iteration)
        public void awaitDrained()
        {
            final long deadlineNs = System.nanoTime() + MAX_WAIT_NS;
            while (!fixture.isDrained())
            {
                checkProgress(deadlineNs);
                producerIdle.idle();
            }
        }

        /**
         * Stops the stages' thread and fails the run when any event went unanswered.
         */
        @TearDown(Level.Trial)
        public void stop()
        {
            stages.close();
            if (stageError != null)
            {
                throw new IllegalStateException("stage failed", stageError);
            }
            fixture.verify();
        }

        void checkProgress(final long deadlineNs)
        {
            if (stageError != null)
            {
                throw new IllegalStateException("stage failed", stageError);
            }
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("the stages made no room in the ring within 10s");
            }
        }

        private static IdleStrategy idleStrategy(final String name)
        {
            switch (name)
            {
                case "busy":
                    return new BusySpinIdleStrategy();
                case "yield":
                    return new YieldingIdleStrategy();
                default:
                    throw new IllegalArgumentException("idle=" + name + ": allowed: busy, yield");
            }
        }
    }

    /**
     * @param state the pipeline.
     * @return engine sequence of the last event, so nothing can be optimised away.
     * @throws Exception when a stage fails.
     */
    @Benchmark
    public long singleThread(final SingleThread state) throws Exception
    {
        final PipelineFixture fixture = state.fixture;
        for (int i = 0; i < BATCH; i++)
        {
            fixture.publishNext();
        }

        int cycles = 0;
        do
        {
            if (++cycles > MAX_DRAIN_CYCLES)
            {
                throw new IllegalStateException("stages did not drain a batch in " + MAX_DRAIN_CYCLES + " cycles");
            }
            fixture.runStagesOnce();
        }
        while (!fixture.isDrained());

        return fixture.lastEngineSeq();
    }

    /**
     * @param state the pipeline and its stages' thread.
     * @return engine sequence of the last event, so nothing can be optimised away.
     */
    @Benchmark
    public long twoThreads(final TwoThreads state)
    {
        final PipelineFixture fixture = state.fixture;
        int remaining = BATCH;
        long deadlineNs = 0;
        while (remaining > 0)
        {
            final int available = Math.min(remaining, fixture.remainingCapacity());
            if (available == 0)
            {
                // Only a stalled stage thread keeps the ring full for long; read the clock only then.
                if (deadlineNs == 0)
                {
                    deadlineNs = System.nanoTime() + MAX_WAIT_NS;
                }
                state.checkProgress(deadlineNs);
                state.producerIdle.idle();
                continue;
            }
            deadlineNs = 0;
            for (int i = 0; i < available; i++)
            {
                fixture.publishNext();
            }
            remaining -= available;
        }
        return fixture.lastEngineSeq();
    }
}
