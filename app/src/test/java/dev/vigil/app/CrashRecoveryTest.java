package dev.vigil.app;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.SnapshotStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real engine process with SIGKILL at random points while a client sends to it (snapshots are taken every
 * 250 events, so kills also land during or between snapshots), restarts it on the same data directory, and has the
 * client resend everything it has no decision for, as a gateway would. In the end every request has exactly one
 * decision, and the decisions equal those of an engine that was never killed.
 */
@Tag("slow") // four engine JVMs started in turn, three of them killed mid-stream
@Timeout(180)
class CrashRecoveryTest
{
    private static final int MESSAGES = 3_000;
    private static final int TRIALS = 3;
    private static final long CLIENT_ID = 42;
    private static final long BASE_TIME_NS = 1_767_225_600_000_000_000L;
    private static final long STEP_NS = 10_000_000L;

    @TempDir
    Path dir;

    @Test
    void killedAndRestartedEngineDecidesEveryRequestOnceAsAnUninterruptedOne() throws Exception
    {
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"));
            VigilClient client = harness.connect(CLIENT_ID))
        {
            final ReplyListener listener = decision -> uninterrupted.put(decision.clientSeq(), describe(decision));
            for (long seq = 1; seq <= MESSAGES; seq++)
            {
                send(client, seq);
                client.poll(listener, 100);
            }
            assertTrue(EngineHarness.await(
                () -> uninterrupted.size() == MESSAGES, () -> client.poll(listener, 100), 30_000));
        }

        final Path dataDir = dir.resolve("crashing");
        final Map<Long, String> decided = new TreeMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        long nextSeq = 1;
        int resent = 0;
        for (int trial = 0; trial <= TRIALS; trial++)
        {
            final boolean last = trial == TRIALS;
            try (EngineProcess engine = EngineProcess.start(dataDir))
            {
                try (VigilClient client = VigilClient.connect(engine.clientContext(CLIENT_ID).firstClientSeq(nextSeq)))
                {
                    final ReplyListener listener = decision -> decided.put(decision.clientSeq(), describe(decision));
                    // As a gateway does after reconnecting: resend every request that has no decision yet.
                    for (long seq = 1; seq < nextSeq; seq++)
                    {
                        if (!decided.containsKey(seq))
                        {
                            resend(client, seq);
                            resent++;
                        }
                    }
                    final long stopAt = last ? MESSAGES : Math.min(MESSAGES, nextSeq + 200 + random.nextInt(600));
                    while (nextSeq <= stopAt)
                    {
                        send(client, nextSeq++);
                        client.poll(listener, 100);
                    }
                    if (last)
                    {
                        assertTrue(EngineHarness.await(
                            () -> decided.size() == MESSAGES, () -> client.poll(listener, 100), 30_000),
                            () -> decided.size() + " of " + MESSAGES + " decided");
                    }
                    else
                    {
                        // Let some decisions arrive, then kill the engine while others are in flight.
                        final long pollUntilNs = System.nanoTime() + random.nextInt(20) * 1_000_000L;
                        while (System.nanoTime() < pollUntilNs)
                        {
                            client.poll(listener, 100);
                        }
                        engine.kill();
                        System.out.println("killed the engine with " + (nextSeq - 1 - decided.size()) +
                            " of " + (nextSeq - 1) + " requests undecided");
                    }
                }
            }
        }

        assertTrue(resent > 0, "the kills must leave requests without a decision, or nothing was tested");
        assertEquals(uninterrupted, decided, "same verdicts and fired rules for every request");
        assertTrue(uninterrupted.values().stream().anyMatch(d -> !d.startsWith("APPROVE")), "rules must fire");
        assertEveryDecisionIsJournaled(dataDir, decided.keySet());
        assertTrue(new SnapshotStore(dataDir.resolve("snapshots"), 1).newestFirst().size() > 0,
            "snapshots were taken along the way, so restarts started from them");
    }

    private static void assertEveryDecisionIsJournaled(final Path dataDir, final Set<Long> decidedSeqs)
    {
        final Set<Long> journaledSeqs = new HashSet<>();
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal"), 1))
        {
            while (reader.poll((seq, time, buffer, offset, length) ->
                journaledSeqs.add(InboundFrameValidator.clientSeq(buffer, offset, length)), 1000) > 0)
            {
                // read to the end
            }
            assertEquals(JournalReader.StopReason.NONE, reader.stopReason());
        }
        assertTrue(journaledSeqs.containsAll(decidedSeqs), "every decided request is in the journal");
    }

    private static void send(final VigilClient client, final long seq)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (client.sendTransaction(
            BASE_TIME_NS + seq * STEP_NS, seq, account(seq), 7, 9, amount(seq), "EUR", "DE", PaymentChannel.POS) < 0)
        {
            assertTrue(System.nanoTime() < deadlineNs, "engine did not accept a send within 10s");
            Thread.yield();
        }
    }

    private static void resend(final VigilClient client, final long seq)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (client.resendTransaction(seq,
            BASE_TIME_NS + seq * STEP_NS, seq, account(seq), 7, 9, amount(seq), "EUR", "DE", PaymentChannel.POS) < 0)
        {
            assertTrue(System.nanoTime() < deadlineNs, "engine did not accept a resend within 10s");
            Thread.yield();
        }
    }

    private static long account(final long seq)
    {
        return 1 + (seq * 7_919) % 150;
    }

    private static long amount(final long seq)
    {
        return seq % 97 == 0 ? 5_000_000 : 100 + seq % 1_000;
    }

    private static String describe(final DecisionDecoder decision)
    {
        return decision.verdict() + "/" + decision.firedRules();
    }
}
