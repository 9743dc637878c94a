package dev.vigil.perf;

import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.DecisionEncoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of the SBE flyweights on Vigil's hot path: encoding a Transaction (the client's send) and decoding every
 * field of it (what the rules read), encoding a Decision (egress) and decoding it (the client), and the structural
 * check every inbound frame passes, {@code InboundFrameValidator.validate}, for a Transaction and for a Connect
 * (which also checks its variable-length field). Encoders and decoders are re-wrapped per operation, as on the hot
 * path; decoders read frames encoded in setup.
 * <p>
 * Run (about 1 minute; add {@code -jvmArgsAppend "--enable-native-access=ALL-UNNAMED
 * --sun-misc-unsafe-memory-access=allow"} on Java 24 and later):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar CodecBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
// The ./vigil launcher's flags: Agrona needs jdk.internal.misc, and the engine runs on the parallel collector.
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class CodecBenchmark
{
    private static final int BUFFER_LENGTH = 256;
    private static final long CLIENT_ID = 1;

    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 64));
    private final UnsafeBuffer transactionFrame =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 64));
    private final UnsafeBuffer decisionFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 64));
    private final UnsafeBuffer connectFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final TransactionDecoder transactionDecoder = new TransactionDecoder();
    private final DecisionEncoder decisionEncoder = new DecisionEncoder();
    private final DecisionDecoder decisionDecoder = new DecisionDecoder();
    private final InboundFrameValidator validator = new InboundFrameValidator(512);
    private int transactionLength;
    private int connectLength;
    private long sequence;

    /**
     * Encodes the frames the decode and validate benchmarks read.
     */
    @Setup
    public void setup()
    {
        final BenchmarkFrames frames = new BenchmarkFrames();
        transactionLength = frames.transaction(transactionFrame, 0, CLIENT_ID, 1,
            BenchmarkFrames.BASE_EVENT_TIME_NS, 4_242, BenchmarkFrames.SMALL_AMOUNT_MINOR);
        connectLength = frames.connect(connectFrame, 0, CLIENT_ID, 1002, "aeron:udp?endpoint=localhost:40200");
        decisionEncoder.wrapAndApplyHeader(decisionFrame, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .clientSeq(1)
            .engineSeq(1)
            .verdict(Verdict.REVIEW)
            .firedRules(2)
            .clientSendTimeNs(1_000)
            .ingressTimeNs(2_000)
            .rulesDoneTimeNs(3_000)
            .journalDoneTimeNs(3_500)
            .egressTimeNs(4_000);
    }

    /**
     * @return encoded length.
     */
    @Benchmark
    public int encodeTransaction()
    {
        final long seq = ++sequence;
        transactionEncoder.wrapAndApplyHeader(encodeBuffer, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .clientSeq(seq)
            .eventTimeNs(BenchmarkFrames.BASE_EVENT_TIME_NS + seq)
            .clientSendTimeNs(seq)
            .txnId(seq)
            .accountId(4_242)
            .cardId(42_420)
            .merchantId(77)
            .amountMinor(BenchmarkFrames.SMALL_AMOUNT_MINOR)
            .currency("EUR")
            .country("DE")
            .channel(PaymentChannel.ECOM);
        return MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength();
    }

    /**
     * @return a combination of every field, so that no read can be optimised away.
     */
    @Benchmark
    public long decodeTransaction()
    {
        final TransactionDecoder txn = transactionDecoder.wrapAndApplyHeader(transactionFrame, 0, headerDecoder);
        return txn.clientId() + txn.clientSeq() + txn.eventTimeNs() + txn.clientSendTimeNs() + txn.txnId() +
            txn.accountId() + txn.cardId() + txn.merchantId() + txn.amountMinor() +
            txn.currency(0) + txn.currency(1) + txn.currency(2) + txn.country(0) + txn.country(1) +
            txn.channelRaw();
    }

    /**
     * @return encoded length.
     */
    @Benchmark
    public int encodeDecision()
    {
        final long seq = ++sequence;
        decisionEncoder.wrapAndApplyHeader(encodeBuffer, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .clientSeq(seq)
            .engineSeq(seq)
            .verdict(Verdict.APPROVE)
            .firedRules(0)
            .clientSendTimeNs(seq)
            .ingressTimeNs(seq + 1)
            .rulesDoneTimeNs(seq + 2)
            .journalDoneTimeNs(seq + 3)
            .egressTimeNs(seq + 4);
        return MessageHeaderEncoder.ENCODED_LENGTH + decisionEncoder.encodedLength();
    }

    /**
     * @return a combination of every field, so that no read can be optimised away.
     */
    @Benchmark
    public long decodeDecision()
    {
        final DecisionDecoder decision = decisionDecoder.wrapAndApplyHeader(decisionFrame, 0, headerDecoder);
        return decision.clientId() + decision.clientSeq() + decision.engineSeq() + decision.verdict().value() +
            decision.firedRules() + decision.clientSendTimeNs() + decision.ingressTimeNs() +
            decision.rulesDoneTimeNs() + decision.journalDoneTimeNs() + decision.egressTimeNs();
    }

    /**
     * @return null: the frame is valid.
     */
    @Benchmark
    public RejectReason validateTransaction()
    {
        return validator.validate(transactionFrame, 0, transactionLength);
    }

    /**
     * @return null: the frame is valid.
     */
    @Benchmark
    public RejectReason validateConnect()
    {
        return validator.validate(connectFrame, 0, connectLength);
    }
}
