package dev.vigil.core.stage;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.LateReason;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
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
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.egress.CopyingReplySink;
import dev.vigil.core.stage.egress.WindowResultBuffer;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.journal.InputJournal;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSpec;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vigil.core.counters.EngineCounter.ALERTS_RAISED;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.FRAMES_RECEIVED;
import static dev.vigil.core.counters.EngineCounter.JOURNAL_REFUSED;
import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;
import static dev.vigil.core.counters.EngineCounter.RULE_STATE_FULL;
import static dev.vigil.core.counters.WindowCounter.LATE_EVENTS;
import static dev.vigil.core.counters.WindowCounter.RESULTS;
import static dev.vigil.core.counters.WindowCounter.RESULTS_DROPPED;
import static dev.vigil.core.counters.WindowCounter.WATERMARK;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class EnginePipelineTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final int RING_SIZE = 16;
    private static final int MAX_FRAME_LENGTH = 256;
    private static final int SESSION = 1001;
    private static final int OTHER_SESSION = 1002;
    private static final long CLIENT_ID = 42;
    private static final long OTHER_CLIENT_ID = 43;
    private static final long ACCOUNT = 900;
    private static final long OTHER_ACCOUNT = 901;
    private static final int AMOUNT_RULE_ID = 0;
    private static final int VELOCITY_RULE_ID = 1;
    private static final int ORDER_RATE_RULE_ID = 2;
    private static final long MAX_AMOUNT = 10_000;
    private static final long MAX_TXNS_PER_WINDOW = 3;
    private static final long MAX_ORDERS_PER_WINDOW = 2;
    private static final int TXN_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.BLOCK_LENGTH;
    private static final int ORDER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + OrderDecoder.BLOCK_LENGTH;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final EngineCounters counters = TestCounters.engineCounters();
    private final RecordingJournal journal = new RecordingJournal();
    private final RecordingReplySink sink = new RecordingReplySink();
    private final List<Throwable> journalErrors = new ArrayList<>();
    private final TestFrames frames = new TestFrames();

    private RingIngress ingress;
    private Agent journalAgent;
    private Agent rulesAgent;
    private Agent egressAgent;

    @BeforeEach
    void setUp()
    {
        build(0);
    }

    @Test
    void connectFrameOfferedToIngressOpensNothing() throws Exception
    {
        offer(frames.connect(CLIENT_ID, 7, "aeron:udp?endpoint=localhost:40124"));
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 500));
        runAll();

        assertEquals(0, ingress.sessionCount());
        assertEquals(List.of(), sink.sessionEvents);
        assertEquals(1, counters.rejects(RejectReason.NOT_ACCEPTED_HERE).get());
        assertEquals(1, counters.rejects(RejectReason.NOT_CONNECTED).get());
        assertEquals(List.of(), journal.engineSeqs);
    }

    @Test
    void connectThenTransactionsGetConnectedThenOneDecisionEach() throws Exception
    {
        clock.update(1_000);
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 500));
        offer(frames.transaction(CLIENT_ID, 2, 2 * SEC, ACCOUNT, 20_000));
        offer(frames.transaction(CLIENT_ID, 3, 3 * SEC, ACCOUNT, 700));

        clock.update(2_000);
        assertEquals(4, journalAgent.doWork());
        clock.update(3_000);
        assertEquals(4, rulesAgent.doWork());
        clock.update(4_000);
        assertEquals(4, egressAgent.doWork());

        assertEquals(List.of("open session=1001 client=42"), sink.sessionEvents);
        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(4, replies.size());
        assertEquals(CLIENT_ID, connected(replies.get(0)).clientId());

        assertDecision(replies.get(1), 1, 1, Verdict.APPROVE, 0);
        assertDecision(replies.get(2), 2, 2, Verdict.DECLINE, 1L << AMOUNT_RULE_ID);
        assertDecision(replies.get(3), 3, 3, Verdict.APPROVE, 0);

        final DecisionDecoder declined = decision(replies.get(2));
        assertEquals(2 * SEC + TestFrames.SEND_DELAY_NS, declined.clientSendTimeNs());
        assertEquals(1_000, declined.ingressTimeNs());
        assertEquals(2_000, declined.journalDoneTimeNs());
        assertEquals(3_000, declined.rulesDoneTimeNs());
        assertEquals(4_000, declined.egressTimeNs());

        assertEquals(1, sink.alerts.size());
        final AlertDecoder alert = alert(sink.alerts.get(0));
        assertEquals(CLIENT_ID, alert.clientId());
        assertEquals(2, alert.clientSeq());
        assertEquals(2, alert.engineSeq());
        assertEquals(AMOUNT_RULE_ID, alert.ruleId());
        assertEquals(Verdict.DECLINE, alert.action());
        assertEquals(0, alert.matchedEvents().count(), "a rule other than a sequence pattern matches no events");
        assertEquals(ACCOUNT, alert.key());
        assertEquals(20_000, alert.observed());
        assertEquals(MAX_AMOUNT, alert.threshold());
        assertEquals(2 * SEC, alert.windowStartNs());
        assertEquals(2 * SEC + 1, alert.windowEndNs());
        assertEquals(2 * SEC, alert.eventTimeNs());

        assertEquals(List.of(1L, 2L, 3L), journal.engineSeqs);
        assertEquals(List.of(1L, 2L, 3L), journal.clientSeqs);
        assertEquals(List.of(10, 10, 10), journal.templateIds);
        assertEquals(List.of(1_000L, 1_000L, 1_000L), journal.receiveTimesNs);
        assertEquals(List.of(TXN_LENGTH, TXN_LENGTH, TXN_LENGTH), journal.lengths);
        assertEquals(1, journal.batches);

        assertEquals(3, counters.get(FRAMES_RECEIVED).get());
        assertEquals(3, counters.get(EVENTS_EVALUATED).get());
        assertEquals(2, counters.decisions(Verdict.APPROVE).get());
        assertEquals(0, counters.decisions(Verdict.REVIEW).get());
        assertEquals(1, counters.decisions(Verdict.DECLINE).get());
        assertEquals(1, counters.get(ALERTS_RAISED).get());
        assertEquals(0, counters.get(RULE_STATE_FULL).get());
        assertEquals(0, counters.get(REPLIES_NOT_DELIVERED).get());
        assertEquals(0, counters.totalRejects());
        assertEquals(3, ingress.lastEngineSeq());
        assertEquals(1, ingress.sessionCount());
    }

    @Test
    void anInputTheJournalRefusesIsHeldWithAllAfterItUntilTheJournalTakesItAndIsReportedOnce() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        journal.refuse(2, 3);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 500));
        offer(frames.transaction(CLIENT_ID, 2, 2 * SEC, ACCOUNT, 20_000));
        offer(frames.transaction(CLIENT_ID, 3, 3 * SEC, ACCOUNT, 700));

        // The journal takes input 1 and refuses input 2: only input 1 may be answered.
        runAll();
        runAll();
        assertEquals(List.of(1L), journal.engineSeqs);
        List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(2, replies.size(), "Connected and the decision of input 1 only");
        assertDecision(replies.get(1), 1, 1, Verdict.APPROVE, 0);
        assertEquals(1, counters.get(JOURNAL_REFUSED).get());
        assertEquals(1, journalErrors.size(), "one report for a refused input, not one per attempt");
        assertEquals("refused engine seq 2", journalErrors.get(0).getMessage());

        // The third offer again is taken; input 3 follows it, and every decision leaves once, in order.
        runAll();
        runAll();
        runAll();
        assertEquals(List.of(1L, 2L, 3L), journal.engineSeqs);
        replies = sink.replies(SESSION);
        assertEquals(4, replies.size());
        assertDecision(replies.get(2), 2, 2, Verdict.DECLINE, 1L << AMOUNT_RULE_ID);
        assertDecision(replies.get(3), 3, 3, Verdict.APPROVE, 0);
        assertEquals(1, counters.get(JOURNAL_REFUSED).get());
        assertEquals(1, journalErrors.size());
    }

    @Test
    void velocityIsPerAccountAndCombinesWithAmountRule() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 2, SEC + 500 * MS, OTHER_ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 3, 2 * SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 4, 2 * SEC + 500 * MS, OTHER_ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 5, 3 * SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 6, 4 * SEC, ACCOUNT, 20_000));
        offer(frames.transaction(CLIENT_ID, 7, 4 * SEC + 100 * MS, OTHER_ACCOUNT, 100));
        assertEquals(24, runAll());

        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(8, replies.size());
        for (int seq = 1; seq <= 5; seq++)
        {
            assertDecision(replies.get(seq), seq, seq, Verdict.APPROVE, 0);
        }
        assertDecision(
            replies.get(6), 6, 6, Verdict.DECLINE, (1L << AMOUNT_RULE_ID) | (1L << VELOCITY_RULE_ID));
        assertDecision(replies.get(7), 7, 7, Verdict.APPROVE, 0);

        assertEquals(2, sink.alerts.size());
        final AlertDecoder amountAlert = alert(sink.alerts.get(0));
        assertEquals(AMOUNT_RULE_ID, amountAlert.ruleId());
        assertEquals(Verdict.DECLINE, amountAlert.action());
        assertEquals(6, amountAlert.clientSeq());
        final AlertDecoder velocityAlert = alert(sink.alerts.get(1));
        assertEquals(VELOCITY_RULE_ID, velocityAlert.ruleId());
        assertEquals(Verdict.REVIEW, velocityAlert.action());
        assertEquals(ACCOUNT, velocityAlert.key());
        assertEquals(4, velocityAlert.observed());
        assertEquals(MAX_TXNS_PER_WINDOW, velocityAlert.threshold());
        assertEquals(-5 * SEC, velocityAlert.windowStartNs());
        assertEquals(5 * SEC, velocityAlert.windowEndNs());
        assertEquals(4 * SEC, velocityAlert.eventTimeNs());

        assertEquals(2, counters.get(ALERTS_RAISED).get());
        assertEquals(6, counters.decisions(Verdict.APPROVE).get());
        assertEquals(1, counters.decisions(Verdict.DECLINE).get());
    }

    @Test
    void ordersAndHeartbeatsFlowThroughWithOrderRateRule() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.order(CLIENT_ID, 1, 10 * MS, ACCOUNT, 100, 5, Side.BUY, OrderType.LIMIT));
        offer(frames.heartbeat(CLIENT_ID, 2, 15 * MS));
        offer(frames.order(CLIENT_ID, 3, 20 * MS, ACCOUNT, 100, 5, Side.BUY, OrderType.LIMIT));
        offer(frames.order(CLIENT_ID, 4, 25 * MS, ACCOUNT, 0, 5, Side.BUY, OrderType.LIMIT));
        offer(frames.order(CLIENT_ID, 5, 26 * MS, ACCOUNT, 100, 0, Side.BUY, OrderType.MARKET));
        offer(frames.order(CLIENT_ID, 6, 30 * MS, ACCOUNT, 100, 5, Side.SELL, OrderType.LIMIT));
        offer(frames.order(CLIENT_ID, 7, 40 * MS, OTHER_ACCOUNT, 0, 5, Side.SELL, OrderType.MARKET));
        runAll();

        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(7, replies.size());
        connected(replies.get(0));
        assertDecision(replies.get(1), 1, 1, Verdict.APPROVE, 0);
        assertDecision(replies.get(2), 3, 3, Verdict.APPROVE, 0);
        assertReject(replies.get(3), CLIENT_ID, 4, RejectReason.INVALID_FIELD, 11, ORDER_LENGTH);
        assertReject(replies.get(4), CLIENT_ID, 5, RejectReason.INVALID_FIELD, 11, ORDER_LENGTH);
        assertDecision(replies.get(5), 6, 4, Verdict.REVIEW, 1L << ORDER_RATE_RULE_ID);
        assertDecision(replies.get(6), 7, 5, Verdict.APPROVE, 0);

        assertEquals(1, sink.alerts.size());
        final AlertDecoder alert = alert(sink.alerts.get(0));
        assertEquals(ORDER_RATE_RULE_ID, alert.ruleId());
        assertEquals(ACCOUNT, alert.key());
        assertEquals(3, alert.observed());
        assertEquals(MAX_ORDERS_PER_WINDOW, alert.threshold());
        assertEquals(-900 * MS, alert.windowStartNs());
        assertEquals(100 * MS, alert.windowEndNs());
        assertEquals(30 * MS, alert.eventTimeNs());

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), journal.engineSeqs);
        assertEquals(List.of(11, 12, 11, 11, 11), journal.templateIds);
        assertEquals(List.of(1L, 2L, 3L, 6L, 7L), journal.clientSeqs);

        assertEquals(4, counters.get(EVENTS_EVALUATED).get());
        assertEquals(3, counters.decisions(Verdict.APPROVE).get());
        assertEquals(1, counters.decisions(Verdict.REVIEW).get());
        assertEquals(2, counters.rejects(RejectReason.INVALID_FIELD).get());
        assertEquals(2, counters.totalRejects());
    }

    @Test
    void egressWaitsUntilBothJournalAndRulesHavePassedASequence() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 20_000));

        assertEquals(2, rulesAgent.doWork());
        assertEquals(0, egressAgent.doWork());
        assertEquals(0, sink.replyCount());
        assertEquals(List.of(), sink.sessionEvents);
        assertEquals(List.of(), journal.engineSeqs);

        assertEquals(2, journalAgent.doWork());
        assertEquals(List.of(1L), journal.engineSeqs);
        assertEquals(2, egressAgent.doWork());
        assertEquals(2, sink.replies(SESSION).size());
        assertDecision(sink.replies(SESSION).get(1), 1, 1, Verdict.DECLINE, 1L << AMOUNT_RULE_ID);

        offer(frames.transaction(CLIENT_ID, 2, 2 * SEC, ACCOUNT, 30_000));
        assertEquals(1, journalAgent.doWork());
        assertEquals(0, egressAgent.doWork());
        assertEquals(2, sink.replies(SESSION).size());

        assertEquals(1, rulesAgent.doWork());
        assertEquals(1, egressAgent.doWork());
        assertEquals(3, sink.replies(SESSION).size());
        assertDecision(sink.replies(SESSION).get(2), 2, 2, Verdict.DECLINE, 1L << AMOUNT_RULE_ID);

        assertEquals(0, runAll());
    }

    @Test
    void rejectsAreCountedByReasonAndAnsweredWhenTheSessionIsKnown() throws Exception
    {
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(OTHER_CLIENT_ID, 2, SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 3, SEC, ACCOUNT, -1));
        offer(frames.transaction(CLIENT_ID, 4, SEC, ACCOUNT, 100, "eur", TestFrames.COUNTRY));
        final UnsafeBuffer buffer = frames.buffer();
        buffer.setMemory(0, 40, (byte)0x55);
        offer(40);
        offer(5);
        offer(frames.transaction(CLIENT_ID, 5, 5 * SEC, ACCOUNT, 100));
        runAll();

        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(7, replies.size());
        connected(replies.get(0));
        assertReject(replies.get(1), OTHER_CLIENT_ID, 2, RejectReason.CLIENT_ID_MISMATCH, 10, TXN_LENGTH);
        assertReject(replies.get(2), CLIENT_ID, 3, RejectReason.INVALID_FIELD, 10, TXN_LENGTH);
        assertReject(replies.get(3), CLIENT_ID, 4, RejectReason.INVALID_FIELD, 10, TXN_LENGTH);

        final RejectDecoder garbage = reject(replies.get(4));
        assertEquals(RejectReason.UNKNOWN_SCHEMA, garbage.reason());
        assertEquals(0x5555_5555_5555_5555L, garbage.clientId());
        assertEquals(0, garbage.clientSeq());
        assertEquals(0, garbage.engineSeq());
        assertEquals(0x5555, garbage.receivedTemplateId());
        assertEquals(0x5555, garbage.receivedSchemaId());
        assertEquals(0x5555, garbage.receivedVersion());
        assertEquals(40, garbage.receivedLength());

        final RejectDecoder tooShort = reject(replies.get(5));
        assertEquals(RejectReason.FRAME_TOO_SHORT, tooShort.reason());
        assertEquals(0, tooShort.clientId());
        assertEquals(0, tooShort.receivedTemplateId());
        assertEquals(0, tooShort.receivedSchemaId());
        assertEquals(0, tooShort.receivedVersion());
        assertEquals(5, tooShort.receivedLength());

        assertDecision(replies.get(6), 5, 1, Verdict.APPROVE, 0);

        assertEquals(1, sink.noSessionCount);
        assertEquals(1, counters.rejects(RejectReason.NOT_CONNECTED).get());
        assertEquals(1, counters.rejects(RejectReason.CLIENT_ID_MISMATCH).get());
        assertEquals(2, counters.rejects(RejectReason.INVALID_FIELD).get());
        assertEquals(1, counters.rejects(RejectReason.UNKNOWN_SCHEMA).get());
        assertEquals(1, counters.rejects(RejectReason.FRAME_TOO_SHORT).get());
        assertEquals(0, counters.rejects(RejectReason.FRAME_TOO_LARGE).get());
        assertEquals(6, counters.totalRejects());
        assertEquals(7, counters.get(FRAMES_RECEIVED).get());
        assertEquals(1, counters.get(EVENTS_EVALUATED).get());
        assertEquals(0, counters.get(REPLIES_NOT_DELIVERED).get());
        assertEquals(List.of(1L), journal.engineSeqs);
        assertEquals(List.of(5L), journal.clientSeqs);
    }

    @Test
    void rejectsFrameLargerThanASlotWithoutCopyingIt() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100);
        offer(MAX_FRAME_LENGTH + 1);
        runAll();

        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(2, replies.size());
        final RejectDecoder tooLarge = reject(replies.get(1));
        assertEquals(RejectReason.FRAME_TOO_LARGE, tooLarge.reason());
        assertEquals(CLIENT_ID, tooLarge.clientId());
        assertEquals(1, tooLarge.clientSeq());
        assertEquals(10, tooLarge.receivedTemplateId());
        assertEquals(0, tooLarge.receivedSchemaId());
        assertEquals(MAX_FRAME_LENGTH + 1, tooLarge.receivedLength());
        assertEquals(1, counters.rejects(RejectReason.FRAME_TOO_LARGE).get());
        assertEquals(List.of(), journal.engineSeqs);
    }

    @Test
    void secondClientOnItsOwnSessionGetsItsOwnReplies() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        ingress.openSession(OTHER_SESSION, OTHER_CLIENT_ID);
        offer(frames.transaction(OTHER_CLIENT_ID, 1, SEC, OTHER_ACCOUNT, 100), OTHER_SESSION);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100), SESSION);
        offer(frames.transaction(CLIENT_ID, 2, SEC, ACCOUNT, 100), OTHER_SESSION);
        runAll();

        assertEquals(2, ingress.sessionCount());
        assertEquals(2, sink.replies(SESSION).size());
        assertDecision(sink.replies(SESSION).get(1), 1, 2, Verdict.APPROVE, 0);
        assertEquals(3, sink.replies(OTHER_SESSION).size());
        assertEquals(OTHER_CLIENT_ID, connected(sink.replies(OTHER_SESSION).get(0)).clientId());
        final DecisionDecoder other = decision(sink.replies(OTHER_SESSION).get(1));
        assertEquals(OTHER_CLIENT_ID, other.clientId());
        assertEquals(1, other.engineSeq());
        assertReject(sink.replies(OTHER_SESSION).get(2), CLIENT_ID, 2, RejectReason.CLIENT_ID_MISMATCH, 10, TXN_LENGTH);
    }

    @Test
    void remainingCapacityShrinksAsFramesArePublishedAndRecoversAfterTheStagesRun() throws Exception
    {
        assertEquals(RING_SIZE, ingress.remainingCapacity());

        ingress.openSession(SESSION, CLIENT_ID);
        for (int seq = 1; seq <= 4; seq++)
        {
            offer(frames.transaction(CLIENT_ID, seq, seq * SEC, ACCOUNT + seq, 100));
        }
        assertEquals(RING_SIZE - 5, ingress.remainingCapacity());

        assertEquals(5, journalAgent.doWork());
        assertEquals(5, rulesAgent.doWork());
        assertEquals(RING_SIZE - 5, ingress.remainingCapacity());

        assertEquals(5, egressAgent.doWork());
        assertEquals(RING_SIZE, ingress.remainingCapacity());

        for (int i = 0; i < RING_SIZE; i++)
        {
            offer(frames.transaction(CLIENT_ID, 5 + i, 10 * SEC + i * SEC, ACCOUNT + i, 100));
            assertEquals(RING_SIZE - 1 - i, ingress.remainingCapacity());
        }
        assertEquals(3 * RING_SIZE, runAll());
        assertEquals(RING_SIZE, ingress.remainingCapacity());

        final List<DirectBuffer> replies = sink.replies(SESSION);
        assertEquals(1 + 4 + RING_SIZE, replies.size());
        for (int seq = 1; seq <= 4 + RING_SIZE; seq++)
        {
            assertDecision(replies.get(seq), seq, seq, Verdict.APPROVE, 0);
        }
    }

    @Test
    void sessionClosedByTransportClosesTheReplySession() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        runAll();
        assertEquals(1, ingress.sessionCount());

        ingress.onSessionClosed(SESSION);
        assertEquals(0, ingress.sessionCount());
        assertEquals(RING_SIZE - 1, ingress.remainingCapacity());
        assertEquals(3, runAll());

        assertEquals(List.of(
            "open session=1001 client=42",
            "close session=1001"), sink.sessionEvents);
        assertEquals(List.of(), journal.engineSeqs);

        ingress.onSessionClosed(OTHER_SESSION);
        ingress.onSessionClosed(SESSION);
        assertEquals(RING_SIZE, ingress.remainingCapacity());
        assertEquals(0, runAll());
        assertEquals(2, sink.sessionEvents.size());

        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        runAll();
        assertEquals(1, counters.rejects(RejectReason.NOT_CONNECTED).get());
        assertEquals(1, sink.replies(SESSION).size());
    }

    @Test
    void disconnectFromClientClosesTheReplySessionOnce() throws Exception
    {
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        offer(frames.disconnect(CLIENT_ID));
        assertEquals(0, ingress.sessionCount());
        runAll();

        ingress.onSessionClosed(SESSION);
        runAll();

        assertEquals(List.of(
            "open session=1001 client=42",
            "close session=1001"), sink.sessionEvents);
        assertEquals(2, sink.replies(SESSION).size());
        assertDecision(sink.replies(SESSION).get(1), 1, 1, Verdict.APPROVE, 0);
        assertEquals(List.of(1L), journal.engineSeqs);
    }

    @Test
    void failedSessionOpenCountsUndeliveredReplies() throws Exception
    {
        sink.acceptOpen = false;
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        runAll();

        assertEquals(0, sink.replyCount());
        assertEquals(2, counters.get(REPLIES_NOT_DELIVERED).get());
        assertEquals(1, counters.get(EVENTS_EVALUATED).get());
        assertEquals(List.of(1L), journal.engineSeqs);
    }

    @Test
    void engineSequenceContinuesFromTheLastOneGiven() throws Exception
    {
        build(100);
        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 2, 2 * SEC, ACCOUNT, 100));
        runAll();

        assertEquals(102, ingress.lastEngineSeq());
        assertEquals(List.of(101L, 102L), journal.engineSeqs);
        assertDecision(sink.replies(SESSION).get(1), 1, 101, Verdict.APPROVE, 0);
        assertDecision(sink.replies(SESSION).get(2), 2, 102, Verdict.APPROVE, 0);
    }

    @Test
    void windowResultsAndLateEventsLeaveWithTheInputThatEmittedThem() throws Exception
    {
        final WindowCounters windowCounters =
            new WindowCounters(counters);
        final WindowResultBuffer windowResults = new WindowResultBuffer(4096, windowCounters.get(RESULTS_DROPPED));
        final EventTimeWindows windows = new EventTimeWindows(List.of(WindowSpec.tumbling(9, "sum-10s",
            WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, 10 * SEC, 0, SEC, 64, 64)),
            new SourceWatermarks(0, Long.MAX_VALUE, 8));
        windows.sink(windowResults);
        build(0, new RulesHandler(new RuleEvaluator(new RuleSet(List.of()), Verdict.REVIEW), new DecisionDedup(1024),
            counters, clock, windows, windowCounters), windowResults);

        ingress.openSession(SESSION, CLIENT_ID);
        offer(frames.transaction(CLIENT_ID, 1, SEC, ACCOUNT, 100));
        offer(frames.transaction(CLIENT_ID, 2, 9 * SEC, ACCOUNT, 50));
        offer(frames.heartbeat(CLIENT_ID, 3, 10 * SEC));
        offer(frames.transaction(CLIENT_ID, 4, SEC, ACCOUNT, 7));
        offer(frames.transaction(CLIENT_ID, 5, 30 * SEC, ACCOUNT, 1));
        offer(frames.transaction(CLIENT_ID, 6, 2 * SEC, ACCOUNT, 1));

        rulesAgent.doWork();
        assertEquals(List.of(), sink.alerts, "nothing leaves before egress, which waits for the journal");
        runAll();

        assertEquals(3, sink.alerts.size());
        assertWindowResult(sink.alerts.get(0), 3, 0, 10 * SEC, 2, 150, false);
        assertWindowResult(sink.alerts.get(1), 4, 0, 10 * SEC, 3, 157, true);
        assertTemplate(sink.alerts.get(2), LateEventDecoder.TEMPLATE_ID, LateEventDecoder.BLOCK_LENGTH);
        final LateEventDecoder late =
            new LateEventDecoder().wrapAndApplyHeader(sink.alerts.get(2), 0, new MessageHeaderDecoder());
        assertEquals(6, late.engineSeq());
        assertEquals(9, late.aggregateId());
        assertEquals(ACCOUNT, late.key());
        assertEquals(2 * SEC, late.eventTimeNs());
        assertEquals(30 * SEC - 1, late.watermarkNs());
        assertEquals(LateReason.BEYOND_ALLOWED_LATENESS, late.reason());

        assertEquals(1, windowCounters.get(LATE_EVENTS).get());
        assertEquals(2, windowCounters.get(RESULTS).get());
        assertEquals(30 * SEC - 1, windowCounters.get(WATERMARK).get());
        assertEquals(0, windowCounters.get(RESULTS_DROPPED).get());
    }

    private static void assertWindowResult(
        final DirectBuffer message, final long engineSeq, final long startNs, final long endNs, final long count,
        final long sum, final boolean update)
    {
        assertTemplate(message, WindowResultDecoder.TEMPLATE_ID, WindowResultDecoder.BLOCK_LENGTH);
        final WindowResultDecoder result =
            new WindowResultDecoder().wrapAndApplyHeader(message, 0, new MessageHeaderDecoder());
        assertEquals(engineSeq, result.engineSeq(), "engineSeq");
        assertEquals(ACCOUNT, result.key());
        assertEquals(9, result.aggregateId());
        assertEquals(startNs, result.windowStartNs());
        assertEquals(endNs, result.windowEndNs());
        assertEquals(count, result.count());
        assertEquals(sum, result.sum());
        assertEquals(update ? BooleanType.TRUE : BooleanType.FALSE, result.isUpdate());
    }

    private void build(final long lastEngineSeq)
    {
        final RuleSet ruleSet = new RuleSet(List.of(
            new AmountThresholdRule(AMOUNT_RULE_ID, "amount", RuleAction.DECLINE, MAX_AMOUNT),
            new AccountVelocityRule(
                VELOCITY_RULE_ID, "velocity", RuleAction.REVIEW, MAX_TXNS_PER_WINDOW, 10 * SEC, SEC, 64),
            new OrderRateRule(
                ORDER_RATE_RULE_ID, "order-rate", RuleAction.REVIEW, MAX_ORDERS_PER_WINDOW, SEC, 100 * MS, 64)));
        final RuleEvaluator evaluator = new RuleEvaluator(ruleSet, Verdict.REVIEW);
        build(lastEngineSeq, new RulesHandler(evaluator, new DecisionDedup(1024), counters, clock), null);
    }

    private void build(final long lastEngineSeq, final RulesHandler rules, final WindowResultBuffer windowResults)
    {
        final EnginePipeline pipeline = new EnginePipeline(
            RING_SIZE,
            MAX_FRAME_LENGTH,
            new JournalHandler(journal, clock, counters, journalErrors::add),
            rules,
            new EgressHandler(sink, counters, clock, windowResults));
        ingress = new RingIngress(pipeline.ring(), clock, counters, lastEngineSeq);
        journalAgent = pipeline.journalAgent();
        rulesAgent = pipeline.rulesAgent();
        egressAgent = pipeline.egressAgent();
    }

    private void offer(final int length)
    {
        offer(length, SESSION);
    }

    private void offer(final int length, final int sessionId)
    {
        ingress.onFrame(frames.buffer(), 0, length, sessionId);
    }

    private int runAll() throws Exception
    {
        return journalAgent.doWork() + rulesAgent.doWork() + egressAgent.doWork();
    }

    private static void assertDecision(
        final DirectBuffer reply,
        final long clientSeq,
        final long engineSeq,
        final Verdict verdict,
        final long firedRules)
    {
        final DecisionDecoder decision = decision(reply);
        assertEquals(CLIENT_ID, decision.clientId(), "clientId");
        assertEquals(clientSeq, decision.clientSeq(), "clientSeq");
        assertEquals(engineSeq, decision.engineSeq(), "engineSeq of clientSeq " + clientSeq);
        assertEquals(verdict, decision.verdict(), "verdict of clientSeq " + clientSeq);
        assertEquals(firedRules, decision.firedRules(), "firedRules of clientSeq " + clientSeq);
    }

    private static void assertReject(
        final DirectBuffer reply,
        final long clientId,
        final long clientSeq,
        final RejectReason reason,
        final int templateId,
        final int receivedLength)
    {
        final RejectDecoder reject = reject(reply);
        assertEquals(reason, reject.reason());
        assertEquals(clientId, reject.clientId());
        assertEquals(clientSeq, reject.clientSeq());
        assertEquals(0, reject.engineSeq());
        assertEquals(templateId, reject.receivedTemplateId());
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, reject.receivedSchemaId());
        assertEquals(MessageHeaderDecoder.SCHEMA_VERSION, reject.receivedVersion());
        assertEquals(receivedLength, reject.receivedLength());
    }

    private static ConnectedDecoder connected(final DirectBuffer reply)
    {
        assertTemplate(reply, ConnectedDecoder.TEMPLATE_ID, ConnectedDecoder.BLOCK_LENGTH);
        return new ConnectedDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
    }

    private static DecisionDecoder decision(final DirectBuffer reply)
    {
        assertTemplate(reply, DecisionDecoder.TEMPLATE_ID, DecisionDecoder.BLOCK_LENGTH);
        return new DecisionDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
    }

    private static RejectDecoder reject(final DirectBuffer reply)
    {
        assertTemplate(reply, RejectDecoder.TEMPLATE_ID, RejectDecoder.BLOCK_LENGTH);
        return new RejectDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
    }

    private static AlertDecoder alert(final DirectBuffer reply)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
        assertEquals(AlertDecoder.TEMPLATE_ID, header.templateId(), "template id");
        assertEquals(AlertDecoder.BLOCK_LENGTH, header.blockLength(), "block length");
        final AlertDecoder alert = new AlertDecoder().wrapAndApplyHeader(reply, 0, header);
        final int matched = alert.matchedEvents().count();
        assertEquals(alert.encodedLength(), reply.capacity() - MessageHeaderDecoder.ENCODED_LENGTH,
            "reply length: the block and " + matched + " matched event(s)");
        return new AlertDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
    }

    private static void assertTemplate(final DirectBuffer reply, final int templateId, final int blockLength)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
        assertEquals(templateId, header.templateId(), "template id");
        assertEquals(blockLength, header.blockLength(), "block length");
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + blockLength, reply.capacity(), "reply length");
    }

    private static final class RecordingJournal implements InputJournal
    {
        private final List<Long> engineSeqs = new ArrayList<>();
        private final List<Long> clientSeqs = new ArrayList<>();
        private final List<Long> receiveTimesNs = new ArrayList<>();
        private final List<Integer> templateIds = new ArrayList<>();
        private final List<Integer> lengths = new ArrayList<>();
        private int batches;
        private long refusedEngineSeq;
        private int refusalsLeft;

        /**
         * Refuse the append of one input a number of times, as a full disk would, before taking it.
         */
        void refuse(final long engineSeq, final int times)
        {
            refusedEngineSeq = engineSeq;
            refusalsLeft = times;
        }

        @Override
        public boolean append(
            final long engineSeq,
            final long receiveTimeNs,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (engineSeq == refusedEngineSeq && refusalsLeft > 0)
            {
                refusalsLeft--;
                return false;
            }
            engineSeqs.add(engineSeq);
            receiveTimesNs.add(receiveTimeNs);
            lengths.add(length);
            templateIds.add(new MessageHeaderDecoder().wrap(buffer, offset).templateId());
            clientSeqs.add(InboundFrameValidator.clientSeq(buffer, offset, length));
            return true;
        }

        @Override
        public RuntimeException refusal()
        {
            return new IllegalStateException("refused engine seq " + refusedEngineSeq);
        }

        @Override
        public void endOfBatch()
        {
            batches++;
        }

        @Override
        public void close()
        {
        }
    }

    private static final class RecordingReplySink extends CopyingReplySink
    {
        private final Set<Integer> openSessions = new HashSet<>();
        private final List<String> sessionEvents = new ArrayList<>();
        private final Map<Integer, List<DirectBuffer>> repliesBySession = new HashMap<>();
        private final List<DirectBuffer> alerts = new ArrayList<>();
        private boolean acceptOpen = true;
        private int noSessionCount;

        @Override
        public boolean openSession(final int sessionId, final long clientId)
        {
            sessionEvents.add("open session=" + sessionId + " client=" + clientId);
            if (acceptOpen)
            {
                openSessions.add(sessionId);
            }
            return acceptOpen;
        }

        @Override
        public void closeSession(final int sessionId)
        {
            sessionEvents.add("close session=" + sessionId);
            openSessions.remove(sessionId);
        }

        @Override
        protected int canReply(final int sessionId)
        {
            if (!openSessions.contains(sessionId))
            {
                noSessionCount++;
                return NO_SESSION;
            }
            return SENT;
        }

        @Override
        protected void send(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
            repliesBySession.computeIfAbsent(sessionId, (id) -> new ArrayList<>()).add(copy(buffer, offset, length));
        }

        @Override
        public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
        {
            alerts.add(copy(buffer, offset, length));
            return SENT;
        }

        List<DirectBuffer> replies(final int sessionId)
        {
            return repliesBySession.getOrDefault(sessionId, List.of());
        }

        int replyCount()
        {
            int count = 0;
            for (final List<DirectBuffer> replies : repliesBySession.values())
            {
                count += replies.size();
            }
            return count;
        }

        private static DirectBuffer copy(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return new UnsafeBuffer(bytes);
        }
    }
}
