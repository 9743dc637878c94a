package dev.vigil.app;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.SnapshotStore;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops a real engine process ({@code vigil run}) with SIGTERM while a client's requests are in flight. It must exit
 * 0, having decided and answered every request it took, journaled each exactly once, and snapshotted at its last
 * input; a restart then loads that snapshot, replays nothing, and continues exactly as an engine that never stopped.
 * The client runs its own media driver, as a gateway on another host would, so replies the engine sent before it
 * exited still arrive.
 */
@Timeout(180)
class GracefulShutdownTest
{
    private static final int MESSAGES = 1_500;
    private static final int BEFORE_STOP = 1_000;
    private static final int DECIDED_BEFORE_STOP = 100;
    private static final long CLIENT_ID = 77;
    private static final long BASE_TIME_NS = 1_767_225_600_000_000_000L;
    private static final long STEP_NS = 10_000_000L;

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsJournalsSnapshotsAndExitsZeroAndARestartContinuesIdentically() throws Exception
    {
        final Map<Long, String> uninterrupted = runUninterrupted();
        final Path dataDir = dir.resolve("stopped");
        final Map<Long, String> decided = new TreeMap<>();
        final ReplyListener listener = decision -> decided.put(decision.clientSeq(), describe(decision));

        try (MediaDriver clientDriver = launchClientDriver())
        {
            final List<Long> journaled;
            try (EngineProcess engine =
                EngineProcess.start(dataDir, "--set", "snapshot.interval.events=0"))
            {
                try (VigilClient client = VigilClient.connect(clientContext(engine, clientDriver, 1)))
                {
                    for (long seq = 1; seq <= BEFORE_STOP; seq++)
                    {
                        send(client, seq);
                        client.poll(listener, 100);
                        if (seq == DECIDED_BEFORE_STOP)
                        {
                            assertTrue(EngineHarness.await(() -> decided.size() == DECIDED_BEFORE_STOP,
                                () -> client.poll(listener, 100), 30_000), "the engine takes input");
                        }
                    }
                    // Stop while requests are in flight: the engine decides and answers what it took.
                    assertEquals(0, engine.terminate(), () -> output(engine));
                    final String output = output(engine);
                    assertTrue(output.contains("vigil: stopping on SIGTERM"), output);
                    assertTrue(output.contains("every input taken was decided and answered"), output);

                    journaled = journaledClientSeqs(dataDir);
                    assertTrue(EngineHarness.await(() -> decided.size() >= journaled.size(),
                        () -> client.poll(listener, 100), 10_000), decided.size() + " of " + journaled.size());
                }
                assertTrue(journaled.size() >= DECIDED_BEFORE_STOP, "the engine took input before it stopped");
                System.out.println("stopped the engine with SIGTERM after it took " + journaled.size() + " of " +
                    BEFORE_STOP + " requests sent");
                for (int i = 0; i < journaled.size(); i++)
                {
                    assertEquals(i + 1, journaled.get(i), "each accepted request journaled once, in order");
                }
                assertEquals(journaled.size(), decided.size(), "every journaled request was answered before exit");
                final List<Path> snapshots = new SnapshotStore(dataDir.resolve("snapshots"), 1).newestFirst();
                assertEquals(EngineHarness.DEFAULT_RULES_RECORDS + journaled.size(),
                    SnapshotStore.sequenceOf(snapshots.get(0)), "a snapshot at the last journaled input");
            }

            try (EngineProcess engine = EngineProcess.start(dataDir))
            {
                final long resumeAt = decided.size() + 1;
                final String startup = engine.output();
                assertTrue(startup.contains("loaded snapshot snapshot-"), startup);
                assertTrue(startup.contains("replayed 0 record(s)"), startup);
                try (VigilClient client = VigilClient.connect(clientContext(engine, clientDriver, BEFORE_STOP + 1)))
                {
                    // The requests the stopped engine never took are sent again, as a gateway would.
                    for (long seq = resumeAt; seq <= MESSAGES; seq++)
                    {
                        if (seq <= BEFORE_STOP)
                        {
                            resend(client, seq);
                        }
                        else
                        {
                            send(client, seq);
                        }
                        client.poll(listener, 100);
                    }
                    assertTrue(EngineHarness.await(() -> decided.size() == MESSAGES,
                        () -> client.poll(listener, 100), 30_000),
                        () -> decided.size() + " of " + MESSAGES + "\n" + output(engine));
                }
                assertEquals(0, engine.terminate(), () -> output(engine));
            }
        }

        assertEquals(uninterrupted, decided, "same verdicts and fired rules for every request");
        final List<Long> journaled = journaledClientSeqs(dataDir);
        assertEquals(MESSAGES, journaled.size(), "every request journaled exactly once across the restart");
        for (int i = 0; i < journaled.size(); i++)
        {
            assertEquals(i + 1, journaled.get(i));
        }
    }

    private Map<Long, String> runUninterrupted()
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
        assertTrue(uninterrupted.values().stream().anyMatch(d -> !d.startsWith("APPROVE")), "rules must fire");
        return uninterrupted;
    }

    private static MediaDriver launchClientDriver()
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-shutdown-client-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    private static VigilClient.Context clientContext(
        final EngineProcess engine, final MediaDriver clientDriver, final long firstClientSeq)
    {
        return engine.clientContext(CLIENT_ID)
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .firstClientSeq(firstClientSeq);
    }

    private static List<Long> journaledClientSeqs(final Path dataDir)
    {
        final List<Long> seqs = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal"), 1))
        {
            // Requests only: the journal starts with the rules the engine started with.
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            while (reader.poll((seq, time, buffer, offset, length) ->
            {
                if (InboundFrameValidator.isEventTemplate(header.wrap(buffer, offset).templateId()))
                {
                    seqs.add(InboundFrameValidator.clientSeq(buffer, offset, length));
                }
            }, 1000) > 0)
            {
                // read to the end
            }
            assertEquals(JournalReader.StopReason.NONE, reader.stopReason());
        }
        return seqs;
    }

    private static String output(final EngineProcess engine)
    {
        try
        {
            return engine.output();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
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
