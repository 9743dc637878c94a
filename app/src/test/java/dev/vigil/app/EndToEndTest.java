package dev.vigil.app;

import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.Verdict;
import io.aeron.Aeron;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.REJECTS_STALE_SEQUENCE;
import static dev.vigil.core.counters.EngineCounter.RETRIES_ANSWERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class EndToEndTest
{
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long BASE_TIME_NS = 1_767_225_600L * SECOND_NS;

    @TempDir
    Path dataDir;

    /** Decisions received by one client, keyed by client sequence, with duplicates detected. */
    static final class Decisions implements ReplyListener
    {
        final Map<Long, Verdict> verdictBySeq = new HashMap<>();
        final Map<Long, Long> firedBySeq = new HashMap<>();
        final List<Long> clientIds = new ArrayList<>();
        int duplicates;

        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            clientIds.add(decision.clientId());
            if (verdictBySeq.put(decision.clientSeq(), decision.verdict()) != null)
            {
                duplicates++;
            }
            firedBySeq.put(decision.clientSeq(), decision.firedRules());
        }
    }

    @Test
    void approvesAndDeclinesEachTransactionExactlyOnce()
    {
        try (EngineHarness harness = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(100_000)));
            VigilClient client = harness.connect(11))
        {
            final Map<Long, Verdict> expected = new HashMap<>();
            for (int i = 0; i < 200; i++)
            {
                final boolean large = i % 10 == 3;
                final long amount = large ? 250_000 : 1_000 + i;
                final long seq = sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 1000 + i, amount);
                expected.put(seq, large ? Verdict.DECLINE : Verdict.APPROVE);
            }

            final Decisions decisions = new Decisions();
            assertTrue(EngineHarness.await(
                () -> decisions.verdictBySeq.size() == expected.size(), () -> client.poll(decisions, 100), 10_000));

            assertEquals(expected, decisions.verdictBySeq);
            assertEquals(0, decisions.duplicates);
            for (final Map.Entry<Long, Verdict> entry : expected.entrySet())
            {
                final long expectedFired =
                    entry.getValue() == Verdict.DECLINE ? 1L << RuleSetFactory.AMOUNT_RULE_ID : 0;
                assertEquals(expectedFired, decisions.firedBySeq.get(entry.getKey()), "seq " + entry.getKey());
            }
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void eachClientReceivesOnlyItsOwnDecisions()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient first = harness.connect(21);
            VigilClient second = harness.connect(22))
        {
            final int perClient = 300;
            for (int i = 0; i < perClient; i++)
            {
                sendUntilAccepted(first, BASE_TIME_NS + i, i, 1, 500);
                sendUntilAccepted(second, BASE_TIME_NS + i, i, 2, 500);
            }

            final Decisions firstDecisions = new Decisions();
            final Decisions secondDecisions = new Decisions();
            assertTrue(EngineHarness.await(
                () -> firstDecisions.verdictBySeq.size() == perClient &&
                    secondDecisions.verdictBySeq.size() == perClient,
                () ->
                {
                    first.poll(firstDecisions, 100);
                    second.poll(secondDecisions, 100);
                },
                10_000));

            assertTrue(firstDecisions.clientIds.stream().allMatch(id -> id == 21));
            assertTrue(secondDecisions.clientIds.stream().allMatch(id -> id == 22));
            assertEquals(0, firstDecisions.duplicates + secondDecisions.duplicates);
        }
    }

    @Test
    void velocityAndOrderRateRulesFireAndAlertsArePublished()
    {
        try (EngineHarness harness = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml",
                "rules:\n" + TestRules.velocityRule(3, "10s") + TestRules.orderRateRule(2)));
            VigilClient client = harness.connect(31);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            AlertSubscriber alerts = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003))
        {
            assertTrue(EngineHarness.await(alerts::isConnected, () -> { }, 5_000));

            final List<Long> txnSeqs = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                txnSeqs.add(sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 77, 100));
            }
            final List<Long> orderSeqs = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                long seq;
                while ((seq = client.sendOrder(BASE_TIME_NS + i, i, 88, 5, Side.BUY, OrderType.LIMIT, 100, 10)) < 0)
                {
                    Thread.yield();
                }
                orderSeqs.add(seq);
            }

            final Decisions decisions = new Decisions();
            final List<Integer> alertRuleIds = new ArrayList<>();
            assertTrue(EngineHarness.await(
                () -> decisions.verdictBySeq.size() == 9 && alertRuleIds.size() == 4,
                () ->
                {
                    client.poll(decisions, 100);
                    alerts.poll(alert -> alertRuleIds.add(alert.ruleId()), 100);
                },
                10_000));

            final List<Verdict> txnVerdicts = new ArrayList<>();
            txnSeqs.forEach(seq -> txnVerdicts.add(decisions.verdictBySeq.get(seq)));
            assertEquals(
                List.of(Verdict.APPROVE, Verdict.APPROVE, Verdict.APPROVE, Verdict.REVIEW, Verdict.REVIEW),
                txnVerdicts);

            final List<Verdict> orderVerdicts = new ArrayList<>();
            orderSeqs.forEach(seq -> orderVerdicts.add(decisions.verdictBySeq.get(seq)));
            assertEquals(List.of(Verdict.APPROVE, Verdict.APPROVE, Verdict.DECLINE, Verdict.DECLINE), orderVerdicts);

            assertEquals(
                List.of(RuleSetFactory.VELOCITY_RULE_ID, RuleSetFactory.VELOCITY_RULE_ID,
                    RuleSetFactory.ORDER_RATE_RULE_ID, RuleSetFactory.ORDER_RATE_RULE_ID),
                alertRuleIds);
        }
    }

    @Test
    void reconnectingClientTakesOverItsIdFromTheOldSession()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient old = harness.connect(51);
            VigilClient renewed = harness.connect(51))
        {
            final long renewedSeq = sendUntilAccepted(renewed, BASE_TIME_NS, 1, 9, 100);
            final Decisions renewedDecisions = new Decisions();
            assertTrue(EngineHarness.await(
                () -> renewedDecisions.verdictBySeq.containsKey(renewedSeq), () -> renewed.poll(renewedDecisions, 10),
                10_000));

            sendUntilAccepted(old, BASE_TIME_NS, 1, 9, 100);
            assertTrue(EngineHarness.await(
                () -> harness.engine().counters().rejects(RejectReason.NOT_CONNECTED).get() == 1, () -> { }, 10_000));
            final Decisions oldDecisions = new Decisions();
            old.poll(oldDecisions, 10);
            assertEquals(Map.of(), oldDecisions.verdictBySeq);
            assertEquals(1, harness.engine().counters().decisions(Verdict.APPROVE).get());
        }
    }

    @Test
    void retriesGetTheOriginalDecisionAndAreNotEvaluatedAgain()
    {
        try (EngineHarness harness = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", TestRules.velocity(2, "60s")), "dedup.window=16");
            VigilClient client = harness.connect(81))
        {
            final List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                seqs.add(sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 3, 100));
            }
            final Map<Long, String> first = new HashMap<>();
            final ReplyListener firstListener = decision -> first.put(
                decision.clientSeq(), decision.verdict() + "/" + decision.firedRules() + "/" + decision.engineSeq());
            assertTrue(EngineHarness.await(() -> first.size() == 3, () -> client.poll(firstListener, 10), 10_000));
            // Engine seq 1 is the rules file, journaled first.
            assertEquals("REVIEW/2/4", first.get(seqs.get(2)), "third transaction of the account trips velocity");

            // Resend the first two: were they evaluated again, the account would be at 5 in its window.
            final Map<Long, String> retried = new HashMap<>();
            final ReplyListener retryListener = decision -> retried.put(
                decision.clientSeq(), decision.verdict() + "/" + decision.firedRules() + "/" + decision.engineSeq());
            for (int i = 0; i < 2; i++)
            {
                final long eventTimeNs = BASE_TIME_NS + i * SECOND_NS;
                while (client.resendTransaction(
                    seqs.get(i), eventTimeNs, i, 3, 5003, 42, 100, "EUR", "DE", PaymentChannel.ECOM) < 0)
                {
                    Thread.yield();
                }
            }
            assertTrue(EngineHarness.await(() -> retried.size() == 2, () -> client.poll(retryListener, 10), 10_000));
            assertEquals(first.get(seqs.get(0)), retried.get(seqs.get(0)));
            assertEquals(first.get(seqs.get(1)), retried.get(seqs.get(1)));
            assertEquals(3, harness.engine().counters().get(EVENTS_EVALUATED).get());
            assertEquals(2, harness.engine().counters().get(RETRIES_ANSWERED).get());

            // A fourth new transaction still sees only three earlier ones in its window.
            final long fourth = sendUntilAccepted(client, BASE_TIME_NS + 3 * SECOND_NS, 3, 3, 100);
            assertTrue(EngineHarness.await(
                () -> retried.containsKey(fourth), () -> client.poll(retryListener, 10), 10_000));
            assertEquals("REVIEW/2/7", retried.get(fourth), "engine seq 7: rules, three originals, two retries, this");
        }
    }

    @Test
    void aResentOrderGetsItsOriginalDecision()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient client = harness.connect(21))
        {
            final List<String> answers = new ArrayList<>();
            final ReplyListener listener = decision -> answers.add(
                decision.clientSeq() + "/" + decision.verdict() + "/" + decision.engineSeq());
            long seq;
            while ((seq = client.sendOrder(BASE_TIME_NS, 1, 77, 5, Side.BUY, OrderType.LIMIT, 100, 10)) < 0)
            {
                Thread.yield();
            }
            assertTrue(EngineHarness.await(() -> answers.size() == 1, () -> client.poll(listener, 10), 10_000));
            while (client.resendOrder(seq, BASE_TIME_NS, 1, 77, 5, Side.BUY, OrderType.LIMIT, 100, 10) < 0)
            {
                Thread.yield();
            }
            assertTrue(EngineHarness.await(() -> answers.size() == 2, () -> client.poll(listener, 10), 10_000));

            assertEquals(answers.get(0), answers.get(1));
            assertEquals(seq, client.lastClientSeq(), "a resend does not take a new sequence");
            assertEquals(1, harness.engine().counters().get(EVENTS_EVALUATED).get());
            assertEquals(1, harness.engine().counters().get(RETRIES_ANSWERED).get());
        }
    }

    @Test
    void aResendOlderThanTheRetryTableIsRefusedStaleAndCountedNeverLeftUnanswered()
    {
        final Map<Long, String> answers = new HashMap<>();
        final ReplyListener listener = answersTo(answers);
        final String decided3;
        try (EngineHarness harness = EngineHarness.start(dataDir, "dedup.window=16"))
        {
            try (VigilClient client = harness.connect(82))
            {
                for (int i = 0; i < 40; i++)
                {
                    sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 4, 100);
                }
                assertTrue(EngineHarness.await(() -> answers.size() == 40, () -> client.poll(listener, 10), 10_000));
            }
            decided3 = answers.get(3L);
            final String decided30 = answers.get(30L);
            answers.clear();

            // A source started again under the same client id resends from where it last committed.
            try (VigilClient restarted = VigilClient.connect(harness.clientContext(82).firstClientSeq(41)))
            {
                resendUntilAccepted(restarted, 3, 4);
                resendUntilAccepted(restarted, 24, 4);
                resendUntilAccepted(restarted, 30, 4);
                assertTrue(EngineHarness.await(
                    () -> answers.size() == 3, () -> restarted.poll(listener, 10), 10_000), answers.toString());
            }
            assertEquals("reject STALE_SEQUENCE", answers.get(3L), "40 - 16 = 24 and older are no longer remembered");
            assertEquals("reject STALE_SEQUENCE", answers.get(24L));
            assertEquals(decided30, answers.get(30L), "still in the table: the original decision");
            assertEquals(2, harness.engine().counters().get(REJECTS_STALE_SEQUENCE).get());
            assertEquals(1, harness.engine().counters().get(RETRIES_ANSWERED).get());
            assertEquals(40, harness.engine().counters().get(EVENTS_EVALUATED).get(), "nothing evaluated twice");
        }

        // A larger table, rebuilt from the journal at the restart, answers them again.
        answers.clear();
        try (EngineHarness harness = EngineHarness.start(dataDir, "dedup.window=64");
            VigilClient restarted = VigilClient.connect(harness.clientContext(82).firstClientSeq(41)))
        {
            final long evaluated = harness.engine().counters().get(EVENTS_EVALUATED).get();
            resendUntilAccepted(restarted, 3, 4);
            assertTrue(EngineHarness.await(() -> answers.size() == 1, () -> restarted.poll(listener, 10), 10_000));
            assertEquals(decided3, answers.get(3L));
            assertEquals(evaluated, harness.engine().counters().get(EVENTS_EVALUATED).get());
        }
    }

    @Test
    void whatTheListenerThrowsOnAnAnswerComesOutOfPollAndTheClientGoesOn()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "dedup.window=16");
            VigilClient client = harness.connect(83))
        {
            final Map<Long, String> answers = new HashMap<>();
            for (int i = 0; i < 20; i++)
            {
                sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 5, 100);
            }
            final ReplyListener listener = answersTo(answers);
            assertTrue(EngineHarness.await(() -> answers.size() == 20, () -> client.poll(listener, 10), 10_000));

            // Aeron hands what a fragment handler throws to its error handler and goes on; the caller must see it.
            final IllegalStateException stop = new IllegalStateException("cannot go on after a stale sequence");
            final ReplyListener stopsOnReject = new ReplyListener()
            {
                @Override
                public void onDecision(final DecisionDecoder decision)
                {
                    listener.onDecision(decision);
                }

                @Override
                public void onReject(final RejectDecoder reject)
                {
                    listener.onReject(reject);
                    throw stop;
                }
            };
            resendUntilAccepted(client, 1, 5);
            final RuntimeException[] thrown = {null};
            assertTrue(EngineHarness.await(() -> thrown[0] != null, () ->
            {
                try
                {
                    client.poll(stopsOnReject, 10);
                }
                catch (final RuntimeException ex)
                {
                    thrown[0] = ex;
                }
            }, 10_000), "the listener's exception came out of poll");
            assertSame(stop, thrown[0]);
            assertEquals("reject STALE_SEQUENCE", answers.get(1L));

            final long next = sendUntilAccepted(client, BASE_TIME_NS + 20 * SECOND_NS, 20, 5, 100);
            assertTrue(EngineHarness.await(() -> answers.containsKey(next), () -> client.poll(listener, 10), 10_000));
            assertEquals(0, harness.errors().size(), harness.errors().toString());
        }
    }

    @Test
    void whatTheAlertListenerThrowsComesOutOfPollAndNoAlertIsLost()
    {
        try (EngineHarness harness = EngineHarness.start(
            dataDir, TestRules.setting(dataDir, "rules.yaml", "rules:\n" + TestRules.velocityRule(2, "10s")));
            VigilClient client = harness.connect(84);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            AlertSubscriber alerts = new AlertSubscriber(aeron, harness.alertSubscriptionChannel(), 1003))
        {
            assertTrue(EngineHarness.await(alerts::isConnected, () -> { }, 5_000));
            for (int i = 0; i < 5; i++)
            {
                sendUntilAccepted(client, BASE_TIME_NS + i * SECOND_NS, i, 78, 100);
            }
            final IllegalStateException stop = new IllegalStateException("cannot deliver this alert");
            final List<Long> alerted = new ArrayList<>();
            final List<RuntimeException> thrown = new ArrayList<>();
            final Decisions decisions = new Decisions();
            assertTrue(EngineHarness.await(() -> alerted.size() == 3 && decisions.verdictBySeq.size() == 5, () ->
            {
                client.poll(decisions, 10);
                try
                {
                    alerts.poll(alert ->
                    {
                        alerted.add(alert.clientSeq());
                        if (alerted.size() == 1)
                        {
                            throw stop;
                        }
                    }, 10);
                }
                catch (final RuntimeException ex)
                {
                    thrown.add(ex);
                }
            }, 10_000), alerted.toString());
            assertEquals(List.of(stop), thrown);
            assertEquals(List.of(3L, 4L, 5L), alerted, "third to fifth transactions of the account in 10 s");
        }
    }

    private static ReplyListener answersTo(final Map<Long, String> answers)
    {
        return new ReplyListener()
        {
            @Override
            public void onDecision(final DecisionDecoder decision)
            {
                answers.put(decision.clientSeq(), decision.verdict() + "/" + decision.engineSeq());
            }

            @Override
            public void onReject(final RejectDecoder reject)
            {
                answers.put(reject.clientSeq(), "reject " + reject.reason());
            }
        };
    }

    /**
     * Send again, under its own sequence, the transaction {@link #sendUntilAccepted} sent as the seq-th of a client
     * whose i-th transaction has event time BASE + i s and transaction id i (sequences from 1).
     */
    private static void resendUntilAccepted(final VigilClient client, final long seq, final long accountId)
    {
        final long i = seq - 1;
        final long deadlineNs = System.nanoTime() + 5 * SECOND_NS;
        while (client.resendTransaction(seq, BASE_TIME_NS + i * SECOND_NS, i, accountId, 5000 + accountId, 42, 100,
            "EUR", "DE", PaymentChannel.ECOM) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("engine did not accept a resend within 5s");
            }
            Thread.yield();
        }
    }

    static long sendUntilAccepted(
        final VigilClient client, final long eventTimeNs, final long txnId, final long accountId, final long amount)
    {
        long seq;
        final long deadlineNs = System.nanoTime() + 5 * SECOND_NS;
        while ((seq = client.sendTransaction(
            eventTimeNs, txnId, accountId, 5000 + accountId, 42, amount, "EUR", "DE", PaymentChannel.ECOM)) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("engine did not accept a transaction within 5s: " + seq);
            }
            Thread.yield();
        }
        return seq;
    }
}
