package dev.vigil.core.stage.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.TestCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.EveryRuleType;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.state.RecordEntryDescriptor;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.vigil.core.counters.EngineCounter.SNAPSHOTS_DEFERRED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot whose keyed records are copied while the rules go on writing them (every rule type, state in persisted
 * Chronicle Map files): restored, it is byte for byte the state at its point, and the stage that went on decides
 * exactly as one that never snapshotted. Points that come during a copy are deferred to its end; a copy the sink
 * gives up stops, and the rules run on.
 */
@Timeout(120)
class SnapshotCopyOnWriteTest
{
    private static final long SEC = 1_000_000_000L;
    private static final int EVENTS = 8_000;
    private static final int SPLIT = 3_000;
    private static final int ACCOUNTS = 400;
    private static final long CLIENT_ID = 5;

    private final TestFrames frames = new TestFrames();
    private final RingEvent event = new RingEvent(256);
    private final List<KeyedStateStores> opened = new ArrayList<>();
    private EngineCounters counters;

    @TempDir
    Path dir;

    @AfterEach
    void closeStores()
    {
        opened.forEach(KeyedStateStores::close);
    }

    @Test
    void aSnapshotCopiedWhileTheRulesWriteRestoresTheStateAtItsPoint() throws IOException
    {
        final RulesHandler uninterrupted = newStage("uninterrupted");
        final List<String> expected = run(uninterrupted, 1, EVENTS);

        final RulesHandler writing = newStage("writing");
        final List<String> decisions = new ArrayList<>(run(writing, 1, SPLIT));
        final byte[] atPoint = StageState.write(writing);

        final ByteArrayOutputStream file = new ByteArrayOutputStream();
        final QueueSink sink = new QueueSink(16, file);
        final long records = writing.beginSnapshot(new DataOutputStream(file), sink);
        assertTrue(writing.isSnapshotInProgress());
        assertTrue(records > ACCOUNTS, "records of several stores: " + records);
        assertThrows(IllegalStateException.class, () -> writing.beginSnapshot(new DataOutputStream(file), sink));

        // The rules write while the copy goes on in duty cycles, the sink's writer draining at its own pace.
        final SplittableRandom random = new SplittableRandom(5);
        long inProgressUntil = SPLIT;
        for (long seq = SPLIT + 1; seq <= EVENTS; seq++)
        {
            decisions.addAll(run(writing, seq, seq));
            if (random.nextInt(6) == 0)
            {
                writing.doDutyCycle();
            }
            if (random.nextInt(3) == 0)
            {
                sink.drain(1 + random.nextInt(3));
            }
            if (writing.isSnapshotInProgress())
            {
                inProgressUntil = seq;
            }
        }
        assertTrue(inProgressUntil > SPLIT + 500, "the copy ran beside the rules until " + inProgressUntil);
        assertTrue(sink.waits > 0 && sink.puts > 0 && sink.offers > 0,
            "copies before writes (" + sink.puts + ", " + sink.waits + " waited) and in steps (" + sink.offers + ")");
        writing.finishSnapshot();
        assertFalse(writing.isSnapshotInProgress());
        sink.drain(Integer.MAX_VALUE);
        assertEquals(records, sink.written);

        final RulesHandler restored = newStage("restored");
        run(restored, 1, 100);
        StageState.read(restored, file.toByteArray());
        assertEquals(SPLIT, restored.lastEngineSeq());
        assertArrayEquals(atPoint, StageState.write(restored), "restored: the state at the point, byte for byte");

        assertEquals(expected, decisions, "the stage that went on decides as one that never snapshotted");
        final List<String> afterRestore = run(restored, SPLIT + 1, EVENTS);
        assertEquals(expected.subList(SPLIT, EVENTS), afterRestore);
        final byte[] end = StageState.write(uninterrupted);
        assertArrayEquals(end, StageState.write(writing));
        assertArrayEquals(end, StageState.write(restored));
    }

    @Test
    void aPointDuringACopyIsDeferredToItsEndAndPointsComingMeanwhileMakeOneSnapshot() throws IOException
    {
        final RulesHandler stage = newStage("deferred");
        final List<Long> taken = new ArrayList<>();
        final QueueSink sink = new QueueSink(4, new ByteArrayOutputStream());
        stage.snapshotTaker((engineSeq, state) ->
        {
            try
            {
                state.beginSnapshot(new DataOutputStream(new ByteArrayOutputStream()), sink);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            taken.add(engineSeq);
            return true;
        });
        run(stage, 1, 200);
        point(stage, 200);
        assertEquals(List.of(200L), taken);
        assertTrue(stage.isSnapshotInProgress());

        run(stage, 201, 300);
        point(stage, 300);
        run(stage, 301, 400);
        point(stage, 400);
        assertEquals(List.of(200L), taken, "no snapshot begins while one is copied");
        assertEquals(2, counters.get(SNAPSHOTS_DEFERRED).get());

        int cycles = 0;
        while (stage.isSnapshotInProgress())
        {
            sink.drain(Integer.MAX_VALUE);
            stage.doDutyCycle();
            assertTrue(++cycles < 10_000);
        }
        assertEquals(1, stage.doDutyCycle(), "the deferred snapshot begins");
        assertEquals(List.of(200L, 400L), taken);
        sink.drain(Integer.MAX_VALUE);
        stage.finishSnapshot();
        assertEquals(0, stage.doDutyCycle());
        assertEquals(List.of(200L, 400L), taken);
    }

    @Test
    void aCopyTheSinkGivesUpStopsAndTheRulesRunOnAsIfNoneHadBegun() throws IOException
    {
        final RulesHandler uninterrupted = newStage("plain");
        final List<String> expected = run(uninterrupted, 1, 2_000);

        final RulesHandler stage = newStage("given-up");
        final List<String> decisions = new ArrayList<>(run(stage, 1, 1_000));
        final QueueSink sink = new QueueSink(8, new ByteArrayOutputStream());
        stage.beginSnapshot(new DataOutputStream(new ByteArrayOutputStream()), sink);
        decisions.addAll(run(stage, 1_001, 1_100));
        sink.giveUp = true;
        decisions.addAll(run(stage, 1_101, 1_500));
        // The cycle after input leaves the copy be; the next, with none, steps.
        stage.doDutyCycle();
        stage.doDutyCycle();
        assertFalse(stage.isSnapshotInProgress(), "writes and a step found the sink given up, and the copy stopped");
        decisions.addAll(run(stage, 1_501, 2_000));
        assertEquals(expected, decisions);
        assertArrayEquals(StageState.write(uninterrupted), StageState.write(stage));

        // Closing the stores gives up a copy in progress, and tells its sink.
        final QueueSink next = new QueueSink(8, new ByteArrayOutputStream());
        stage.beginSnapshot(new DataOutputStream(new ByteArrayOutputStream()), next);
        stage.keyedState().close();
        assertTrue(next.abandoned);
        assertFalse(stage.isSnapshotInProgress());
    }

    @Test
    void copyStepsRunWhenTheStageHadNoInputAndUnderSteadyInputOneCycleInSixteen() throws IOException
    {
        final RulesHandler stage = newStage("idle-steps");
        run(stage, 1, 1_000);
        final QueueSink sink = new QueueSink(Integer.MAX_VALUE, new ByteArrayOutputStream());
        stage.beginSnapshot(new DataOutputStream(new ByteArrayOutputStream()), sink);
        assertTrue(stage.isSnapshotInProgress());

        long seq = 1_000;
        for (int cycle = 1; cycle < RulesHandler.BUSY_CYCLES_PER_COPY_STEP; cycle++)
        {
            run(stage, ++seq, seq);
            assertEquals(0, stage.doDutyCycle(), "a cycle after input copies nothing");
        }
        final long offersBefore = sink.offers;
        run(stage, ++seq, seq);
        assertTrue(stage.doDutyCycle() > 0, "the sixteenth busy cycle in a row steps");
        assertTrue(sink.offers > offersBefore);

        run(stage, ++seq, seq);
        assertEquals(0, stage.doDutyCycle());
        final long offersAfterInput = sink.offers;
        assertTrue(stage.doDutyCycle() > 0, "a cycle without input steps");
        assertTrue(sink.offers > offersAfterInput);
        stage.finishSnapshot();
    }

    private void point(final RulesHandler stage, final long lastEngineSeq)
    {
        event.resetForFrame(FrameKind.SNAPSHOT, frames.buffer(), 0, 0, 0, lastEngineSeq, 0);
        stage.onEvent(event, lastEngineSeq, true);
    }

    private RulesHandler newStage(final String stateDir)
    {
        final RuleSet rules = EveryRuleType.ruleSet(4_096);
        counters = TestCounters.engineCounters();
        final RulesHandler stage = new RulesHandler(
            new RuleEvaluator(rules, Verdict.REVIEW), new DecisionDedup(64), counters, new CachedNanoClock());
        try
        {
            final KeyedStateStores stores =
                new KeyedStateStores(rules, 4_096, 4_096, KeyedStateStores.persistedIn(dir.resolve(stateDir)));
            opened.add(stores);
            stage.keyedState(stores);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return stage;
    }

    /** A seeded stream of payments and orders over {@value #ACCOUNTS} accounts; a few requests are retries. */
    private List<String> run(final RulesHandler stage, final long fromSeq, final long toSeq)
    {
        final List<String> decisions = new ArrayList<>();
        for (long seq = fromSeq; seq <= toSeq; seq++)
        {
            final long clientSeq = seq % 97 == 0 ? seq - 3 : seq;
            final SplittableRandom draw = new SplittableRandom(clientSeq);
            final long account = 1 + draw.nextInt(ACCOUNTS);
            final long timeNs = clientSeq * SEC / 5;
            final boolean order = draw.nextInt(3) == 0;
            final int length = order ?
                frames.order(CLIENT_ID, clientSeq, timeNs, account, 1_000 + draw.nextInt(200), 1 + draw.nextInt(9),
                    Side.BUY, OrderType.LIMIT) :
                frames.transaction(CLIENT_ID, clientSeq, timeNs, account, 100 + draw.nextInt(120_000), "EUR",
                    draw.nextInt(10) == 0 ? "FR" : "DE");
            event.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, seq);
            event.identify(order ? OrderDecoder.TEMPLATE_ID : TransactionDecoder.TEMPLATE_ID, CLIENT_ID, clientSeq);
            stage.onEvent(event, seq, true);
            decisions.add(seq + ":" + event.verdict() + "/" + event.firedRules() + "/" + event.decisionEngineSeq());
        }
        return decisions;
    }

    /**
     * Holds a few entries, as a bounded sink does, and writes them to the file when drained; a copy before a write into
     * a full sink waits, and one entry is drained, as the snapshot writer writes out its full buffer.
     */
    private static final class QueueSink implements RecordCopySink
    {
        private final int capacity;
        private final ArrayDeque<byte[]> held = new ArrayDeque<>();
        private final ByteArrayOutputStream file;
        private long written;
        private long offers;
        private long puts;
        private long waits;
        private boolean giveUp;
        private boolean abandoned;

        QueueSink(final int capacity, final ByteArrayOutputStream file)
        {
            this.capacity = capacity;
            this.file = file;
        }

        @Override
        public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            if (giveUp || held.size() == capacity)
            {
                return false;
            }
            offers++;
            hold(storeId, ordinal, key, address, length);
            return true;
        }

        @Override
        public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            if (giveUp)
            {
                return false;
            }
            puts++;
            if (held.size() == capacity)
            {
                waits++;
                drain(1);
            }
            hold(storeId, ordinal, key, address, length);
            return true;
        }

        private void hold(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            final byte[] entry = new byte[RecordEntryDescriptor.entryLength(length)];
            final UnsafeBuffer buffer = new UnsafeBuffer(entry);
            buffer.putInt(RecordEntryDescriptor.STORE_ID_OFFSET, storeId, RecordEntryDescriptor.BYTE_ORDER);
            buffer.putInt(RecordEntryDescriptor.ORDINAL_OFFSET, ordinal, RecordEntryDescriptor.BYTE_ORDER);
            buffer.putLong(RecordEntryDescriptor.KEY_OFFSET, key, RecordEntryDescriptor.BYTE_ORDER);
            buffer.putBytes(RecordEntryDescriptor.HEADER_LENGTH, new UnsafeBuffer(address, length), 0, length);
            held.add(entry);
        }

        void drain(final int entries)
        {
            for (int i = 0; i < entries && !held.isEmpty(); i++)
            {
                file.writeBytes(held.poll());
                written++;
            }
        }

        @Override
        public boolean isAbandoned()
        {
            return giveUp || abandoned;
        }

        @Override
        public void abandon()
        {
            abandoned = true;
        }
    }
}
