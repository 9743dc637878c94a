package dev.vigil.app;

import dev.vigil.app.demo.DemoTraffic;
import dev.vigil.app.engine.RecoveryProgress;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.journal.JournalDescriptor;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_TAKEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine restarted on its data directory rebuilds its state from the journal and decides exactly as an engine
 * that never stopped.
 */
@Timeout(120)
class RecoveryTest
{
    private static final int MESSAGES = 2_000;
    /** Records the default rules take at the head of every journal, before the first event. */
    private static final int RULES = EngineHarness.DEFAULT_RULES_RECORDS;
    private static final long CLIENT_ID = 91;

    /** For the tests of replaying the whole journal: no snapshot to start from. */
    private static final String[] NO_SNAPSHOTS = {"snapshot.interval.events=0", "snapshot.on.shutdown=false"};

    @TempDir
    Path dir;

    @Test
    void restartedEngineDecidesAsOneThatNeverStopped()
    {
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"));
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(3, 100, 10_000_000L), 0, MESSAGES, uninterrupted);
        }

        final Map<Long, String> restarted = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(3, 100, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dir.resolve("restarted"), NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, traffic, 0, MESSAGES / 2, restarted);
        }
        try (EngineHarness harness = EngineHarness.start(dir.resolve("restarted"), NO_SNAPSHOTS);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(MESSAGES / 2 + 1)))
        {
            assertTrue(harness.engine().startupReport().contains("replayed " + (RULES + MESSAGES / 2) + " record(s)"),
                harness.engine().startupReport());
            send(client, traffic, MESSAGES / 2, MESSAGES, restarted);
        }

        assertEquals(MESSAGES, uninterrupted.size());
        assertEquals(uninterrupted, restarted, "decisions, fired rules and engine sequences must match");
        assertEquals(RULES + MESSAGES, journalRecords(dir.resolve("restarted")));
    }

    /**
     * A recovery that outlasts Aeron's timeouts: the replay is held three times as long as {@code aeron.timeout},
     * which would time out the embedded driver's view of the engine's client and the client's conductor if nothing
     * serviced them meanwhile. The engine must start, report no error and go on deciding as one that never stopped.
     */
    @Test
    void recoveryLongerThanTheAeronTimeoutsStillServes()
    {
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"), NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(3, 100, 10_000_000L), 0, 400, uninterrupted);
        }

        final Map<Long, String> restarted = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(3, 100, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dir.resolve("restarted"), NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, traffic, 0, 200, restarted);
        }
        final String[] shortTimeouts = {"aeron.timeout=2s", NO_SNAPSHOTS[0], NO_SNAPSHOTS[1]};
        final AtomicInteger progressCalls = new AtomicInteger();
        final RecoveryProgress slowReplay = new RecoveryProgress()
        {
            @Override
            public void replayed(final long replayed, final long toReplay)
            {
                if (progressCalls.getAndIncrement() == 0)
                {
                    // Stands for a replay of millions of records: the starting thread is busy for 6 s.
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(6));
                }
            }
        };
        try (EngineHarness harness = EngineHarness.start(dir.resolve("restarted"), slowReplay, shortTimeouts);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(201)))
        {
            assertTrue(progressCalls.get() > 0, "the replay told its progress");
            assertTrue(harness.engine().startupReport().contains("replayed " + (RULES + 200) + " record(s)"),
                harness.engine().startupReport());
            send(client, traffic, 200, 400, restarted);
            assertTrue(harness.errors().isEmpty(), () -> "no Aeron timeout or other error: " + harness.errors());
        }
        assertEquals(uninterrupted, restarted, "decisions, fired rules and engine sequences must match");
    }

    @Test
    void restartFromSnapshotsDecidesAsOneThatNeverStopped() throws IOException
    {
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"));
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(3, 100, 10_000_000L), 0, MESSAGES, uninterrupted);
        }

        final Path dataDir = dir.resolve("snapshots");
        final String[] settings = {"snapshot.interval.events=300", "snapshot.keep=3", "snapshot.on.shutdown=false"};
        final Map<Long, String> restarted = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(3, 100, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dataDir, settings);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            // A point that comes while the previous snapshot is still written is deferred to a later input: let each
            // be written before the next point, so that there are three.
            for (int snapshot = 1; snapshot <= 3; snapshot++)
            {
                send(client, traffic, restarted.size(), 300 * snapshot + 50, restarted);
                final long expected = snapshot;
                assertTrue(EngineHarness.await(
                    () -> harness.engine().counters().get(SNAPSHOTS_TAKEN).get() == expected, () -> { }, 30_000),
                    () -> "snapshot " + expected + " written");
            }
            send(client, traffic, restarted.size(), 1_000, restarted);
        }
        final List<Path> snapshots = snapshotFiles(dataDir);
        assertEquals(3, snapshots.size(), "periodic snapshots, the newest three kept: " + snapshots);

        // Cut the newest short and damage the next: the start must fall back to the oldest and replay more.
        final Path newest = snapshots.get(0);
        final Path damaged = snapshots.get(1);
        final Path older = snapshots.get(2);
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() / 2);
        }
        flipByte(damaged, Files.size(damaged) / 2);
        try (EngineHarness harness = EngineHarness.start(dataDir, settings);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(1_001)))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("skipped snapshot " + newest.getFileName() + ": checksum mismatch"), report);
            assertTrue(report.contains("skipped snapshot " + damaged.getFileName() + ": checksum mismatch"), report);
            assertTrue(report.contains("loaded snapshot " + older.getFileName()), report);
            final long olderSeq = SnapshotStore.sequenceOf(older);
            assertTrue(report.contains("replayed " + (RULES + 1_000 - olderSeq) + " record(s) up to engine seq " +
                (RULES + 1_000)), report);
            send(client, traffic, 1_000, MESSAGES, restarted);
        }

        assertEquals(uninterrupted, restarted, "decisions, fired rules and engine sequences must match");
    }

    /**
     * A snapshot whose checksum is right but whose state ends part-way (as one written by a faulty build would): the
     * state it loaded before failing must not survive into the replay of the whole journal.
     */
    @Test
    void aSnapshotThatFailsPartWayLeavesNothingBehind() throws IOException
    {
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"), NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(3, 100, 10_000_000L), 0, 1_000, uninterrupted);
        }

        final Path dataDir = dir.resolve("restarted");
        final Map<Long, String> restarted = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(3, 100, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dataDir, "snapshot.interval.events=0"))
        {
            try (VigilClient client = harness.connect(CLIENT_ID))
            {
                send(client, traffic, 0, 500, restarted);
            }
        }
        final Path snapshot = snapshotFiles(dataDir).get(0);
        cutStateInHalfKeepingTheChecksumRight(snapshot);

        try (EngineHarness harness = EngineHarness.start(dataDir, NO_SNAPSHOTS);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(501)))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("skipped snapshot " + snapshot.getFileName() + ": the state ends early"),
                report);
            assertTrue(report.contains("replayed " + (RULES + 500) + " record(s)"), report);
            send(client, traffic, 500, 1_000, restarted);
        }
        assertEquals(uninterrupted, restarted, "decisions, fired rules and engine sequences must match");
    }

    @Test
    void aSnapshotAheadOfTheJournalIsSetAsideAndNeverLoadedOnceTheJournalPassesIt() throws IOException
    {
        final Path dataDir = dir.resolve("ahead");
        final DemoTraffic traffic = new DemoTraffic(3, 100, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dataDir, "snapshot.interval.events=0");
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, traffic, 0, 300, new TreeMap<>());
        }
        // As a crash can leave it: a snapshot at a sequence the journal never reached (this one's state is of an
        // earlier sequence, so loading it once the journal passed that sequence would change decisions).
        final Path snapshot = snapshotFiles(dataDir).get(0);
        final long journalEnd = RULES + 300;
        final Path ahead = snapshot.resolveSibling(String.format("snapshot-%020d.snap", journalEnd + 100));
        Files.copy(snapshot, ahead);

        try (EngineHarness harness = EngineHarness.start(dataDir, NO_SNAPSHOTS);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(301)))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("set aside snapshot " + ahead.getFileName() + ": ahead of the journal, " +
                "which ends at engine seq " + journalEnd + "; now " + ahead.getFileName() + ".ahead-of-journal"),
                report);
            send(client, traffic, 300, 500, new TreeMap<>());
        }
        assertFalse(Files.exists(ahead));
        assertTrue(Files.exists(ahead.resolveSibling(ahead.getFileName() + ".ahead-of-journal")));

        // The journal has passed the set-aside snapshot's sequence: a start loads the one before it.
        try (EngineHarness harness = EngineHarness.start(dataDir, NO_SNAPSHOTS))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("loaded snapshot " + snapshot.getFileName()), report);
            assertFalse(report.contains(ahead.getFileName().toString() + ":"), report);
        }
    }

    /**
     * Keep the header and the first half of the state, then a CRC32C over what is kept, as the store writes it.
     */
    private static void cutStateInHalfKeepingTheChecksumRight(final Path snapshot) throws IOException
    {
        final byte[] whole = Files.readAllBytes(snapshot);
        final int kept = 24 + (whole.length - 24 - 4) / 2;
        final CRC32C crc = new CRC32C();
        crc.update(whole, 0, kept);
        final ByteBuffer cut = ByteBuffer.allocate(kept + 4);
        cut.put(whole, 0, kept).putInt((int)crc.getValue());
        Files.write(snapshot, cut.array());
    }

    /**
     * Periodic snapshots copied while the engine takes load (a small copy ring, so their records reach the file over
     * many duty cycles, with copies before writes and waits for the writer): a start from the newest of them decides
     * as an engine that never stopped, and its state at the end is the same, byte for byte (both clean stops write
     * the state at the same last input).
     */
    @Test
    void snapshotsCopiedUnderLoadRestoreTheStateOfAnEngineThatNeverStopped() throws IOException
    {
        final int messages = 3_000;
        final int accounts = 1_500;
        final String[] copying = {"snapshot.interval.events=400", "snapshot.write.buffer.bytes=16384"};
        final Map<Long, String> uninterrupted = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir.resolve("uninterrupted"), copying);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(13, accounts, 10_000_000L), 0, messages, uninterrupted);
            assertEquals(List.of(), List.copyOf(harness.errors()));
        }

        final Path dataDir = dir.resolve("restarted");
        final String[] firstRun = {copying[0], copying[1], "snapshot.on.shutdown=false"};
        final Map<Long, String> restarted = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(13, accounts, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dataDir, firstRun);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, traffic, 0, 1_900, restarted);
            assertEquals(List.of(), List.copyOf(harness.errors()));
        }
        final Path periodic = snapshotFiles(dataDir).get(0);
        try (EngineHarness harness = EngineHarness.start(dataDir, copying);
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(1_901)))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("loaded snapshot " + periodic.getFileName()), report);
            send(client, traffic, 1_900, messages, restarted);
            assertEquals(List.of(), List.copyOf(harness.errors()));
        }

        assertEquals(uninterrupted, restarted, "decisions, fired rules and engine sequences must match");
        final Path expected = snapshotFiles(dir.resolve("uninterrupted")).get(0);
        final Path actual = snapshotFiles(dataDir).get(0);
        assertEquals(expected.getFileName(), actual.getFileName());
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual),
            "the state at the last input, byte for byte");
    }

    @Test
    void cleanStopSnapshotsSoTheNextStartReplaysNothingAndOtherRulesIgnoreIt()
    {
        final Map<Long, String> before = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(5, 10, 10_000_000L), 0, 200, before);
        }

        try (EngineHarness harness = EngineHarness.start(dir))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains(String.format("loaded snapshot snapshot-%020d.snap", RULES + 200)), report);
            assertTrue(report.contains("replayed 0 record(s) up to engine seq " + (RULES + 200)), report);
        }

        try (EngineHarness harness = EngineHarness.start(dir, "rules.state.full.verdict=decline"))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("taken under another configuration of the rules"), report);
            assertTrue(report.contains("replayed " + (RULES + 200) + " record(s) up to engine seq " + (RULES + 200)),
                report);
        }
    }

    private static List<Path> snapshotFiles(final Path dataDir)
    {
        return new SnapshotStore(dataDir.resolve("snapshots"), 1).newestFirst();
    }

    private static void flipByte(final Path file, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte)(one.get(0) ^ 0x01)).rewind();
            channel.write(one, offset);
        }
    }

    @Test
    void retryAfterRestartGetsTheDecisionMadeBeforeIt()
    {
        final Map<Long, String> before = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dir, NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, new DemoTraffic(5, 10, 10_000_000L), 0, 50, before);
        }

        try (EngineHarness harness = EngineHarness.start(dir, NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            final Map<Long, String> after = new TreeMap<>();
            final ReplyListener listener = decision -> after.put(decision.clientSeq(), describe(decision));
            while (client.resendTransaction(7, 0, 0, 0, 0, 0, 100, "EUR", "DE", PaymentChannel.POS) < 0)
            {
                Thread.yield();
            }
            assertTrue(EngineHarness.await(() -> after.containsKey(7L), () -> client.poll(listener, 10), 10_000));
            assertEquals(before.get(7L), after.get(7L));
            assertEquals(0, harness.engine().counters().get(EVENTS_EVALUATED).get() - 50,
                "the retry was not evaluated: only the 50 replayed inputs were");
        }
    }

    @Test
    void tornTailIsCutAndReportedAndTheEngineCarriesOn() throws IOException
    {
        final Map<Long, String> decisions = new TreeMap<>();
        final DemoTraffic traffic = new DemoTraffic(9, 50, 10_000_000L);
        try (EngineHarness harness = EngineHarness.start(dir, NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID))
        {
            send(client, traffic, 0, 100, decisions);
        }

        // Garbage where the next record would go: a write that was torn mid-way.
        final Path segment = onlySegment(dir.resolve("journal"));
        final long end = endOfRecords(dir.resolve("journal"));
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7}), end);
        }

        try (EngineHarness harness = EngineHarness.start(dir, NO_SNAPSHOTS);
            VigilClient client = harness.connect(CLIENT_ID + 1))
        {
            final String report = harness.engine().startupReport();
            assertTrue(report.contains("cut ") && report.contains(
                "the journal now ends at engine seq " + (RULES + 100)), report);
            assertTrue(report.contains("replayed " + (RULES + 100) + " record(s)"), report);
            final Map<Long, String> more = new TreeMap<>();
            send(client, new DemoTraffic(10, 50, 10_000_000L), 0, 10, more);
            assertEquals(10, more.size());
        }
        assertEquals(RULES + 110, journalRecords(dir));
    }

    private static void send(
        final VigilClient client, final DemoTraffic traffic, final int from, final int to, final Map<Long, String> out)
    {
        final ReplyListener listener = decision -> out.put(decision.clientSeq(), describe(decision));
        final int expected = out.size() + (to - from);
        int sent = from;
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        while (sent < to && System.nanoTime() < deadlineNs)
        {
            if (traffic.sendNext(client) > 0)
            {
                sent++;
            }
            client.poll(listener, 100);
        }
        assertTrue(EngineHarness.await(() -> out.size() == expected, () -> client.poll(listener, 100), 30_000),
            () -> out.size() + " decisions of " + expected);
    }

    private static String describe(final DecisionDecoder decision)
    {
        return decision.verdict() + "/" + decision.firedRules() + "/" + decision.engineSeq();
    }

    private static long journalRecords(final Path dataDir)
    {
        final long[] count = {0};
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal"), 1))
        {
            while (reader.poll((seq, time, buffer, offset, length) -> count[0]++, 1000) > 0)
            {
                // read to the end
            }
        }
        return count[0];
    }

    private static long endOfRecords(final Path journalDir)
    {
        final long[] end = {0};
        try (JournalReader reader = JournalReader.open(journalDir, 1))
        {
            while (reader.poll((seq, time, buffer, offset, length) -> end[0] =
                offset - JournalDescriptor.PAYLOAD_OFFSET + JournalDescriptor.alignedRecordLength(length), 1000) > 0)
            {
                // read to the end
            }
        }
        return end[0];
    }

    private static Path onlySegment(final Path journalDir) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).findFirst().orElseThrow();
        }
    }
}
