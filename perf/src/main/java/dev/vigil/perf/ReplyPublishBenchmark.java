package dev.vigil.perf;

import dev.vigil.codecs.DecisionEncoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.Verdict;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What egress pays to put one Decision on a client's reply publication: encoded into a buffer and offered (a copy
 * into the term), against encoded in place in room claimed with {@code tryClaim}, as egress does. Both read the
 * reply back from an IPC subscription in the same thread, so the publication never fills and both include the same
 * read; the difference between them is the copy and the offer's own framing.
 * <p>
 * Run (about 1 minute):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar ReplyPublishBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ReplyPublishBenchmark
{
    private static final int STREAM_ID = 1001;
    private static final int DECISION_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DecisionEncoder.BLOCK_LENGTH;

    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final DecisionEncoder decisionEncoder = new DecisionEncoder();
    private final BufferClaim claim = new BufferClaim();
    private MediaDriver driver;
    private Aeron aeron;
    private ExclusivePublication publication;
    private Subscription subscription;
    private long sequence;
    private long received;
    private final FragmentHandler reader = (buffer, offset, length, header) -> received++;

    /**
     * Starts an embedded driver with its conductor sleeping between duty cycles, so it takes little of the benchmark
     * thread's core, and connects an IPC publication to a subscription.
     */
    @Setup(Level.Trial)
    public void start()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-reply-bench-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .termBufferSparseFile(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        subscription = aeron.addSubscription("aeron:ipc", STREAM_ID);
        publication = aeron.addExclusivePublication("aeron:ipc", STREAM_ID);
        while (!publication.isConnected())
        {
            Thread.yield();
        }
    }

    /**
     * Closes the client and the driver.
     */
    @TearDown(Level.Trial)
    public void stop()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    /**
     * @return replies read back, so that nothing is optimised away.
     */
    @Benchmark
    public long encodeThenOffer()
    {
        encode(encodeBuffer, 0);
        while (publication.offer(encodeBuffer, 0, DECISION_LENGTH) < 0)
        {
            drain();
        }
        return drain();
    }

    /**
     * @return replies read back, so that nothing is optimised away.
     */
    @Benchmark
    public long claimAndEncodeInPlace()
    {
        while (publication.tryClaim(DECISION_LENGTH, claim) < 0)
        {
            drain();
        }
        encode(claim.buffer(), claim.offset());
        claim.commit();
        return drain();
    }

    private void encode(final MutableDirectBuffer buffer, final int offset)
    {
        final long seq = ++sequence;
        decisionEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(7)
            .clientSeq(seq)
            .engineSeq(seq)
            .verdict(Verdict.APPROVE)
            .firedRules(0)
            .clientSendTimeNs(seq)
            .ingressTimeNs(seq)
            .rulesDoneTimeNs(seq)
            .journalDoneTimeNs(seq)
            .egressTimeNs(seq);
    }

    private long drain()
    {
        subscription.poll(reader, 16);
        return received;
    }
}
