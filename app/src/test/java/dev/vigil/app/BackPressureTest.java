package dev.vigil.app;

import dev.vigil.client.AlertSubscriber;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.core.counters.EngineCounter.ALERTS_RAISED;
import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.FRAMES_RECEIVED;
import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-pressure through the real Aeron path: a full ring stops ingress polling, Aeron flow control pushes back on
 * the clients, and nothing accepted is lost; a client that stops reading its replies cannot wedge the engine for
 * the others.
 */
@Timeout(120)
class BackPressureTest
{
    private static final int MESSAGES = 20_000;
    private static final long LARGE_AMOUNT = 2_000_000;

    @TempDir
    Path dataDir;

    @Test
    void clientBlastingAboveTheSustainableRateIsPushedBackAndEveryMessageIsDecidedOnce()
    {
        // A 64-slot ring, and a client publication with a 32 KiB window: the engine cannot keep up with a client
        // that offers as fast as Aeron lets it.
        try (EngineHarness harness = EngineHarness.start(dataDir, "ring.size=64");
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            AlertSubscriber alerts = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003);
            VigilClient client = VigilClient.connect(harness.clientContext(7)
                .aeron(aeron)
                .ingressChannel(harness.ingressChannel() + "|term-length=65536")))
        {
            assertTrue(EngineHarness.await(alerts::isConnected, () -> { }, 5_000));
            final int[] decisionsBySeq = new int[MESSAGES + 1];
            final int[] declines = new int[1];
            final List<String> rejects = new ArrayList<>();
            final int[] alertsReceived = new int[1];
            final ReplyListener listener = new ReplyListener()
            {
                @Override
                public void onDecision(final DecisionDecoder decision)
                {
                    decisionsBySeq[(int)decision.clientSeq()]++;
                    if (decision.verdict() == Verdict.DECLINE)
                    {
                        declines[0]++;
                    }
                }

                @Override
                public void onReject(final RejectDecoder reject)
                {
                    rejects.add(reject.reason() + " seq=" + reject.clientSeq());
                }
            };

            long backPressured = 0;
            int sent = 0;
            int expectedDeclines = 0;
            final long deadlineNs = System.nanoTime() + 60_000_000_000L;
            while (sent < MESSAGES && System.nanoTime() < deadlineNs)
            {
                final int seq = sent + 1;
                // Only the amount rule fires: one in ten is large, each on an account of its own, and is declined
                // and alerted; 1,000 other accounts pay small amounts 10 s apart, too slowly for the velocity rule.
                final boolean large = seq % 10 == 0;
                final long account = large ? 1_000 + seq : seq % 1_000;
                final long result = client.sendTransaction(seq * 10_000_000L, seq, account, account, 7,
                    large ? LARGE_AMOUNT : 1_000, "EUR", "DE", PaymentChannel.POS);
                if (result > 0)
                {
                    sent++;
                    expectedDeclines += large ? 1 : 0;
                }
                else
                {
                    assertTrue(result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION,
                        () -> Publication.errorString(result));
                    backPressured += result == Publication.BACK_PRESSURED ? 1 : 0;
                    client.poll(listener, 256);
                    alerts.poll(alert -> alertsReceived[0]++, 256);
                }
            }
            assertEquals(MESSAGES, sent);
            assertTrue(backPressured > 0, "the client never saw back-pressure");

            assertTrue(EngineHarness.await(() -> sumOf(decisionsBySeq) >= MESSAGES, () ->
            {
                client.poll(listener, 256);
                alerts.poll(alert -> alertsReceived[0]++, 256);
            }, 30_000), () -> "decisions received: " + sumOf(decisionsBySeq));
            final int expectedAlerts = expectedDeclines;
            assertTrue(EngineHarness.await(() -> alertsReceived[0] >= expectedAlerts,
                () -> alerts.poll(alert -> alertsReceived[0]++, 256), 10_000));

            for (int seq = 1; seq <= MESSAGES; seq++)
            {
                assertEquals(1, decisionsBySeq[seq], "decisions for client seq " + seq);
            }
            assertEquals(List.of(), rejects);
            assertEquals(expectedDeclines, declines[0]);
            assertEquals(expectedDeclines, alertsReceived[0]);

            final EngineCounters counters = harness.engine().counters();
            assertEquals(MESSAGES + 1, counters.get(FRAMES_RECEIVED).get());
            assertEquals(MESSAGES, counters.get(EVENTS_EVALUATED).get());
            assertEquals(MESSAGES - expectedDeclines, counters.decisions(Verdict.APPROVE).get());
            assertEquals(expectedDeclines, counters.decisions(Verdict.DECLINE).get());
            assertEquals(expectedDeclines, counters.get(ALERTS_RAISED).get());
            assertEquals(0, counters.totalRejects());
            assertEquals(0, counters.get(REPLIES_NOT_DELIVERED).get());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void clientThatStopsReadingRepliesCannotWedgeTheEngineForOthers()
    {
        // One second per back-pressured reply: were every reply to the stalled client retried that long, the other
        // client would wait half an hour.
        final int stalledRequests = 2_000;
        try (EngineHarness harness = EngineHarness.start(dataDir, "egress.retry.timeout=1s");
            RawClient stalled = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0|term-length=65536", 1002);
            VigilClient other = harness.connect(8))
        {
            stalled.connect(9);
            final TestFrames frames = new TestFrames();
            for (int seq = 1; seq <= stalledRequests; seq++)
            {
                stalled.sendWithoutReading(
                    frames.buffer(), 0, frames.transaction(9, seq, seq * 1_000_000L, 100_000 + seq, 1_000));
            }

            // Its reply channel fills up, the engine retries a reply for its budget and gives up on it.
            final EngineCounters counters = harness.engine().counters();
            assertTrue(EngineHarness.await(() -> counters.get(REPLIES_NOT_DELIVERED).get() > 0, () -> { }, 20_000));

            final List<Long> decided = new ArrayList<>();
            final ReplyListener listener = new ReplyListener()
            {
                @Override
                public void onDecision(final DecisionDecoder decision)
                {
                    decided.add(decision.clientSeq());
                }
            };
            for (int i = 1; i <= 100; i++)
            {
                final long seq = i;
                assertTrue(EngineHarness.await(() -> other.sendTransaction(
                    seq * 1_000_000L, seq, seq, seq, 7, 1_000, "EUR", "DE", PaymentChannel.POS) > 0,
                    () -> other.poll(listener, 10), 10_000));
            }
            assertTrue(EngineHarness.await(() -> decided.size() >= 100, () -> other.poll(listener, 10), 20_000),
                () -> "decisions for the other client: " + decided.size());

            // Every reply to the stalled client was either delivered, once it reads again, or counted undelivered.
            assertTrue(EngineHarness.await(
                () -> stalled.replies().size() - 1 + counters.get(REPLIES_NOT_DELIVERED).get() >= stalledRequests,
                stalled::poll, 10_000));
            final int delivered = stalled.replies().size() - 1;
            assertTrue(delivered > 0 && delivered < stalledRequests, () -> "delivered " + delivered);
            assertEquals(stalledRequests, delivered + counters.get(REPLIES_NOT_DELIVERED).get());
            assertEquals(stalledRequests + 100, counters.decisions(Verdict.APPROVE).get());

            // Reading again, the client gets its replies: a retried request is answered with its original decision.
            final int retriedSeq = stalledRequests;
            final int length = frames.transaction(9, retriedSeq, retriedSeq * 1_000_000L, 100_000 + retriedSeq, 1_000);
            assertTrue(EngineHarness.await(() -> stalled.replies().stream().anyMatch(
                reply -> "decision".equals(reply.kind()) && reply.clientSeq() == retriedSeq),
                () ->
                {
                    stalled.send(frames.buffer(), 0, length);
                    EngineHarness.await(() -> false, stalled::poll, 50);
                }, 10_000), () -> "replies: " + stalled.replies().subList(0, 5));
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    private static int sumOf(final int[] counts)
    {
        int sum = 0;
        for (final int count : counts)
        {
            sum += count;
        }
        return sum;
    }
}
