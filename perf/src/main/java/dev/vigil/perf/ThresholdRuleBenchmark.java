package dev.vigil.perf;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Cost per transaction of one windowed rule run by the {@link RuleEvaluator}: the built-in velocity rule against a
 * threshold rule written in a rules file, with the same key (card), window (60 s sliding by 1 s) and limit (more than
 * 10), over the same stream: {@code keyCount} cards drawn uniformly, all known before measuring, event time 10 ms
 * apart, the channel and country cycling through 16 pre-encoded transactions. Each rule keeps its state in its own
 * off-heap records.
 * <ul>
 *   <li>{@code velocity}: {@code type: velocity}.</li>
 *   <li>{@code threshold}: {@code type: threshold, aggregate: count}, no where.</li>
 *   <li>{@code filtered}: the threshold rule behind
 *   {@code where: channel in [ATM, POS, ECOM] and country != CH and amount >= 1.00}, which every event meets: the
 *   velocity rule's work plus the condition.</li>
 *   <li>{@code filtered-half}: behind {@code where: channel == ATM and country != GB}, which half the events meet:
 *   the other half touch no state.</li>
 * </ul>
 * Run:
 * <pre>
 * ./vigil jmh ThresholdRuleBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ThresholdRuleBenchmark
{
    private static final int FRAMES = 16;
    private static final long STEP_NS = 10_000_000L;
    private static final ByteOrder ORDER = TransactionDecoder.BYTE_ORDER;
    private static final int TIME_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.eventTimeNsEncodingOffset();
    private static final int CARD_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.cardIdEncodingOffset();
    private static final String WINDOW = "    key: card\n    window: {size: 60s, slide: 1s}\n    action: review\n";
    private static final String THRESHOLD = "    type: threshold\n    aggregate: count\n    above: 10\n" + WINDOW;

    /** Distinct cards. */
    @Param({"10000", "1000000"})
    public int keyCount;

    /** Which rule: velocity, threshold, filtered, filtered-half. */
    @Param({"velocity", "threshold", "filtered", "filtered-half"})
    public String rule;

    private final UnsafeBuffer[] frames = new UnsafeBuffer[FRAMES];
    private final TransactionDecoder[] decoders = new TransactionDecoder[FRAMES];
    private final RuleAlerts alerts = new RingEvent(256).alerts();
    private RuleEvaluator evaluator;
    private AccountSequence cards;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;
    private int next;

    /**
     * Builds the rule from its rules file text, encodes the transactions and makes every card known.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        final String rules = "rules:\n  - id: 1\n    name: r\n" + ruleText();
        evaluator = new RuleEvaluator(new RuleSetBuilder(keyCount).build(RulesFile.parse(rule, rules), null),
            Verdict.REVIEW);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TransactionEncoder encoder = new TransactionEncoder();
        for (int i = 0; i < FRAMES; i++)
        {
            frames[i] = new UnsafeBuffer(new byte[256]);
            encoder.wrapAndApplyHeader(frames[i], 0, header)
                .clientId(1).clientSeq(i).eventTimeNs(0).clientSendTimeNs(0).txnId(i).accountId(1).cardId(1)
                .merchantId(1 + i).amountMinor(BenchmarkFrames.SMALL_AMOUNT_MINOR).currency("EUR")
                .country((i & 3) == 3 ? "GB" : "FR").channel((i & 1) == 0 ? PaymentChannel.ATM : PaymentChannel.POS);
            decoders[i] = new TransactionDecoder().wrapAndApplyHeader(frames[i], 0, new MessageHeaderDecoder());
        }
        for (int card = 1; card <= keyCount; card++)
        {
            judge(card);
        }
        cards = new AccountSequence(keyCount, 42);
    }

    private String ruleText()
    {
        switch (rule)
        {
            case "velocity":
                return "    type: velocity\n    parameters: {max-count: 10}\n" + WINDOW;
            case "threshold":
                return THRESHOLD;
            case "filtered":
                return "    where: channel in [ATM, POS, ECOM] and country != CH and amount >= 1.00\n" + THRESHOLD;
            case "filtered-half":
                return "    where: channel == ATM and country != GB\n" + THRESHOLD;
            default:
                throw new IllegalArgumentException("rule=" + rule);
        }
    }

    /**
     * @return the rules fired by the next transaction, the next card's.
     */
    @Benchmark
    public long transaction()
    {
        return judge(cards.next());
    }

    private long judge(final long card)
    {
        final int i = next;
        next = (i + 1) & (FRAMES - 1);
        eventTimeNs += STEP_NS;
        frames[i].putLong(TIME_OFFSET, eventTimeNs, ORDER);
        frames[i].putLong(CARD_OFFSET, card, ORDER);
        evaluator.evaluate(decoders[i], alerts);
        return evaluator.firedRules();
    }
}
