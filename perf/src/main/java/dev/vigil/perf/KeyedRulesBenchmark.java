package dev.vigil.perf;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.stage.rules.StateLookahead;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Cost per event of the rules stage ({@link RulesHandler#onEvent}) with every rule of the default rules file enabled
 * (ten rules: seven over transactions, three over orders) and keyed state in Chronicle Maps in process memory
 * ({@code store=chronicle}, as the engine runs by default), in Chronicle Map files ({@code store=files}) or in
 * direct buffers as offline runs keep it ({@code store=memory}), over {@code keyCount}
 * distinct keys, every key already known (the steady state: setup sends each key one transaction and one order).
 * <p>
 * Events go through a real single-producer ring, as ingress publishes them: each one patches its slot's frame in
 * place with the next key and an event time 10 ms later; a transaction's account is the key, its card is the key too
 * (times 10), its merchant one of {@code merchants} (5,000); an order's account is the key and its instrument one of
 * 50. The merchants are the keys of the default rules' tumbling window, so they size the window state.
 * {@code keys=uniform} draws keys uniformly; {@code keys=hot} sends nine events in ten to 1% of the keys.
 * <ul>
 *   <li>{@code transaction}, {@code order}: one event at a time, each alone in the ring (an idle engine's case);
 *   only its own keys are probed together ahead of its rules ({@code prefetch=false} turns that off).</li>
 *   <li>{@code transactionBurst}, {@code orderBurst}: {@value #BURST} events queued in the ring and handled as one
 *   batch (a loaded engine's case), with {@code lookahead} events' state loaded at a time (0: none).</li>
 *   <li>{@code transactionInputOnly}, {@code orderInputOnly}: the bursts' input alone (drawing keys, patching and
 *   publishing slots), the baseline to subtract from the burst figures for the stage's own cost.</li>
 *   <li>{@code transactionStateLoadsOnly}, {@code orderStateLoadsOnly}: the bursts' input plus the loads that looking
 *   ahead does ({@link StateLookahead}, at least one event deep), without any rule: the floor that memory sets under
 *   the burst figures.</li>
 *   <li>{@code snapshotState}: milliseconds to serialise the stage's whole state at once, as a snapshot point paused
 *   it before snapshots copied the keyed records copy-on-write, and as {@link RulesHandler#writeState} still does.</li>
 *   <li>{@code snapshotPoint}: microseconds a snapshot point stops the stage now: the state beside the keyed records
 *   serialised and the records' copy begun ({@link RulesHandler#beginSnapshot}).</li>
 *   <li>{@code snapshotCopyStep}: microseconds of one copy step ({@link RulesHandler#doDutyCycle} with a copy in
 *   progress), sampled, with its maximum: the other stop a snapshot makes (beside waits for a slow writer).</li>
 *   <li>{@code transactionBurstWhileCopying}, {@code orderBurstWhileCopying}: the bursts with a snapshot's copy in
 *   progress, begun afresh each iteration (so each measures a copy's first second), one copy step after each
 *   burst as the stage's duty cycle does; the records go to off-heap memory, as into the snapshot ring.</li>
 * </ul>
 * Run:
 * <pre>
 * ./vigil jmh KeyedRulesBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-XX:+UseParallelGC", "-Xms1g", "-Xmx3g"})
@State(Scope.Thread)
public class KeyedRulesBenchmark
{
    /** Events queued in the ring per invocation of the burst benchmarks. */
    static final int BURST = 64;

    private static final int SESSION_ID = 7;
    private static final long CLIENT_ID = 1;
    private static final int TRANSACTION_CARD_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.cardIdEncodingOffset();
    private static final int TRANSACTION_MERCHANT_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.merchantIdEncodingOffset();
    private static final int ORDER_INSTRUMENT_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + OrderEncoder.instrumentIdEncodingOffset();

    /** Distinct keys (accounts, cards, account-instrument pairs). */
    @Param({"1000000"})
    public int keyCount;

    /** {@code uniform} or {@code hot} (90% of events over 1% of the keys). */
    @Param({"uniform", "hot"})
    public String keys;

    /** {@code chronicle}: Chronicle Maps as the engine keeps them; {@code files}: map files; {@code memory}: buffers.
     */
    @Param({"chronicle"})
    public String store;

    /** {@code default}: the default rules file; else the path of another rules file. */
    @Param({"default"})
    public String rules;

    /** Distinct merchants of the payments: the keys of the default rules' merchant window. */
    @Param({"5000"})
    public int merchants;

    /** Whether the stage probes an event's keys together before its rules run (on in the engine). */
    @Param({"true"})
    public boolean prefetch;

    /** Events whose state the stage loads together ahead of their turn (the engine's rules.lookahead); 0: none. */
    @Param({"16"})
    public int lookahead;

    private AccountSequence sequence;
    private RulesHandler handler;
    private RingBuffer<RingEvent> ring;
    private StateLookahead stateLoadsOnly;
    private UnsafeBuffer transactionFrame;
    private int transactionLength;
    private UnsafeBuffer orderFrame;
    private int orderLength;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;
    private long clientSeq;
    private Path dir;
    private final OffHeapRecordCopySink copySink = new OffHeapRecordCopySink();
    private final DataOutputStream discarding = new DataOutputStream(new DiscardingOutput());

    /**
     * Builds the rules stage, makes every key known, and draws the key sequence.
     *
     * @throws IOException when the state directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("vigil-keyed-rules");
        final VigilConfig defaults = VigilConfig.defaults()
            .with(Settings.RULES_MAX_KEYS.name(), Integer.toString(keyCount))
            .with(Settings.DATA_DIR.name(), dir.toString());
        final VigilConfig config =
            "default".equals(rules) ? defaults : defaults.with(Settings.RULES_FILE.name(), rules);
        final KeyedStateStores.StoreOpener opener = switch (store)
        {
            case "memory" -> KeyedStateStores.inMemory();
            case "files" -> KeyedStateStores.persistedIn(dir.resolve("state"));
            default -> RuleSetFactory.engineStateStores(config);
        };
        final EngineCounters counters = LocalCounters.newEngineCounters();
        handler = new RulesStageContext(config).counters(counters).stores(opener).newHandler();
        handler.keyedState().prefetcher().enabled(prefetch);

        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        // Nothing gates the producer: the stage is called in the benchmark's thread, right after publishing.
        ring = RingBuffer.createSingleProducer(
            () -> new RingEvent(maxFrameLength), config.getInt(Settings.RING_SIZE), new YieldingWaitStrategy());
        if (lookahead > 0)
        {
            handler.lookAhead(ring, lookahead);
        }
        stateLoadsOnly = new StateLookahead(ring, Math.max(1, lookahead), handler.keyedState(), handler.windows());
        final BenchmarkFrames frames = new BenchmarkFrames();
        transactionFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        transactionLength = frames.transaction(
            transactionFrame, 0, CLIENT_ID, 1, eventTimeNs, 1, BenchmarkFrames.SMALL_AMOUNT_MINOR);
        orderFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        orderLength = frames.order(orderFrame, 0, CLIENT_ID, 1, eventTimeNs, 1);

        for (int key = 1; key <= keyCount; key++)
        {
            handleOne(publish(key, true));
            handleOne(publish(key, false));
        }

        sequence = new AccountSequence(keyCount, 42, "hot".equals(keys));
    }

    /**
     * @return the rules stage, for probes that reuse this setup.
     */
    RulesHandler handler()
    {
        return handler;
    }

    /**
     * Closes the stores and deletes their files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        handler.keyedState().close();
        IoUtil.delete(dir.toFile(), false);
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    public long transaction()
    {
        return handleOne(publish(nextKey(), true));
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    public long order()
    {
        return handleOne(publish(nextKey(), false));
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long transactionBurst()
    {
        return handleBurst(true);
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long orderBurst()
    {
        return handleBurst(false);
    }

    /**
     * The baseline of the burst benchmarks: what publishing their input costs, without the stage.
     *
     * @return the last sequence published.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long transactionInputOnly()
    {
        return publishBurst(true);
    }

    /**
     * As {@link #transactionInputOnly}, for orders.
     *
     * @return the last sequence published.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long orderInputOnly()
    {
        return publishBurst(false);
    }

    /**
     * The floor that memory sets under the burst figures: the bursts' input plus the loads that looking ahead does
     * (every queued event's index entries, window keys and record heads, in the same tight passes), without any rule.
     *
     * @return a sum of what was loaded.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long transactionStateLoadsOnly()
    {
        return loadBurstState(true);
    }

    /**
     * As {@link #transactionStateLoadsOnly}, for orders.
     *
     * @return a sum of what was loaded.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long orderStateLoadsOnly()
    {
        return loadBurstState(false);
    }

    private long loadBurstState(final boolean transaction)
    {
        final long first = ring.getCursor() + 1;
        final long last = publishBurst(transaction);
        long sequence = first;
        while (sequence <= last)
        {
            // A run of one is left to the stage's own probe, which is not run here: step over it.
            sequence = Math.max(sequence + 1, stateLoadsOnly.loadFrom(sequence));
        }
        return handler.keyedState().prefetcher().loaded();
    }

    /**
     * What a snapshot pauses the rules stage for: serialising its whole state (rules text, every store's records,
     * retry table, windows) as {@link RulesHandler#writeState} does at a snapshot point, into a stream that keeps
     * nothing, so the figure is the reading and copying, not a file's writes.
     *
     * @return bytes written.
     * @throws IOException never: the stream keeps nothing.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long snapshotState() throws IOException
    {
        final DiscardingOutput out = new DiscardingOutput();
        handler.writeState(new DataOutputStream(out));
        return out.written;
    }

    /**
     * The stop of a snapshot point: the state beside the keyed records serialised (into a stream that keeps nothing)
     * and their copy begun. The copy the previous shot began is given up first (a few stores' flags).
     *
     * @return keyed records the copy announced.
     * @throws IOException never: the stream keeps nothing.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long snapshotPoint() throws IOException
    {
        handler.abandonSnapshot();
        return handler.beginSnapshot(discarding, copySink);
    }

    /**
     * One step of a copy in progress, as the stage's duty cycle runs it between batches; a copy that ends is begun
     * again (a point's cost, once per whole copy of the records).
     *
     * @param copying begins a copy afresh at each iteration.
     * @return records copied.
     * @throws IOException never: the stream keeps nothing.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int snapshotCopyStep(final Copying copying) throws IOException
    {
        copying.ensureCopying(this);
        return handler.doDutyCycle();
    }

    /**
     * As {@link #transactionBurst}, with a snapshot's copy in progress and a copy step after the burst.
     *
     * @param copying begins a copy afresh at each iteration.
     * @return the rules fired, so the evaluation cannot be optimised away.
     * @throws IOException never: the stream keeps nothing.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long transactionBurstWhileCopying(final Copying copying) throws IOException
    {
        copying.ensureCopying(this);
        final long fired = handleBurst(true);
        return fired + handler.doDutyCycle();
    }

    /**
     * As {@link #orderBurst}, with a snapshot's copy in progress and a copy step after the burst.
     *
     * @param copying begins a copy afresh at each iteration.
     * @return the rules fired, so the evaluation cannot be optimised away.
     * @throws IOException never: the stream keeps nothing.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long orderBurstWhileCopying(final Copying copying) throws IOException
    {
        copying.ensureCopying(this);
        final long fired = handleBurst(false);
        return fired + handler.doDutyCycle();
    }

    /**
     * Has the first invocation of each iteration begin a copy afresh (a point's cost, once in an iteration of
     * millions of invocations), and later ones begin it again when it ended.
     */
    @State(Scope.Thread)
    public static class Copying
    {
        private boolean begun;

        /**
         * A fresh copy for the iteration.
         */
        @Setup(Level.Iteration)
        public void nextIteration()
        {
            begun = false;
        }

        void ensureCopying(final KeyedRulesBenchmark benchmark) throws IOException
        {
            if (!begun || !benchmark.handler.isSnapshotInProgress())
            {
                benchmark.handler.abandonSnapshot();
                benchmark.handler.beginSnapshot(benchmark.discarding, benchmark.copySink);
                begun = true;
            }
        }
    }

    /**
     * Counts what it is given and keeps none of it.
     */
    private static final class DiscardingOutput extends OutputStream
    {
        private long written;

        @Override
        public void write(final int b)
        {
            written++;
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            written += length;
        }
    }

    private int nextKey()
    {
        return (int)sequence.next();
    }

    private long handleOne(final long seq)
    {
        final RingEvent event = ring.get(seq);
        handler.onEvent(event, seq, true);
        return event.firedRules();
    }

    private long publishBurst(final boolean transaction)
    {
        long last = 0;
        for (int i = 0; i < BURST; i++)
        {
            last = publish(nextKey(), transaction);
        }
        return last;
    }

    private long handleBurst(final boolean transaction)
    {
        final long first = ring.getCursor() + 1;
        final long last = publishBurst(transaction);
        long fired = 0;
        for (long seq = first; seq <= last; seq++)
        {
            final RingEvent event = ring.get(seq);
            handler.onEvent(event, seq, seq == last);
            fired += event.firedRules();
        }
        return fired;
    }

    /**
     * Publish the next event with a fresh engine and client sequence, as ingress gives: a reused client sequence would
     * be answered from the retry table without running any rule.
     */
    private long publish(final int key, final boolean transaction)
    {
        final long seq = ring.next();
        final RingEvent event = ring.get(seq);
        final int templateId = transaction ? TransactionDecoder.TEMPLATE_ID : OrderDecoder.TEMPLATE_ID;
        if (event.templateId() == templateId)
        {
            event.reuseFrame(FrameKind.EVENT, SESSION_ID, seq, 0);
        }
        else
        {
            event.resetForFrame(FrameKind.EVENT, transaction ? transactionFrame : orderFrame, 0,
                transaction ? transactionLength : orderLength, SESSION_ID, seq, 0);
        }
        event.identify(templateId, CLIENT_ID, ++clientSeq);
        final MutableDirectBuffer frame = event.frame();
        final long timeNs = eventTimeNs + BenchmarkFrames.EVENT_STEP_NS;
        eventTimeNs = timeNs;
        frame.putLong(BenchmarkFrames.EVENT_TIME_OFFSET, timeNs, BenchmarkFrames.BYTE_ORDER);
        frame.putLong(BenchmarkFrames.CLIENT_SEQ_OFFSET, clientSeq, BenchmarkFrames.BYTE_ORDER);
        if (transaction)
        {
            frame.putLong(BenchmarkFrames.TRANSACTION_ACCOUNT_OFFSET, key, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(TRANSACTION_CARD_OFFSET, key * 10L, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(TRANSACTION_MERCHANT_OFFSET, 1 + key % merchants, BenchmarkFrames.BYTE_ORDER);
        }
        else
        {
            frame.putLong(BenchmarkFrames.ORDER_ACCOUNT_OFFSET, key, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(ORDER_INSTRUMENT_OFFSET, 1 + key % 50, BenchmarkFrames.BYTE_ORDER);
        }
        ring.publish(seq);
        return seq;
    }
}
