package dev.vigil.perf;

import dev.vigil.core.state.ChronicleRecordStore;
import dev.vigil.core.state.LongAddressIndex;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
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
 * Cost of reaching one key's state and updating it — read and write the first and last of its words — with the keys
 * drawn from {@code keyCount} distinct keys, all already present (the steady state):
 * <ul>
 *     <li>{@code heapArrays}: the former on-heap layout, an index from key to slot (a {@link LongAddressIndex}
 *     holding slot + 1) plus a {@code long[]} with the key's words at {@code slot * words};</li>
 *     <li>{@code chronicleRecords}: a persisted {@link ChronicleRecordStore}, an on-heap index (key to native
 *     address) plus the key's record in the memory-mapped map file.</li>
 * </ul>
 * {@code keys=uniform} draws keys uniformly over all keys (every access misses the caches at a million keys);
 * {@code keys=hot} sends nine accesses in ten to a hot set of 1% of the keys. Run:
 * <pre>
 * ./vigil jmh KeyedStateBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class KeyedStateBenchmark
{

    /** Distinct keys, all present before measuring. */
    @Param({"1000000"})
    public int keyCount;

    /** Bytes of state per key, as a record of several rules would hold. */
    @Param({"64"})
    public int recordBytes;

    /** {@code uniform} or {@code hot} (90% of accesses over 1% of the keys). */
    @Param({"uniform", "hot"})
    public String keys;

    private AccountSequence sequence;
    private int words;
    private LongAddressIndex index;
    private long[] state;
    private ChronicleRecordStore store;
    private Path dir;

    /**
     * Fills both layouts with every key and draws the access sequence.
     *
     * @throws IOException when the map file cannot be created.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        words = recordBytes / Long.BYTES;
        index = new LongAddressIndex(keyCount);
        state = new long[keyCount * words];
        dir = Files.createTempDirectory("vigil-keyed-state");
        store = ChronicleRecordStore.open(
            dir.resolve(ChronicleRecordStore.fileName("bench", keyCount, recordBytes)), keyCount, recordBytes);
        for (int key = 1; key <= keyCount; key++)
        {
            index.add(key, key);
            state[(key - 1) * words] = key;
            UnsafeApi.putLong(store.recordAddress(key), key);
        }

        sequence = new AccountSequence(keyCount, 42, "hot".equals(keys));
    }

    /**
     * Closes and deletes the map file.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        store.close();
        IoUtil.delete(dir.toFile(), false);
    }

    /**
     * @return a word of the updated state, so the work cannot be optimised away.
     */
    @Benchmark
    public long heapArrays()
    {
        final long key = nextKey();
        final int base = (int)(index.addressOf(key) - 1) * words;
        final long count = state[base + words - 1] + 1;
        state[base + words - 1] = count;
        state[base] += key;
        return count;
    }

    /**
     * @return a word of the updated state, so the work cannot be optimised away.
     */
    @Benchmark
    public long chronicleRecords()
    {
        final long key = nextKey();
        final long address = store.recordAddress(key);
        final long last = address + recordBytes - Long.BYTES;
        final long count = UnsafeApi.getLong(last) + 1;
        UnsafeApi.putLong(last, count);
        UnsafeApi.putLong(address, UnsafeApi.getLong(address) + key);
        return count;
    }

    private long nextKey()
    {
        return sequence.next();
    }
}
