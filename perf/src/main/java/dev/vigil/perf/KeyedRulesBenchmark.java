package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.pipeline.EngineCounters;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.core.pipeline.WindowCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.window.WindowSink;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Cost per event of the rules stage ({@link RulesHandler#onEvent}) with every rule of the default rules file enabled
 * (ten rules: seven over transactions, three over orders) and keyed state in persisted Chronicle Map files
 * ({@code store=chronicle}, as the engine runs) or in process memory ({@code store=memory}), over {@code keyCount}
 * distinct keys, every key already known (the steady state: setup sends each key one transaction and one order).
 * <p>
 * Each event patches its slot's frame with the next key and an event time 10 ms later; a transaction's account is
 * the key, its card is the key too (times 10), its merchant one of 5,000; an order's account is the key and its
 * instrument one of 50. {@code keys=uniform} draws keys uniformly; {@code keys=hot} sends nine events in ten to 1% of
 * the keys. {@code prefetch=false} turns off the probing of an event's keys ahead of its rules. Run:
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
    "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KeyedRulesBenchmark
{
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

    /** {@code chronicle}: persisted map files, as the engine runs; {@code memory}: process memory. */
    @Param({"chronicle"})
    public String store;

    /** {@code default}: the default rules file; else the path of another rules file. */
    @Param({"default"})
    public String rules;

    /** Whether the stage probes an event's keys together before its rules run (on in the engine). */
    @Param({"true"})
    public boolean prefetch;

    private AccountSequence sequence;
    private RulesHandler handler;
    private RingEvent[] transactions;
    private RingEvent[] orders;
    private int slotMask;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;
    private long engineSeq;
    private Path dir;

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
        final KeyedStateStores.StoreOpener opener = "memory".equals(store) ?
            KeyedStateStores.inMemory() : RuleSetFactory.engineStateStores(config);
        final EngineCounters counters = LocalCounters.newEngineCounters();
        handler = RuleSetFactory.rulesHandler(config, RuleSetFactory.rulesFile(config), counters,
            new WindowCounters(counters), SystemNanoClock.INSTANCE, WindowSink.NONE, opener);
        handler.keyedState().prefetching(prefetch);

        final int slots = config.getInt(Settings.RING_SIZE);
        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        slotMask = slots - 1;
        transactions = new RingEvent[slots];
        orders = new RingEvent[slots];
        final BenchmarkFrames frames = new BenchmarkFrames();
        final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        for (int i = 0; i < slots; i++)
        {
            final int transactionLength = frames.transaction(
                scratch, 0, CLIENT_ID, i + 1, eventTimeNs, 1, BenchmarkFrames.SMALL_AMOUNT_MINOR);
            transactions[i] = slot(maxFrameLength, scratch, transactionLength, TransactionDecoder.TEMPLATE_ID, i + 1);
            final int orderLength = frames.order(scratch, 0, CLIENT_ID, i + 1, eventTimeNs, 1);
            orders[i] = slot(maxFrameLength, scratch, orderLength, OrderDecoder.TEMPLATE_ID, i + 1);
        }

        for (int key = 1; key <= keyCount; key++)
        {
            evaluate(transactions, key, true);
            evaluate(orders, key, false);
        }

        sequence = new AccountSequence(keyCount, 42, "hot".equals(keys));
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
        return evaluate(transactions, nextKey(), true);
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    public long order()
    {
        return evaluate(orders, nextKey(), false);
    }

    private int nextKey()
    {
        return (int)sequence.next();
    }

    private long evaluate(final RingEvent[] slots, final int key, final boolean transaction)
    {
        final long seq = ++engineSeq;
        final RingEvent event = slots[(int)seq & slotMask];
        // A fresh engine and client sequence per event, as ingress gives: a reused client sequence would be
        // answered from the retry table without running any rule.
        event.resetForFrame(FrameKind.EVENT, event.frame(), 0, event.frameLength(), SESSION_ID, seq, 0);
        event.identify(transaction ? TransactionDecoder.TEMPLATE_ID : OrderDecoder.TEMPLATE_ID, CLIENT_ID, seq);
        final MutableDirectBuffer frame = event.frame();
        final long timeNs = eventTimeNs + BenchmarkFrames.EVENT_STEP_NS;
        eventTimeNs = timeNs;
        frame.putLong(BenchmarkFrames.EVENT_TIME_OFFSET, timeNs, BenchmarkFrames.BYTE_ORDER);
        if (transaction)
        {
            frame.putLong(BenchmarkFrames.TRANSACTION_ACCOUNT_OFFSET, key, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(TRANSACTION_CARD_OFFSET, key * 10L, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(TRANSACTION_MERCHANT_OFFSET, 1 + key % 5_000, BenchmarkFrames.BYTE_ORDER);
        }
        else
        {
            frame.putLong(BenchmarkFrames.ORDER_ACCOUNT_OFFSET, key, BenchmarkFrames.BYTE_ORDER);
            frame.putLong(ORDER_INSTRUMENT_OFFSET, 1 + key % 50, BenchmarkFrames.BYTE_ORDER);
        }
        handler.onEvent(event, seq, true);
        return event.firedRules();
    }

    private static RingEvent slot(
        final int maxFrameLength,
        final UnsafeBuffer frame,
        final int length,
        final int templateId,
        final long clientSeq)
    {
        final RingEvent event = new RingEvent(maxFrameLength);
        event.resetForFrame(FrameKind.EVENT, frame, 0, length, SESSION_ID, clientSeq, 0);
        event.identify(templateId, CLIENT_ID, clientSeq);
        return event;
    }
}
