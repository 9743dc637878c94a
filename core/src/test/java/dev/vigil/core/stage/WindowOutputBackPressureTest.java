package dev.vigil.core.stage;

import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.TestCounters;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.egress.CopyingReplySink;
import dev.vigil.core.stage.egress.WindowResultBuffer;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.journal.NoInputJournal;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSpec;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.vigil.core.counters.WindowCounter.OUTPUT_HOLDS;
import static dev.vigil.core.counters.WindowCounter.RESULTS;
import static dev.vigil.core.counters.WindowCounter.RESULTS_DROPPED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A watermark step that fires far more windows than egress's window buffer holds: the rules stage holds its next
 * input and fires on in parts as egress drains, driven here by hand through the same agents the engine runs, so that
 * what leaves — results, late events and decisions, in order — is the same whatever the buffer's size, nothing is
 * dropped, and a snapshot point behind the firing sees it finished.
 */
@Timeout(30)
class WindowOutputBackPressureTest
{
    private static final long SEC = 1_000_000_000L;
    private static final int RING_SIZE = 64;
    private static final int MAX_FRAME_LENGTH = 256;
    private static final int SESSION = 1001;
    private static final long CLIENT_ID = 42;
    private static final int KEYS = 300;
    /** Holds thousands of results: the firing fits at once, as before window output could hold input. */
    private static final int LARGE_BUFFER = 1 << 20;
    /** The smallest buffer {@code windows.output.buffer} allows: about 40 results. */
    private static final int TINY_BUFFER = 4096;
    /** Bound on duty cycles driven by hand until the pipeline drains. */
    private static final int MAX_CYCLES = 100_000;
    /** Bound on a wait for stages on their own threads: far beyond what the work takes. */
    private static final long THREADED_WAIT_NS = 20 * SEC;

    @ParameterizedTest(name = "buffer {0} bytes")
    @ValueSource(ints = {TINY_BUFFER, 8192, 65536})
    void aFiringLargerThanTheBufferLeavesInPartsInTheOrderOneFiringWouldHave(final int bufferBytes)
    {
        final Run reference = new Run(LARGE_BUFFER, false);
        reference.sendScenario();
        final Run small = new Run(bufferBytes, false);
        small.sendScenario();

        assertTrue(reference.timeline.size() > 4 * KEYS, () -> "too little output: " + reference.timeline.size());
        assertEquals(reference.timeline, small.timeline);
        assertArrayEquals(reference.snapshotWindows, small.snapshotWindows);
        assertEquals(reference.snapshotSeq, small.snapshotSeq);
        assertEquals(0, small.windowCounters.get(RESULTS_DROPPED).get());
        assertEquals(0, reference.windowCounters.get(RESULTS_DROPPED).get());
        assertEquals(0, reference.windowCounters.get(OUTPUT_HOLDS).get(), "the large buffer never fills");
        assertTrue(small.windowCounters.get(OUTPUT_HOLDS).get() > 0, "the small buffer held the rules stage");
        assertEquals(reference.windowCounters.get(RESULTS).get(), small.windowCounters.get(RESULTS).get());
    }

    @Test
    void nothingOfTheNextInputLeavesBeforeTheLastResultOfTheFiringOne()
    {
        final Run run = new Run(TINY_BUFFER, false);
        run.sendScenario();

        final int firstResult = run.timeline.indexOf(run.timeline.stream()
            .filter(line -> line.startsWith("result") && line.endsWith("by " + run.heartbeatSeq))
            .findFirst().orElseThrow());
        final int lastResult = run.timeline.lastIndexOf(run.timeline.stream()
            .filter(line -> line.startsWith("result") && line.endsWith("by " + run.heartbeatSeq))
            .reduce((first, second) -> second).orElseThrow());
        // Every result of the heartbeat's step fired together, and only then came the next input's decision.
        assertEquals(run.firedByHeartbeat, lastResult - firstResult + 1);
        assertTrue(run.timeline.get(lastResult + 1).startsWith("decision clientSeq=" + (KEYS + 2)),
            () -> "after the firing: " + run.timeline.get(lastResult + 1));
        assertTrue(run.firedByHeartbeat > 20 * run.roomWhenEmpty, "the firing was many buffers long");
        assertTrue(run.maxHeldCycles > 20, () -> "duty cycles held in a row: " + run.maxHeldCycles);
    }

    @Test
    void aBackPressuredAlertStreamHoldsEgressAndLosesNothing()
    {
        final Run reference = new Run(LARGE_BUFFER, false);
        reference.sendScenario();
        final Run backPressured = new Run(TINY_BUFFER, true);
        backPressured.sendScenario();

        assertEquals(reference.timeline, backPressured.timeline);
        assertTrue(backPressured.sink.refused > 100, () -> "alerts refused: " + backPressured.sink.refused);
        assertEquals(0, backPressured.windowCounters.get(RESULTS_DROPPED).get());
    }

    @Test
    void stagesOnTheirOwnThreadsGiveTheSameOutput() throws Exception
    {
        final Run reference = new Run(LARGE_BUFFER, false);
        reference.sendScenario();
        final Run dedicated = new Run(TINY_BUFFER, false);
        final AgentRunner[] runners = {
            new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, dedicated.journalAgent),
            new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, dedicated.rulesAgent),
            new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null, dedicated.egressAgent)};
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
        try
        {
            dedicated.threaded = true;
            dedicated.sendScenario();
        }
        finally
        {
            for (final AgentRunner runner : runners)
            {
                runner.close();
            }
        }
        assertEquals(reference.timeline, dedicated.timeline);
        assertArrayEquals(reference.snapshotWindows, dedicated.snapshotWindows);
        assertEquals(0, dedicated.windowCounters.get(RESULTS_DROPPED).get());
    }

    /** One pipeline with windows, its egress output as lines in the order it left. */
    private static final class Run
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final EngineCounters counters = TestCounters.engineCounters();
        final WindowCounters windowCounters = new WindowCounters(counters);
        final TestFrames frames = new TestFrames();
        final WindowResultBuffer windowResults;
        final TimelineSink sink;
        final EnginePipeline pipeline;
        final RingIngress ingress;
        final StageAgent journalAgent;
        final StageAgent rulesAgent;
        final StageAgent egressAgent;
        final List<String> timeline;
        final int roomWhenEmpty;
        volatile boolean threaded;
        long heartbeatSeq;
        int firedByHeartbeat;
        int maxHeldCycles;
        long snapshotSeq;
        byte[] snapshotWindows;

        Run(final int bufferBytes, final boolean backPressure)
        {
            windowResults = new WindowResultBuffer(bufferBytes, windowCounters.get(RESULTS_DROPPED));
            roomWhenEmpty = windowResults.room();
            sink = new TimelineSink(backPressure);
            timeline = sink.lines;
            final EventTimeWindows windows = new EventTimeWindows(List.of(
                WindowSpec.tumbling(1, "sum-10s", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                    WindowInput.Value.AMOUNT, 10 * SEC, 0, 10 * SEC, 2 * KEYS, 8 * KEYS),
                WindowSpec.session(2, "card-sessions", WindowInput.TRANSACTIONS, WindowInput.Key.CARD,
                    WindowInput.Value.AMOUNT, 2 * SEC, 0, 2 * KEYS, 8 * KEYS),
                WindowSpec.sliding(3, "hopping", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                    WindowInput.Value.AMOUNT, 4 * SEC, 2 * SEC, 0, 0, 2 * KEYS, 8 * KEYS)),
                new SourceWatermarks(0, Long.MAX_VALUE, 8));
            windows.sink(windowResults);
            final RulesHandler rules = new RulesHandler(new RuleEvaluator(new RuleSet(List.of()), Verdict.APPROVE),
                new DecisionDedup(1024), counters, clock, windows, windowCounters);
            rules.snapshotTaker((engineSeq, state) ->
            {
                snapshotSeq = engineSeq;
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try
                {
                    state.windows().writeState(new DataOutputStream(bytes));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
                snapshotWindows = bytes.toByteArray();
                return true;
            });
            pipeline = new EnginePipeline(RING_SIZE, MAX_FRAME_LENGTH,
                new JournalHandler(NoInputJournal.INSTANCE, clock), rules,
                new EgressHandler(sink, counters, clock, windowResults));
            ingress = new RingIngress(pipeline.ring(), clock, counters, 0);
            journalAgent = (StageAgent)pipeline.journalAgent();
            rulesAgent = (StageAgent)pipeline.rulesAgent();
            egressAgent = (StageAgent)pipeline.egressAgent();
        }

        /**
         * One event for each of {@link #KEYS} accounts at 1 s (each its own card), then a heartbeat at 30 s, whose
         * watermark step fires every tumbling, session and sliding window of them at once; a snapshot point behind
         * it; a late event within nothing's lateness; a last event; then a heartbeat firing that one's windows.
         */
        void sendScenario()
        {
            ingress.openSession(SESSION, CLIENT_ID);
            long clientSeq = 1;
            for (int key = 0; key < KEYS; key++)
            {
                offer(frames.transaction(CLIENT_ID, clientSeq++, SEC + key, 1000 + key, 10 + key));
            }
            heartbeatSeq = ingress.lastEngineSeq() + 1;
            offer(frames.heartbeat(CLIENT_ID, clientSeq++, 30 * SEC));
            awaitRoom();
            ingress.publishSnapshotPoint();
            offer(frames.transaction(CLIENT_ID, clientSeq++, 2 * SEC, 1000, 5));
            offer(frames.transaction(CLIENT_ID, clientSeq++, 31 * SEC, 1001, 7));
            offer(frames.heartbeat(CLIENT_ID, clientSeq, 60 * SEC));
            drain();
            firedByHeartbeat = (int)timeline.stream()
                .filter(line -> line.startsWith("result") && line.endsWith("by " + heartbeatSeq)).count();
        }

        private void offer(final int length)
        {
            awaitRoom();
            ingress.onFrame(frames.buffer(), 0, length, SESSION);
        }

        private void awaitRoom()
        {
            final long deadlineNs = System.nanoTime() + THREADED_WAIT_NS;
            for (int cycle = 0; ingress.remainingCapacity() == 0; cycle++)
            {
                assertTrue(threaded ? System.nanoTime() < deadlineNs : cycle < MAX_CYCLES, "the ring never drained");
                runOnce();
            }
        }

        private void drain()
        {
            final long deadlineNs = System.nanoTime() + THREADED_WAIT_NS;
            for (int cycle = 0; !pipeline.isDrained(); cycle++)
            {
                assertTrue(threaded ? System.nanoTime() < deadlineNs : cycle < MAX_CYCLES,
                    "the pipeline never drained");
                runOnce();
            }
        }

        private void runOnce()
        {
            if (threaded)
            {
                Thread.yield();
                return;
            }
            try
            {
                journalAgent.doWork();
                final boolean held = rulesAgent.isHolding();
                rulesAgent.doWork();
                if (held)
                {
                    sink.heldCycles++;
                    maxHeldCycles = Math.max(maxHeldCycles, sink.heldCycles);
                }
                else
                {
                    sink.heldCycles = 0;
                }
                egressAgent.doWork();
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        }
    }

    /**
     * What egress sends, as lines in one list; refuses every other alert offer as back-pressured when asked to.
     */
    private static final class TimelineSink extends CopyingReplySink
    {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final boolean backPressure;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final DecisionDecoder decision = new DecisionDecoder();
        private final WindowResultDecoder result = new WindowResultDecoder();
        private final LateEventDecoder late = new LateEventDecoder();
        private boolean refuseNext;
        int refused;
        int heldCycles;

        TimelineSink(final boolean backPressure)
        {
            this.backPressure = backPressure;
        }

        @Override
        public boolean openSession(final int sessionId, final long clientId)
        {
            return true;
        }

        @Override
        public void closeSession(final int sessionId)
        {
        }

        @Override
        protected void send(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            header.wrap(buffer, offset);
            if (header.templateId() == DecisionDecoder.TEMPLATE_ID)
            {
                decision.wrapAndApplyHeader(buffer, offset, header);
                lines.add("decision clientSeq=" + decision.clientSeq() + " engineSeq=" + decision.engineSeq() +
                    " " + decision.verdict());
            }
        }

        @Override
        public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
        {
            if (backPressure)
            {
                refuseNext = !refuseNext;
                if (refuseNext)
                {
                    refused++;
                    return BACK_PRESSURED;
                }
            }
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
            buffer.getBytes(offset, copy, 0, length);
            header.wrap(copy, 0);
            if (header.templateId() == WindowResultDecoder.TEMPLATE_ID)
            {
                result.wrapAndApplyHeader(copy, 0, header);
                lines.add("result " + result.aggregateId() + " key " + result.key() + " [" + result.windowStartNs() +
                    "," + result.windowEndNs() + ") count " + result.count() + " sum " + result.sum() + " min " +
                    result.min() + " max " + result.max() + " " + result.isUpdate() + " by " + result.engineSeq());
            }
            else if (header.templateId() == LateEventDecoder.TEMPLATE_ID)
            {
                late.wrapAndApplyHeader(copy, 0, header);
                lines.add("late " + late.aggregateId() + " key " + late.key() + " at " + late.eventTimeNs() +
                    " watermark " + late.watermarkNs() + " by " + late.engineSeq());
            }
            else
            {
                lines.add("alert template " + header.templateId());
            }
            return SENT;
        }
    }
}
