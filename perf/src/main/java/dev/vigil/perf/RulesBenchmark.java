package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.pipeline.RulesHandler;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost per event of the rules stage, {@link RulesHandler#onEvent}, with the rules of the default configuration
 * ({@code RuleSetFactory.fromConfig(VigilConfig.defaults())}: the rules file config/rules.yaml, the copy bundled with
 * the engine when run from elsewhere; ten rules, seven of them over transactions and three over orders) over
 * ring slots already holding an accepted Transaction ({@code transaction}) or Order ({@code order}) frame.
 * <p>
 * The slots are as many as the default ring has; each use of a slot first patches its frame with the next account,
 * drawn uniformly from {@code keyCount} accounts, and the next event time, 10 ms after the previous event, as
 * ingress would have left it. So the keyed window state is touched as in production: at 65,536 accounts it no
 * longer fits in cache. One payment in 1,000 is above the amount threshold; at 1,000 accounts the velocity rule
 * also fires for about 8% of payments (an account is seen every ~10 s of event time, against a limit of 10 per
 * 60 s), at 65,536 accounts almost never; the order-rate rule does not fire. A slot whose previous use raised
 * alerts is reset first, copying its frame onto itself, as ingress resets every slot it reuses: without that its
 * alert list would stay full. The measured cost includes the stage's clock read (one {@code System.nanoTime()})
 * and its counter updates.
 * <p>
 * Run (about 2 minutes; add {@code -jvmArgsAppend "--enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow"} on Java 24 and later):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar RulesBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// The ./vigil launcher's flags: Agrona needs jdk.internal.misc, and the engine runs on the parallel collector.
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RulesBenchmark
{
    private static final int SESSION_ID = 7;
    private static final long CLIENT_ID = 1;
    private static final int LARGE_AMOUNT_EVERY = 1_000;

    /** Distinct accounts the events are spread over; 65,536 is the default rules.max.keys. */
    @Param({"1000", "65536"})
    public int keyCount;

    private RulesHandler handler;
    private RingEvent[] transactions;
    private RingEvent[] orders;
    private int slotMask;
    private AccountSequence accounts;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;
    private long sequence;

    /**
     * Builds the rules stage and fills the slots, as many as the default ring has.
     */
    @Setup
    public void setup()
    {
        final VigilConfig config = VigilConfig.defaults();
        if (keyCount > config.getInt(Settings.RULES_MAX_KEYS))
        {
            throw new IllegalArgumentException("keyCount=" + keyCount + " exceeds rules.max.keys");
        }
        handler = RuleSetFactory.rulesHandler(
            config, LocalCounters.newEngineCounters(), SystemNanoClock.INSTANCE);

        final int slots = config.getInt(Settings.RING_SIZE);
        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        slotMask = slots - 1;
        accounts = new AccountSequence(keyCount, 42);
        transactions = new RingEvent[slots];
        orders = new RingEvent[slots];

        final BenchmarkFrames frames = new BenchmarkFrames();
        final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        for (int i = 0; i < slots; i++)
        {
            final long clientSeq = i + 1;
            final long amount = i % LARGE_AMOUNT_EVERY == 0 ?
                BenchmarkFrames.LARGE_AMOUNT_MINOR : BenchmarkFrames.SMALL_AMOUNT_MINOR;
            final int transactionLength = frames.transaction(
                scratch, 0, CLIENT_ID, clientSeq, eventTimeNs, accounts.next(), amount);
            transactions[i] = slot(
                maxFrameLength, scratch, transactionLength, TransactionDecoder.TEMPLATE_ID, clientSeq);

            final int orderLength = frames.order(scratch, 0, CLIENT_ID, clientSeq, eventTimeNs, accounts.next());
            orders[i] = slot(maxFrameLength, scratch, orderLength, OrderDecoder.TEMPLATE_ID, clientSeq);
        }
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    public long transaction()
    {
        return evaluateNext(transactions, BenchmarkFrames.TRANSACTION_ACCOUNT_OFFSET);
    }

    /**
     * @return the rules fired, so the evaluation cannot be optimised away.
     */
    @Benchmark
    public long order()
    {
        return evaluateNext(orders, BenchmarkFrames.ORDER_ACCOUNT_OFFSET);
    }

    private long evaluateNext(final RingEvent[] slots, final int accountOffset)
    {
        final long seq = sequence++;
        final RingEvent event = slots[(int)seq & slotMask];
        if (event.alerts().size() != 0)
        {
            reset(event);
        }

        final MutableDirectBuffer frame = event.frame();
        final long timeNs = eventTimeNs + BenchmarkFrames.EVENT_STEP_NS;
        eventTimeNs = timeNs;
        frame.putLong(BenchmarkFrames.EVENT_TIME_OFFSET, timeNs, BenchmarkFrames.BYTE_ORDER);
        frame.putLong(accountOffset, accounts.next(), BenchmarkFrames.BYTE_ORDER);

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

    private static void reset(final RingEvent event)
    {
        final int templateId = event.templateId();
        final long clientSeq = event.clientSeq();
        event.resetForFrame(
            FrameKind.EVENT, event.frame(), 0, event.frameLength(), SESSION_ID, event.engineSeq(), 0);
        event.identify(templateId, CLIENT_ID, clientSeq);
    }
}
