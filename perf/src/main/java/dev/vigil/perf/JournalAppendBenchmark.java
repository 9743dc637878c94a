package dev.vigil.perf;

import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalWriter;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Cost per record of the journal stage's work: {@code append} of a batch of records, then {@code endOfBatch} (the
 * fsync of per-batch durability) and one {@code doDutyCycle} (pre-touching the next segment in step), for frames
 * of 64 to 512 bytes in each durability mode. Segments of 64 MiB roll during the run, so roll costs are included.
 * Files go to a temporary directory on the file system of {@code java.io.tmpdir}.
 * <p>
 * Run (about 6 minutes):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar JournalAppendBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class JournalAppendBenchmark
{
    private static final int BATCH = 32;

    @Param({"64", "128", "256", "512"})
    private int frameLength;

    @Param({"NONE", "BATCH", "PERIODIC"})
    private Durability durability;

    private Path directory;
    private JournalWriter writer;
    private UnsafeBuffer frame;
    private long sequence;

    /**
     * Open a fresh journal.
     *
     * @throws IOException when the temporary directory cannot be made.
     */
    @Setup(Level.Trial)
    public void open() throws IOException
    {
        directory = Files.createTempDirectory("vigil-journal-bench-");
        writer = JournalWriter.open(new JournalContext().directory(directory).durability(durability));
        frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameLength, 64));
        for (int i = 0; i < frameLength; i++)
        {
            frame.putByte(i, (byte)i);
        }
    }

    /**
     * Close and delete the journal.
     */
    @TearDown(Level.Trial)
    public void close()
    {
        writer.close();
        IoUtil.delete(directory.toFile(), true);
    }

    /**
     * One batch through the journal stage.
     *
     * @return the writer's position, so the work is not dead code.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendBatch()
    {
        long result = 0;
        for (int i = 0; i < BATCH; i++)
        {
            result = writer.append(++sequence, sequence, frame, 0, frameLength);
        }
        writer.endOfBatch();
        writer.doDutyCycle();
        if (result < 0)
        {
            throw new IllegalStateException("journal refused an append: " + result);
        }
        return result;
    }
}
