package dev.vigil.perf;

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

import java.util.concurrent.TimeUnit;

/**
 * Cost per transaction of one windowed rule run by the rule evaluator: the built-in velocity rule against a threshold
 * rule written in a rules file, with the same key (card), window (60 s sliding by 1 s) and limit (more than 10), over
 * the same stream: {@code keyCount} cards drawn uniformly, all known before measuring, event time 10 ms apart. Each
 * rule keeps its state in its own off-heap records. The rules ({@code velocity}, {@code threshold},
 * {@code filtered}, {@code filtered-half}) and the stream are {@link CardRuleStream}'s. Run:
 * <pre>
 * ./vigil jmh ThresholdRuleBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 * Separate JVMs differ by tens of percent on a shared machine; {@link ThresholdPairProbe} compares the rules in one.
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
    /** Distinct cards. */
    @Param({"10000", "1000000"})
    public int keyCount;

    /** Which rule: velocity, threshold, filtered, filtered-half, filtered-attribute. */
    @Param({"velocity", "threshold", "filtered", "filtered-half", "filtered-attribute"})
    public String rule;

    private CardRuleStream stream;
    private AccountSequence cards;

    /**
     * Builds the rule and makes every card known.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        stream = new CardRuleStream(rule, keyCount);
        cards = new AccountSequence(keyCount, 42);
    }

    /**
     * @return the rules fired by the next transaction, the next card's.
     */
    @Benchmark
    public long transaction()
    {
        return stream.judge(cards.next());
    }
}
