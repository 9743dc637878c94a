package dev.vigil.app.engine;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.pipeline.EngineCounters;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        buffer.copyTo(new DataOutputStream(bytes), new byte[1000]);
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
            assertEquals(pauseNs / 1000, counters.snapshotPauseMicros().get());
            snapshots.finishInProgress(rules);
        }
        assertEquals(List.of(), errors);
        assertEquals(1, counters.snapshotsTaken().get());
        assertEquals(streamed ? 1 : 0, counters.snapshotsStreamed().get());
        assertTrue(pauseNs / 1000 <= counters.snapshotPauseMicros().get());
        try (var files = Files.list(dataDir.resolve("snapshots")))
        {
            final List<Path> snapshots = files.toList();
            assertEquals(1, snapshots.size(), snapshots.toString());
            assertEquals(Files.size(snapshots.get(0)), counters.snapshotBytes().get());
            return snapshots.get(0);
        }
    }

    /** The default rules after a few hundred payments of many accounts, with windows open. */
    private static RulesHandler rulesWithState()
    {
        final RulesHandler rules = RuleSetFactory.offlineRulesHandler(VigilConfig.defaults());
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final TransactionEncoder transaction = new TransactionEncoder();
        final RingEvent event = new RingEvent(256);
        for (int i = 1; i <= 500; i++)
        {
            transaction.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()).clientId(1).clientSeq(i)
                .eventTimeNs(1_767_225_600_000_000_000L + i * 100_000_000L).clientSendTimeNs(0).txnId(i)
                .accountId(i % 97).cardId(i % 89).merchantId(i % 13).amountMinor(100 + i).currency("EUR")
                .country("DE").channel(PaymentChannel.ECOM);
            event.resetForFrame(FrameKind.EVENT, frame, 0,
                MessageHeaderEncoder.ENCODED_LENGTH + transaction.encodedLength(), 1, i, 0);
            event.identify(TransactionDecoder.TEMPLATE_ID, 1, i);
            rules.onEvent(event, i, true);
        }
        return rules;
    }
}
