package dev.vigil.core.stage.rules;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.TestCounters;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.OrderRateRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.stage.EnginePipeline;
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.egress.CopyingReplySink;
import dev.vigil.core.stage.egress.WindowResultBuffer;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.journal.InputJournal;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSpec;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.List;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;
import static dev.vigil.core.counters.WindowCounter.OUTPUT_HOLDS;
import static dev.vigil.core.counters.WindowCounter.RESULTS;
import static dev.vigil.core.counters.WindowCounter.RESULTS_DROPPED;
import static dev.vigil.core.counters.WindowCounter.STATE_FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady state of ingress, journal, rules and egress, driven by hand on the test thread, allocates nothing: every
 * frame is pre-encoded, every collaborator pre-created, and only event time and client sequence are patched in place.
 */
@Timeout(120)
class RulesPathAllocationTest
{
    private static final int POOL_SIZE = 1024;
    private static final int FRAME_STRIDE = 128;
    private static final int RING_SIZE = 1024;
    private static final int BATCH = 256;
    private static final int MAX_FRAME_LENGTH = 256;
    private static final int SESSION = 5;
    private static final long CLIENT_ID = 99;
    private static final int WARMUP_EVENTS = 200_000;
    private static final int MEASURED_EVENTS = 1_000_000;
    // One allocation per event would be >= 16 MB here; a one-off kilobyte (first use of a rare path, runtime
    // bookkeeping) is not a steady-state cost, and must not make the test flaky.
    private static final long MAX_ALLOCATED_BYTES = 16 * 1024;
    private static final long EVENT_SPACING_NS = 1_000_000L;
    private static final int EVENT_TIME_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.eventTimeNsEncodingOffset();

    private final UnsafeBuffer pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(POOL_SIZE * FRAME_STRIDE, 64));
    private final int[] lengths = new int[POOL_SIZE];
    private final CachedNanoClock clock = new CachedNanoClock();
    private final CountingJournal journal = new CountingJournal();
    private final CountingReplySink sink = new CountingReplySink();
    private final EngineCounters counters = TestCounters.engineCounters();
    private final WindowCounters windowCounters =
        new WindowCounters(counters);

    private RingIngress ingress;
    private Agent journalAgent;
    private Agent rulesAgent;
    private Agent egressAgent;
    private long nextClientSeq = 1;

    /**
     * @param windowBufferBytes 1 MiB, which the firing never fills, or the smallest allowed, which it fills often:
     *                          the rules stage then holds input and fires in parts, and that allocates nothing either.
     */
    @ParameterizedTest(name = "window buffer {0} bytes")
    @ValueSource(ints = {1 << 20, 4096})
    void steadyStateAllocatesNothingPerEvent(final int windowBufferBytes) throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation accounting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        build(windowBufferBytes);
        encodePool();
        connect();

        drive(WARMUP_EVENTS);
        threads.getCurrentThreadAllocatedBytes();
        threads.getCurrentThreadAllocatedBytes();

        final long before = threads.getCurrentThreadAllocatedBytes();
        drive(MEASURED_EVENTS);
        drain();
        final long after = threads.getCurrentThreadAllocatedBytes();
        final long allocated = after - before;

        final long total = WARMUP_EVENTS + MEASURED_EVENTS;
        assertEquals(total, journal.appends);
        assertEquals(0, journal.outOfOrder);
        assertEquals(total, sink.decisions);
        assertEquals(0, sink.rejects);
        assertTrue(sink.alerts > 0, "the pool must make rules fire");
        assertTrue(sink.reviews > 0, "the pool must produce reviews");
        assertTrue(sink.declines > 0, "the pool must produce declines");
        assertTrue(sink.windowResults > 100_000, "every kind of window must fire: " + sink.windowResults);
        assertEquals(sink.windowResults, windowCounters.get(RESULTS).get());
        assertEquals(0, windowCounters.get(STATE_FULL).get());
        assertEquals(0, windowCounters.get(RESULTS_DROPPED).get());
        assertEquals(windowBufferBytes < 1 << 20, windowCounters.get(OUTPUT_HOLDS).get() > 0);
        assertEquals(total, counters.get(EVENTS_EVALUATED).get());
        assertEquals(0, counters.totalRejects());
        assertEquals(0, counters.get(REPLIES_NOT_DELIVERED).get());
        assertEquals(RING_SIZE, ingress.remainingCapacity());

        assertTrue(
            allocated < MAX_ALLOCATED_BYTES,
            "allocated " + allocated + " bytes over " + MEASURED_EVENTS + " events (" +
            ((double)allocated / MEASURED_EVENTS) + " B/event)");
    }

    private void build(final int windowBufferBytes)
    {
        final long sec = 1_000_000_000L;
        final RuleSet ruleSet = new RuleSet(List.of(
            new AmountThresholdRule(0, "amount", RuleAction.DECLINE, 10_000),
            new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, 60, 10 * sec, sec, 4_096),
            new AmountThresholdRule(2, "amount-alert", RuleAction.ALERT_ONLY, 4_000),
            new OrderRateRule(3, "order-rate", RuleAction.REVIEW, 1, sec, 100_000_000L, 4_096)));
        final WindowResultBuffer windowResults =
            new WindowResultBuffer(windowBufferBytes, windowCounters.get(RESULTS_DROPPED));
        final EventTimeWindows windows = new EventTimeWindows(List.of(
            WindowSpec.tumbling(0, "sum-1s", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                WindowInput.Value.AMOUNT, sec, 0, sec, 4_096, 65_536),
            WindowSpec.sliding(1, "notional-10s", WindowInput.ORDERS, WindowInput.Key.ACCOUNT,
                WindowInput.Value.NOTIONAL, 10 * sec, sec, 0, 0, 4_096, 65_536),
            WindowSpec.session(2, "card-sessions", WindowInput.TRANSACTIONS, WindowInput.Key.CARD,
                WindowInput.Value.AMOUNT, 50_000_000L, sec, 4_096, 65_536)),
            new SourceWatermarks(0, Long.MAX_VALUE, 16));
        windows.sink(windowResults);
        final EnginePipeline pipeline = new EnginePipeline(
            RING_SIZE,
            MAX_FRAME_LENGTH,
            new JournalHandler(journal, clock),
            new RulesHandler(new RuleEvaluator(ruleSet, Verdict.REVIEW), new DecisionDedup(1024), counters, clock,
                windows, windowCounters),
            new EgressHandler(sink, counters, clock, windowResults));
        ingress = new RingIngress(pipeline.ring(), clock, counters, 0);
        journalAgent = pipeline.journalAgent();
        rulesAgent = pipeline.rulesAgent();
        egressAgent = pipeline.egressAgent();
    }

    private void encodePool()
    {
        final TestFrames frames = new TestFrames();
        for (int i = 0; i < POOL_SIZE; i++)
        {
            final int offset = i * FRAME_STRIDE;
            final long accountId = 1 + (i * 7_919L) % 97;
            if (i % 8 == 3)
            {
                final OrderType orderType = i % 16 == 3 ? OrderType.MARKET : OrderType.LIMIT;
                final Side side = i % 3 == 0 ? Side.SELL : Side.BUY;
                lengths[i] = frames.order(
                    pool, offset, CLIENT_ID, 0, 0, accountId, 100 + i, 1 + i % 10, side, orderType);
            }
            else
            {
                final long amount = i % 50 == 0 ? 25_000 : 100 + (i * 31L) % 5_000;
                lengths[i] = frames.transaction(pool, offset, CLIENT_ID, 0, 0, accountId, amount);
            }
            assertTrue(lengths[i] <= FRAME_STRIDE);
        }
    }

    private void connect() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        journalAgent.doWork();
        rulesAgent.doWork();
        egressAgent.doWork();
        assertEquals(1, sink.connected);
    }

    private void drive(final int events) throws Exception
    {
        int remaining = events;
        while (remaining > 0)
        {
            final int batch = Math.min(Math.min(BATCH, remaining), ingress.remainingCapacity());
            for (int i = 0; i < batch; i++)
            {
                final long clientSeq = nextClientSeq++;
                final int index = (int)(clientSeq & (POOL_SIZE - 1));
                final int offset = index * FRAME_STRIDE;
                pool.putLong(offset + InboundFrameValidator.CLIENT_SEQ_OFFSET, clientSeq, ByteOrder.LITTLE_ENDIAN);
                pool.putLong(offset + EVENT_TIME_OFFSET, clientSeq * EVENT_SPACING_NS, ByteOrder.LITTLE_ENDIAN);
                clock.update(clientSeq);
                ingress.onFrame(pool, offset, lengths[index], SESSION);
            }
            remaining -= batch;
            journalAgent.doWork();
            rulesAgent.doWork();
            egressAgent.doWork();
        }
    }

    private void drain() throws Exception
    {
        for (int cycle = 0; ingress.remainingCapacity() < RING_SIZE; cycle++)
        {
            assertTrue(cycle < RING_SIZE, "the ring never drained");
            journalAgent.doWork();
            rulesAgent.doWork();
            egressAgent.doWork();
        }
    }

    private static final class CountingJournal implements InputJournal
    {
        private long appends;
        private long lastEngineSeq;
        private long outOfOrder;

        @Override
        public boolean append(
            final long engineSeq,
            final long receiveTimeNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (engineSeq != lastEngineSeq + 1)
            {
                outOfOrder++;
            }
            lastEngineSeq = engineSeq;
            appends++;
            return true;
        }

        @Override
        public void endOfBatch()
        {
        }

        @Override
        public void close()
        {
        }
    }

    private static final class CountingReplySink extends CopyingReplySink
    {
        private static final int TEMPLATE_ID_OFFSET = 2;
        private static final int VERDICT_OFFSET =
            MessageHeaderDecoder.ENCODED_LENGTH + DecisionDecoder.verdictEncodingOffset();

        private long connected;
        private long decisions;
        private long reviews;
        private long declines;
        private long rejects;
        private long alerts;
        private long windowResults;

        @Override
        public boolean openSession(final int sessionId, final long clientId)
        {
            return sessionId == SESSION;
        }

        @Override
        public void closeSession(final int sessionId)
        {
        }

        @Override
        protected int canReply(final int sessionId)
        {
            return sessionId == SESSION ? SENT : NO_SESSION;
        }

        @Override
        protected void send(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            final int templateId = buffer.getShort(offset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            switch (templateId)
            {
                case ConnectedDecoder.TEMPLATE_ID:
                    connected++;
                    break;
                case DecisionDecoder.TEMPLATE_ID:
                    onDecision(buffer.getByte(offset + VERDICT_OFFSET));
                    break;
                case RejectDecoder.TEMPLATE_ID:
                    rejects++;
                    break;
                default:
                    break;
            }
        }

        private void onDecision(final byte verdict)
        {
            decisions++;
            if (verdict == Verdict.REVIEW.value())
            {
                reviews++;
            }
            else if (verdict == Verdict.DECLINE.value())
            {
                declines++;
            }
        }

        @Override
        public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
        {
            final int templateId = buffer.getShort(offset + TEMPLATE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
            if (templateId == AlertDecoder.TEMPLATE_ID)
            {
                alerts++;
            }
            else if (templateId == WindowResultDecoder.TEMPLATE_ID)
            {
                windowResults++;
            }
            return SENT;
        }
    }
}
