package dev.vigil.app.engine;

import dev.vigil.app.TestRules;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.journal.SnapshotStore;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;

import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_FAILED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_STREAMED;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_TAKEN;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOT_BYTES;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOT_INLINE_WRITES;
import static dev.vigil.core.counters.EngineCounter.SNAPSHOT_PAUSE_MICROS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineSnapshotsTest
{
    @TempDir
    Path dir;

    @Test
    void theFingerprintFollowsWhatShapesTheStateAndNotTheLookahead()
    {
        final VigilConfig defaults = VigilConfig.defaults();
        final long fingerprint = EngineSnapshots.fingerprint(defaults);

        assertEquals(fingerprint,
            EngineSnapshots.fingerprint(defaults.with(Settings.RULES_LOOKAHEAD.name(), "64")));
        assertEquals(fingerprint, EngineSnapshots.fingerprint(defaults.with(Settings.RULES_LOOKAHEAD.name(), "0")));
        assertTrue(fingerprint != EngineSnapshots.fingerprint(defaults.with(Settings.RULES_MAX_KEYS.name(), "1024")));
        assertTrue(fingerprint !=
            EngineSnapshots.fingerprint(defaults.with(Settings.TIME_OUT_OF_ORDERNESS.name(), "2s")));
        // Where the keyed records live does not shape them: snapshots load whichever it is.
        assertEquals(fingerprint,
            EngineSnapshots.fingerprint(defaults.with(Settings.RULES_STATE_PERSISTED.name(), "true")));
        assertEquals(fingerprint,
            EngineSnapshots.fingerprint(defaults.with(Settings.RULES_STATE_PERSISTED.name(), "false")));
    }

    @Test
    void snapshotsOfEarlierVersionsStillLoad()
    {
        // What earlier versions wrote into snapshots of the default configuration, with the keyed state in files (the
        // default then) and in memory: both load now, and nothing else does.
        final long defaultsWithFiles = 3_796_013_223L;
        final long defaultsInMemory = 1_559_277_943L;
        final VigilConfig defaults = VigilConfig.defaults();
        assertEquals(defaultsWithFiles, EngineSnapshots.fingerprint(defaults), "what snapshots are written with");
        final LongPredicate accepted = EngineSnapshots.acceptedFingerprints(defaults);
        assertTrue(accepted.test(defaultsWithFiles));
        assertTrue(accepted.test(defaultsInMemory));
        assertFalse(accepted.test(EngineSnapshots.fingerprint(defaults.with(Settings.DEDUP_WINDOW.name(), "1024"))));
    }

    @Test
    void aSnapshotSerialisedInMemoryIsTheFileAStreamedOneWouldBe() throws IOException
    {
        final RulesHandler rules = rulesWithState();
        final Path buffered = snapshot(rules, dir.resolve("buffered"), 64 << 20, false);
        final Path streamed = snapshot(rules, dir.resolve("streamed"), 0, true);
        final Path barelyTooSmall = snapshot(rules, dir.resolve("small"), 1024, true);

        assertEquals(buffered.getFileName(), streamed.getFileName());
        assertArrayEquals(Files.readAllBytes(streamed), Files.readAllBytes(buffered));
        assertArrayEquals(Files.readAllBytes(streamed), Files.readAllBytes(barelyTooSmall));
        assertTrue(Files.size(buffered) > 1024, "the state must outgrow the small buffer for the last case");
    }

    @Test
    void theBufferSpansChunksRefusesAStateBeyondItsCapAndIsReusable() throws IOException
    {
        final byte[] state = new byte[(3 << 20) + 5];
        new Random(7).nextBytes(state);
        final SnapshotBuffer buffer = new SnapshotBuffer(4 << 20);
        buffer.write(state, 0, 10);
        buffer.write(state[10]);
        buffer.write(state, 11, state.length - 11);
        assertEquals(state.length, buffer.length());
        assertArrayEquals(state, copyOut(buffer));

        final byte[] oneMore = new byte[1 << 20];
        assertSame(SnapshotBuffer.FULL,
            assertThrows(IOException.class, () -> buffer.write(oneMore, 0, oneMore.length)));
        buffer.reset();
        buffer.write(new byte[]{1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[]{1, 2, 3}, copyOut(buffer));
    }

    @Test
    void theBufferWritesEveryFieldAsDataOutputStreamDoesAcrossChunksAndUpToItsCap() throws IOException
    {
        final Random random = new Random(11);
        final SnapshotBuffer buffer = new SnapshotBuffer(3 << 20);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream reference = new DataOutputStream(expected);
        for (int i = 0; expected.size() < (5 << 19); i++)
        {
            final long value = random.nextLong();
            switch (i % 7)
            {
                case 0 -> field(buffer, reference, out -> out.writeLong(value));
                case 1 -> field(buffer, reference, out -> out.writeInt((int)value));
                case 2 -> field(buffer, reference, out -> out.writeByte((int)value));
                case 3 -> field(buffer, reference, out -> out.writeBoolean(value < 0));
                case 4 -> field(buffer, reference, out -> out.writeShort((int)value));
                case 5 -> field(buffer, reference, out -> out.write(new byte[(int)(value & 0xFF)]));
                default -> field(buffer, reference, out -> out.writeUTF("ü" + value));
            }
        }
        assertTrue(buffer.length() > 2 << 20, "spans chunks");
        assertArrayEquals(expected.toByteArray(), copyOut(buffer));

        // A field that does not fit under the cap is refused, whatever its size.
        final SnapshotBuffer small = new SnapshotBuffer(13);
        small.writeLong(1);
        small.writeInt(2);
        assertSame(SnapshotBuffer.FULL, assertThrows(IOException.class, () -> small.writeInt(3)));
        small.reset();
        small.writeByte(7);
        small.writeLong(8);
        small.writeInt(9);
        assertEquals(13, small.length());
        assertSame(SnapshotBuffer.FULL, assertThrows(IOException.class, () -> small.writeByte(10)));
    }

    /** A field written both ways. */
    @FunctionalInterface
    private interface Field
    {
        void write(DataOutput out) throws IOException;
    }

    private static void field(final SnapshotBuffer buffer, final DataOutputStream reference, final Field field)
        throws IOException
    {
        field.write(buffer);
        field.write(reference);
    }

    @Test
    void aBufferTheJvmHasNoMoreDirectMemoryForRefusesTheStateAndKeepsWhatItHeld() throws IOException
    {
        final int[] allocated = {0};
        final SnapshotBuffer buffer = new SnapshotBuffer(64 << 20, bytes ->
        {
            if (allocated[0] == 2)
            {
                throw new OutOfMemoryError("Cannot reserve " + bytes + " bytes of direct buffer memory");
            }
            allocated[0]++;
            return ByteBuffer.allocateDirect(bytes);
        });
        final byte[] twoChunks = new byte[2 << 20];
        buffer.write(twoChunks, 0, twoChunks.length);

        assertSame(SnapshotBuffer.FULL, assertThrows(IOException.class, () -> buffer.write(1)));

        buffer.reset();
        buffer.write(twoChunks, 0, twoChunks.length);
        assertEquals(twoChunks.length, buffer.length());
        assertEquals(2, allocated[0]);
    }

    private static byte[] copyOut(final SnapshotBuffer buffer) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        buffer.writeTo(Channels.newChannel(bytes), new CRC32C(), 0, buffer.length());
        return bytes.toByteArray();
    }

    /**
     * Take one snapshot and check what its counters say: taken, streamed or not, the file's size, the pause.
     */
    private static Path snapshot(
        final RulesHandler rules, final Path dataDir, final int bufferBytes, final boolean streamed)
        throws IOException
    {
        final VigilConfig config = VigilConfig.defaults()
            .with(Settings.DATA_DIR.name(), dataDir.toString())
            .with(Settings.SNAPSHOT_BUFFER_BYTES.name(), Integer.toString(bufferBytes));
        final List<Throwable> errors = new ArrayList<>();
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final long pauseNs;
        try (EngineSnapshots snapshots = new EngineSnapshots(config, counters, errors::add))
        {
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            pauseNs = snapshots.lastDurationNs();
            assertEquals(pauseNs / 1000, counters.get(SNAPSHOT_PAUSE_MICROS).get());
            snapshots.finishInProgress(rules);
        }
        assertEquals(List.of(), errors);
        assertEquals(1, counters.get(SNAPSHOTS_TAKEN).get());
        assertEquals(streamed ? 1 : 0, counters.get(SNAPSHOTS_STREAMED).get());
        assertTrue(pauseNs / 1000 <= counters.get(SNAPSHOT_PAUSE_MICROS).get());
        try (var files = Files.list(dataDir.resolve("snapshots")))
        {
            final List<Path> snapshots = files.toList();
            assertEquals(1, snapshots.size(), snapshots.toString());
            assertEquals(Files.size(snapshots.get(0)), counters.get(SNAPSHOT_BYTES).get());
            return snapshots.get(0);
        }
    }

    /** The default rules after a few hundred payments of many accounts, with windows open. */
    private static RulesHandler rulesWithState()
    {
        final RulesHandler rules = new RulesStageContext(VigilConfig.defaults()).newHandler();
        feed(rules, 1, 500, 97);
        return rules;
    }

    /** Payments {@code [from, to]} over the given number of accounts (and about as many cards). */
    private static void feed(final RulesHandler rules, final int from, final int to, final int accounts)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final TransactionEncoder transaction = new TransactionEncoder();
        final RingEvent event = new RingEvent(256);
        for (int i = from; i <= to; i++)
        {
            transaction.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()).clientId(1).clientSeq(i)
                .eventTimeNs(1_767_225_600_000_000_000L + i * 100_000_000L).clientSendTimeNs(0).txnId(i)
                .accountId(i % accounts).cardId(i % (accounts - 8)).merchantId(i % 13).amountMinor(100 + i)
                .currency("EUR").country(i % 7 == 0 ? "FR" : "DE").channel(PaymentChannel.ECOM);
            event.resetForFrame(FrameKind.EVENT, frame, 0,
                MessageHeaderEncoder.ENCODED_LENGTH + transaction.encodedLength(), 1, i, 0);
            event.identify(TransactionDecoder.TEMPLATE_ID, 1, i);
            rules.onEvent(event, i, true);
        }
    }

    @Test
    void aSnapshotCopiedWhileTheRulesWriteIsTheStateAtItsPointAndLoadsBackToIt() throws IOException
    {
        final VigilConfig config = VigilConfig.defaults()
            .with(Settings.DATA_DIR.name(), dir.resolve("engine").toString())
            .with(Settings.RULES_MAX_KEYS.name(), "8192")
            .with(Settings.SNAPSHOT_WRITE_BUFFER_BYTES.name(), "16384");
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final RulesHandler rules = new RulesStageContext(config)
            .counters(counters)
            .stores(RuleSetFactory.engineStateStores(config))
            .newHandler();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try
        {
            feed(rules, 1, 3_000, 2_000);
            final byte[] atPoint = state(rules);
            final Path file;
            int eventsDuringCopy = 0;
            try (EngineSnapshots snapshots = new EngineSnapshots(config, counters, errors::add))
            {
                assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
                assertTrue(rules.isSnapshotInProgress());
                assertTrue(snapshots.lastDurationNs() / 1000 <= counters.get(SNAPSHOT_PAUSE_MICROS).get());
                // The rules go on over the same keys while the copy runs in their duty cycles.
                int seq = 3_000;
                final long deadlineNs = System.nanoTime() + 60_000_000_000L;
                while (counters.get(SNAPSHOTS_TAKEN).get() == 0 && System.nanoTime() < deadlineNs)
                {
                    if (rules.isSnapshotInProgress())
                    {
                        eventsDuringCopy++;
                    }
                    seq++;
                    feed(rules, seq, seq, 2_000);
                    rules.doDutyCycle();
                    Thread.yield();
                }
                assertEquals(1, counters.get(SNAPSHOTS_TAKEN).get(), "written in time");
                assertTrue(counters.get(SNAPSHOT_INLINE_WRITES).get() > 0, "writes found the buffer full of copies");
                file = snapshots.store().newestFirst().get(0);
                assertEquals(Files.size(file), counters.get(SNAPSHOT_BYTES).get());
            }
            assertEquals(List.of(), errors);
            assertEquals(0, counters.get(SNAPSHOTS_FAILED).get());
            assertTrue(eventsDuringCopy > 0, "events ran while the records were copied");

            final RulesHandler loaded = new RulesStageContext(config).newHandler();
            final EngineSnapshots reader = new EngineSnapshots(config, RuleSetFactory.offlineCounters(), errors::add);
            assertNull(reader.store().load(file, reader.fingerprint(), loaded::readState));
            reader.close();
            assertArrayEquals(atPoint, state(loaded), "the snapshot holds the state at its point, byte for byte");
        }
        finally
        {
            rules.keyedState().close();
        }
    }

    @Test
    void aSnapshotGivenUpLeavesNoFileAndOnlyAFailureIsCounted() throws IOException
    {
        final VigilConfig config = VigilConfig.defaults().with(Settings.DATA_DIR.name(), dir.toString());
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final RulesHandler rules = rulesWithState();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (EngineSnapshots snapshots = new EngineSnapshots(config, counters, errors::add))
        {
            // Superseded from the stage's side (a clean stop taking a newer one): no file, no failure.
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            assertTrue(rules.isSnapshotInProgress());
            rules.abandonSnapshot();
            snapshots.finishInProgress(rules);
            assertEquals(0, counters.get(SNAPSHOTS_TAKEN).get());
            assertEquals(0, counters.get(SNAPSHOTS_FAILED).get());
            assertEquals(List.of(), files(dir.resolve("snapshots")));

            // Superseded after its file was begun: closed and deleted off the rules thread, waited for at the stop.
            feed(rules, 501, 505, 97);
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            for (int cycle = 0; cycle < 3; cycle++)
            {
                rules.doDutyCycle();
            }
            assertTrue(rules.isSnapshotInProgress());
            assertEquals(1, files(dir.resolve("snapshots")).size(), "its temporary file");
            rules.abandonSnapshot();
            snapshots.finishInProgress(rules);
            assertEquals(List.of(), files(dir.resolve("snapshots")));
            assertEquals(0, counters.get(SNAPSHOTS_FAILED).get());

            // Then one whose file cannot be created (a file where the directory should be): the point passes without
            // a file system call, and the first write fails it: counted once, reported, and the copy stops.
            feed(rules, 506, 510, 97);
            Files.delete(dir.resolve("snapshots"));
            Files.writeString(dir.resolve("snapshots"), "not a directory");
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            assertTrue(rules.isSnapshotInProgress());
            for (int cycle = 0; cycle < 100 && rules.isSnapshotInProgress(); cycle++)
            {
                rules.doDutyCycle();
            }
            assertFalse(rules.isSnapshotInProgress(), "the copy stopped");
            assertEquals(1, counters.get(SNAPSHOTS_FAILED).get());
            assertEquals(1, errors.size(), errors.toString());

            // A directory gone while the engine runs is made again by the next snapshot's first write.
            Files.delete(dir.resolve("snapshots"));
            feed(rules, 521, 530, 97);
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            snapshots.finishInProgress(rules);
            assertEquals(1, counters.get(SNAPSHOTS_TAKEN).get());
            assertEquals(1, files(dir.resolve("snapshots")).size());
        }
    }

    @Test
    void aStateThatCannotBeSerialisedGivesThatSnapshotUpCountedAndTheNextPointWorks() throws IOException
    {
        final VigilConfig config = VigilConfig.defaults()
            .with(Settings.DATA_DIR.name(), dir.toString())
            .with(Settings.RULES_FILE.name(), TestRules.write(dir, "rules.yaml", TestRules.amountThreshold(1_000_000) +
                "  - id: 5\n" +
                "    name: unwritable\n" +
                "    type: custom\n" +
                "    class: dev.vigil.app.rules.custom.UnwritableStateRule\n" +
                "    parameters: {failed-writes: 1}\n" +
                "    action: alert_only\n").toString());
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final RulesHandler rules = new RulesStageContext(config).counters(counters).newHandler();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (EngineSnapshots snapshots = new EngineSnapshots(config, counters, errors::add))
        {
            feed(rules, 1, 20, 10);
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules), "the point is passed, not thrown");
            assertFalse(rules.isSnapshotInProgress());
            assertEquals(1, counters.get(SNAPSHOTS_FAILED).get());
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0) instanceof IllegalStateException, errors.toString());

            feed(rules, 21, 30, 10);
            assertTrue(snapshots.takeSnapshot(rules.lastEngineSeq(), rules));
            snapshots.finishInProgress(rules);
            assertEquals(1, counters.get(SNAPSHOTS_TAKEN).get(), "the writer was left free for the next point");
            assertEquals(1, files(dir.resolve("snapshots")).size());
        }
    }

    @Test
    void temporaryFilesACrashLeftAreDeletedAtStartAndWholeSnapshotsKept() throws IOException
    {
        final Path snapshots = Files.createDirectories(dir.resolve("snapshots"));
        final Path cutShort = Files.writeString(snapshots.resolve("snapshot-00000000000000000700.snap.tmp"), "cut");
        final Path whole = Files.writeString(snapshots.resolve("snapshot-00000000000000000600.snap"), "whole");
        final Path other = Files.writeString(snapshots.resolve("notes.tmp"), "not ours");
        final VigilConfig config = VigilConfig.defaults().with(Settings.DATA_DIR.name(), dir.toString());
        new EngineSnapshots(config, RuleSetFactory.offlineCounters(), ex -> { }).close();
        assertFalse(Files.exists(cutShort));
        assertTrue(Files.exists(whole));
        assertTrue(Files.exists(other));
    }

    @Test
    void theWriterPutsHeaderStateThenEntriesInTheFileAndWritesAFullBufferBeforeAWrite() throws IOException
    {
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final List<Path> written = new ArrayList<>();
        final List<IOException> failures = new ArrayList<>();
        final List<Runnable> syncs = new ArrayList<>();
        final SnapshotFileWriter writer = new SnapshotFileWriter(
            4096, 1000, counters.get(SNAPSHOT_INLINE_WRITES), counters.get(SNAPSHOT_PAUSE_MICROS),
            outcome(written, failures), syncs::add, 8192);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 3);
        final SnapshotBuffer state = new SnapshotBuffer(1 << 24);
        final byte[] stateBytes = new byte[10_000];
        new Random(7).nextBytes(stateBytes);
        state.write(stateBytes);
        final UnsafeBuffer record = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1000, 64));
        final Path temporary = store.prepareTemporary(42);
        writer.open(temporary, 42, 0xF00DL, state);
        writer.expect(10);
        assertTrue(writer.isWriting());

        // A copy step takes no record while the header and the state are not all in the file: it writes a piece
        // (half the buffer, for a buffer this small).
        record.putLong(0, 0L);
        assertFalse(writer.offer(1, 0, 100L, record.addressOffset(), 1000));
        assertEquals(SnapshotStore.HEADER_LENGTH + 2048, Files.size(temporary));
        // Writes of records not yet copied fill the buffer (four entries of 1,016 bytes), and the fifth finds it
        // full: the rest of the state and the buffer go first, counted.
        for (int i = 0; i < 4; i++)
        {
            record.putLong(0, i);
            assertTrue(writer.put(1, i, 100L + i, record.addressOffset(), 1000));
        }
        assertEquals(0, counters.get(SNAPSHOT_INLINE_WRITES).get());
        record.putLong(0, 4);
        assertTrue(writer.put(2, 4, 104L, record.addressOffset(), 1000));
        assertEquals(1, counters.get(SNAPSHOT_INLINE_WRITES).get());
        assertEquals(SnapshotStore.HEADER_LENGTH + 10_000 + 4 * 1016, Files.size(temporary));
        // Past 8 KiB written, the syncer is asked to start their write-back; none more until it has run.
        assertEquals(1, syncs.size());
        syncs.get(0).run();
        // Copy steps take records until a piece waits to be written; the next step writes it instead.
        int piecesWritten = 0;
        for (int i = 5; i < 10; i++)
        {
            record.putLong(0, i);
            int tries = 0;
            while (!writer.offer(1, i, 100L + i, record.addressOffset(), 1000))
            {
                assertTrue(++tries < 3, "a step that wrote leaves room for the next");
                piecesWritten++;
            }
        }
        assertTrue(piecesWritten > 0);
        assertEquals(2, syncs.size(), "one more once 8 KiB more were written");
        assertFalse(writer.isWriting(), "the last record announced closes the file");
        assertEquals(List.of(temporary), written);
        assertEquals(List.of(), failures);

        final Path file = store.publish(temporary);
        final String rejected = store.load(file, 0xF00DL, in ->
        {
            final byte[] readState = new byte[10_000];
            in.readFully(readState);
            assertArrayEquals(stateBytes, readState);
            for (int i = 0; i < 10; i++)
            {
                assertEquals(i == 4 ? 2 : 1, in.readInt());
                assertEquals(i, in.readInt());
                assertEquals(100L + i, in.readLong());
                final byte[] bytes = new byte[1000];
                in.readFully(bytes);
                assertEquals(i, new UnsafeBuffer(bytes).getLong(0));
            }
        });
        assertNull(rejected, "whole, checksummed, and the engine sequence in its name");
        assertEquals(42, SnapshotStore.sequenceOf(file));
    }

    @Test
    void stepsWaitForTheDiskWhileAWriteBackRunsAndAsMuchAgainWasWritten() throws IOException
    {
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final List<Path> written = new ArrayList<>();
        final List<Runnable> syncs = new ArrayList<>();
        final SnapshotFileWriter writer = new SnapshotFileWriter(
            4096, 1000, counters.get(SNAPSHOT_INLINE_WRITES), counters.get(SNAPSHOT_PAUSE_MICROS),
            outcome(written, new ArrayList<>()), syncs::add, 2048);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 3);
        final SnapshotBuffer state = new SnapshotBuffer(1 << 24);
        state.write(new byte[10_000]);
        final UnsafeBuffer record = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1000, 64));
        final Path temporary = store.prepareTemporary(9);
        writer.open(temporary, 9, 1L, state);
        writer.expect(1);

        assertFalse(writer.offer(1, 0, 0L, record.addressOffset(), 1000));
        assertEquals(1, syncs.size(), "2 KiB written: a write-back begins");
        assertFalse(writer.offer(1, 0, 0L, record.addressOffset(), 1000));
        final long size = Files.size(temporary);
        assertEquals(SnapshotStore.HEADER_LENGTH + 4096, size);
        assertFalse(writer.offer(1, 0, 0L, record.addressOffset(), 1000));
        assertEquals(size, Files.size(temporary), "as much again written while it runs: the step waits");
        assertEquals(2, writer.takeWritesDone(), "two steps wrote, the third did nothing");

        syncs.get(0).run();
        assertFalse(writer.offer(1, 0, 0L, record.addressOffset(), 1000));
        assertEquals(2, syncs.size(), "the next write-back begins, and the step writes");
        assertTrue(Files.size(temporary) > size);
        // A write to a record not yet copied never waits for the disk.
        assertTrue(writer.put(1, 0, 0L, record.addressOffset(), 1000));
        assertEquals(List.of(temporary), written);
    }

    @Test
    void aWriteThatFailsGivesTheSnapshotUpDeletesItsFileAndSaysWhy() throws IOException
    {
        final EngineCounters counters = RuleSetFactory.offlineCounters();
        final List<Path> written = new ArrayList<>();
        final List<IOException> failures = new ArrayList<>();
        final SnapshotFileWriter writer = new SnapshotFileWriter(
            4096, 1000, counters.get(SNAPSHOT_INLINE_WRITES), counters.get(SNAPSHOT_PAUSE_MICROS),
            outcome(written, failures), Runnable::run, SnapshotFileWriter.SYNC_BYTES);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 3);
        final UnsafeBuffer record = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1000, 64));
        final Path temporary = store.prepareTemporary(7);
        writer.open(temporary, 7, 1L, new SnapshotBuffer(1 << 20));
        writer.expect(5);
        // The file is created at the first write: a file where its directory should be by then fails it.
        Files.delete(dir.resolve("snapshots"));
        Files.writeString(dir.resolve("snapshots"), "not a directory");
        assertFalse(writer.offer(1, 0, 0L, record.addressOffset(), 1000));
        assertTrue(writer.isAbandoned());
        assertFalse(writer.isWriting());
        assertEquals(1, failures.size());
        assertEquals(List.of(), written);
        assertFalse(writer.put(1, 1, 1L, record.addressOffset(), 1000), "nothing more is taken");

        // The next snapshot starts afresh, over a longer temporary file of its sequence that a crash left.
        Files.delete(dir.resolve("snapshots"));
        Files.createDirectories(dir.resolve("snapshots"));
        final Path next = store.temporaryFile(8);
        Files.write(next, new byte[100_000]);
        writer.open(next, 8, 1L, new SnapshotBuffer(1 << 20));
        writer.expect(0);
        assertEquals(List.of(next), written, "no records: whole at once");
        assertNull(store.check(store.publish(next)));
    }

    private static SnapshotFileWriter.Outcome outcome(final List<Path> written, final List<IOException> failures)
    {
        return new SnapshotFileWriter.Outcome()
        {
            @Override
            public void written(final Path temporary, final FileChannel channel)
            {
                SnapshotFileWriter.closeQuietly(channel);
                written.add(temporary);
            }

            @Override
            public void failed(final Path temporary, final IOException cause)
            {
                failures.add(cause);
            }
        };
    }

    private static byte[] state(final RulesHandler rules) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rules.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static List<Path> files(final Path directory) throws IOException
    {
        try (var list = Files.list(directory))
        {
            return list.toList();
        }
    }
}
