package dev.vigil.app;

import dev.vigil.app.demo.DemoTraffic;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.Verdict;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The threading profile and where the media driver runs change how the work is scheduled, never what is decided.
 */
@Timeout(120)
class ProfilesTest
{
    private static final int MESSAGES = 3_000;

    @TempDir
    Path dataDir;

    @Test
    void sharedAndDedicatedProfilesMakeIdenticalDecisions()
    {
        final Map<Long, String> shared = decide(EngineHarness.start(dataDir.resolve("shared"), "profile=shared"));
        // Backoff rather than busy-spin: seven spinning threads would starve a 2-core test machine.
        final Map<Long, String> dedicated =
            decide(EngineHarness.start(dataDir.resolve("dedicated"), "profile=dedicated", "idle.strategy=backoff"));

        assertEquals(MESSAGES, shared.size());
        assertEquals(shared, dedicated);
        assertNotEquals(0, shared.values().stream().filter(d -> !d.startsWith(Verdict.APPROVE.name())).count(),
            "the stream must exercise the rules, not only approve");
    }

    @Test
    void aJournalThatForcesItsWritesRunsOnAThreadOfItsOwnAndDecidesAlike()
    {
        final Map<Long, String> inPageCache = decide(EngineHarness.start(dataDir.resolve("none"), "profile=shared"));

        final EngineHarness ownThread = EngineHarness.start(dataDir.resolve("own"), "profile=shared",
            "journal.durability=batch");
        assertTrue(threadNames().contains("vigil-journal"), () -> "threads: " + threadNames());
        assertTrue(threadNames().stream().anyMatch(name -> name.contains("vigil-rules") &&
            !name.contains("vigil-journal")), () -> "the journal left the engine's thread: " + threadNames());
        final Map<Long, String> forcedOnItsOwnThread = decide(ownThread);

        final EngineHarness engineThread = EngineHarness.start(dataDir.resolve("engine"), "profile=shared",
            "journal.durability=batch", "journal.thread=engine");
        assertFalse(threadNames().contains("vigil-journal"), () -> "threads: " + threadNames());
        final Map<Long, String> forcedOnTheEngineThread = decide(engineThread);

        assertEquals(MESSAGES, inPageCache.size());
        assertEquals(inPageCache, forcedOnItsOwnThread);
        assertEquals(inPageCache, forcedOnTheEngineThread);
    }

    private static Set<String> threadNames()
    {
        final Set<String> names = new HashSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            names.add(thread.getName());
        }
        return names;
    }

    @Test
    void engineRunsOnAnExternalMediaDriver()
    {
        final String aeronDir = "/dev/shm/vigil-test-external-" + UUID.randomUUID();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)))
        {
            final Map<Long, String> decisions =
                decide(EngineHarness.start(dataDir, "driver.embedded=false", "aeron.dir=" + aeronDir));
            assertEquals(MESSAGES, decisions.size());
            assertEquals(aeronDir, driver.aeronDirectoryName());
        }
    }

    private static Map<Long, String> decide(final EngineHarness harness)
    {
        final Map<Long, String> decisions = new TreeMap<>();
        final ReplyListener listener = (DecisionDecoder decision) ->
            decisions.put(decision.clientSeq(), decision.verdict() + "/" + decision.firedRules());
        try (harness; VigilClient client = harness.connect(61))
        {
            final DemoTraffic traffic = new DemoTraffic(7, 200, 10_000_000L);
            int sent = 0;
            final long deadlineNs = System.nanoTime() + 60_000_000_000L;
            while (sent < MESSAGES && System.nanoTime() < deadlineNs)
            {
                if (traffic.sendNext(client) > 0)
                {
                    sent++;
                }
                client.poll(listener, 100);
            }
            assertTrue(EngineHarness.await(() -> decisions.size() == MESSAGES, () -> client.poll(listener, 100),
                30_000), () -> decisions.size() + " decisions of " + MESSAGES);
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
        return decisions;
    }
}
