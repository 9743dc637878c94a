package dev.vigil.core.stage.rules;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.vigil.codecs.MessageHeaderDecoder;
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
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.state.RecordCopySink;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.RULE_STATE_FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With every rule type enabled and keyed state in persisted Chronicle Map files over a million distinct keys, the
 * steady state — every key already known, keys revisited at random — allocates nothing per event, also while a
 * snapshot's records are being copied (copies before writes, copy steps between batches). Events go through a ring
 * with the stage looking ahead over them, as in the engine.
 */
@Tag("slow") // a million keys in Chronicle Map files, a million events measured
@Timeout(300)
class KeyedStateAllocationTest
{
    private static final int KEYS = 1 << 20;
    private static final long CLIENT_ID = 3;
    private static final int MEASURED_EVENTS = 1_000_000;
    // One allocation per event would be >= 16 MB here; a one-off kilobyte is not a steady-state cost.
    private static final long MAX_ALLOCATED_BYTES = 16 * 1024;
    private static final ByteOrder ORDER = TransactionDecoder.BYTE_ORDER;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;

    @TempDir
    Path dir;

    private final TestFrames frames = new TestFrames();
    private final UnsafeBuffer transaction = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final UnsafeBuffer order = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final RingBuffer<RingEvent> ring =
        RingBuffer.createSingleProducer(() -> new RingEvent(256), 64, new YieldingWaitStrategy());
    private int transactionLength;
    private int orderLength;
    private long seq;

    @Test
    void steadyStateOverAMillionKeysAllocatesNothingPerEvent() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation accounting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        final EngineCounters counters = TestCounters.engineCounters();
        final RuleSet rules = EveryRuleType.ruleSet(KEYS);
        try (KeyedStateStores stores = new KeyedStateStores(rules, KEYS, 4_096, KeyedStateStores.persistedIn(dir)))
        {
            final RulesHandler stage = new RulesHandler(
                new RuleEvaluator(rules, Verdict.REVIEW), new DecisionDedup(1024), counters, new CachedNanoClock());
            stage.keyedState(stores);
            stage.lookAhead(ring, 16);
            transactionLength = frames.transaction(transaction, 0, CLIENT_ID, 1, 0, 1, 1_250);
            orderLength = frames.order(order, 0, CLIENT_ID, 1, 0, 1, 10_000, 10, Side.BUY, OrderType.LIMIT);

            // Every key once: the inserts, which may allocate inside Chronicle.
            for (int key = 1; key <= KEYS; key++)
            {
                drive(stage, key);
            }
            assertEquals(KEYS, stores.store(StateKey.ACCOUNT).size());
            assertEquals(KEYS, stores.store(StateKey.ACCOUNT_ORDERS).size());
            assertEquals(KEYS, stores.store(StateKey.CARD).size());
            assertEquals(KEYS, stores.store(StateKey.ACCOUNT_INSTRUMENT).size());

            final SplittableRandom random = new SplittableRandom(11);
            final int[] keys = new int[MEASURED_EVENTS];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = 1 + random.nextInt(KEYS);
            }
            for (int i = 0; i < 200_000; i++)
            {
                drive(stage, keys[i]);
            }
            threads.getCurrentThreadAllocatedBytes();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (final int key : keys)
            {
                drive(stage, key);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertEquals(0, counters.get(RULE_STATE_FULL).get());
            assertEquals(2L * (KEYS + 200_000 + MEASURED_EVENTS), counters.get(EVENTS_EVALUATED).get());
            assertTrue(allocated < MAX_ALLOCATED_BYTES,
                "allocated " + allocated + " bytes over " + 2 * MEASURED_EVENTS + " events (" +
                ((double)allocated / (2 * MEASURED_EVENTS)) + " B/event)");

            // Now with a snapshot's copy in progress: the sink takes every copy before a write and, as a full batch
            // would, only some of the background steps' offers, so the copy lasts the whole run.
            final CopyingSink sink = new CopyingSink(4_096);
            stage.beginSnapshot(new DataOutputStream(OutputStream.nullOutputStream()), sink);
            for (int i = 0; i < 1_000; i++)
            {
                drive(stage, keys[i]);
                stage.doDutyCycle();
            }
            threads.getCurrentThreadAllocatedBytes();
            final long beforeCopying = threads.getCurrentThreadAllocatedBytes();
            for (final int key : keys)
            {
                drive(stage, key);
                // After each input, and when idle: the copy steps in the second.
                stage.doDutyCycle();
                stage.doDutyCycle();
            }
            final long allocatedCopying = threads.getCurrentThreadAllocatedBytes() - beforeCopying;

            assertTrue(stage.isSnapshotInProgress(), "the copy lasted the whole run");
            assertTrue(sink.puts > MEASURED_EVENTS && sink.offers > 10_000,
                sink.puts + " copies before writes, " + sink.offers + " in steps");
            assertTrue(allocatedCopying < MAX_ALLOCATED_BYTES,
                "allocated " + allocatedCopying + " bytes over " + 2 * MEASURED_EVENTS + " events with a copy in " +
                "progress (" + ((double)allocatedCopying / (2 * MEASURED_EVENTS)) + " B/event)");
            stage.abandonSnapshot();
            assertTrue(sink.abandoned);
        }
    }

    /**
     * Copies each record it takes into memory of its own, as the snapshot writer's batch does; takes one offer in 16.
     */
    private static final class CopyingSink implements RecordCopySink
    {
        private final UnsafeBuffer copy;
        private long offered;
        private long offers;
        private long puts;
        private boolean abandoned;

        CopyingSink(final int recordBytes)
        {
            copy = new UnsafeBuffer(BufferUtil.allocateDirectAligned(recordBytes, 64));
        }

        @Override
        public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            if ((offered++ & 15) != 0)
            {
                return false;
            }
            offers++;
            UnsafeApi.copyMemory(address, copy.addressOffset(), length);
            return true;
        }

        @Override
        public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            puts++;
            UnsafeApi.copyMemory(address, copy.addressOffset(), length);
            return true;
        }

        @Override
        public boolean isAbandoned()
        {
            return abandoned;
        }

        @Override
        public void abandon()
        {
            abandoned = true;
        }
    }

    /** One transaction and one order of a key (its account, card and account-instrument pair), queued together. */
    private void drive(final RulesHandler stage, final int key)
    {
        final long first = ring.next();
        final RingEvent event = ring.get(first);
        final long timeNs = ++seq * 1_000_000L;
        transaction.putLong(HEADER + TransactionDecoder.clientSeqEncodingOffset(), seq, ORDER);
        transaction.putLong(HEADER + TransactionDecoder.eventTimeNsEncodingOffset(), timeNs, ORDER);
        transaction.putLong(HEADER + TransactionDecoder.accountIdEncodingOffset(), key, ORDER);
        transaction.putLong(HEADER + TransactionDecoder.cardIdEncodingOffset(), key * 10L + 1, ORDER);
        event.resetForFrame(FrameKind.EVENT, transaction, 0, transactionLength, 1, seq, timeNs);
        event.identify(TransactionDecoder.TEMPLATE_ID, CLIENT_ID, seq);
        ring.publish(first);

        ++seq;
        order.putLong(HEADER + OrderDecoder.clientSeqEncodingOffset(), seq, ORDER);
        order.putLong(HEADER + OrderDecoder.eventTimeNsEncodingOffset(), timeNs, ORDER);
        order.putLong(HEADER + OrderDecoder.accountIdEncodingOffset(), key, ORDER);
        final long second = ring.next();
        final RingEvent next = ring.get(second);
        next.resetForFrame(FrameKind.EVENT, order, 0, orderLength, 1, seq, timeNs);
        next.identify(OrderDecoder.TEMPLATE_ID, CLIENT_ID, seq);
        ring.publish(second);

        stage.onEvent(event, first, false);
        stage.onEvent(next, second, true);
    }
}
