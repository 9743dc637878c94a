package dev.vigil.perf;

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
 * Cost per payment of one card rule judged by the rules' evaluator: the built-in card testing rule against sequence
 * patterns written in a rules file ({@link PatternRuleStream} says which, and over what payments). On a shared
 * machine, {@link PatternPairProbe} compares them in one JVM, round by round.
 * Run:
 * <pre>
 * ./vigil jmh PatternRuleBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
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
public class PatternRuleBenchmark
{
    /** One of {@link PatternRuleStream#RULES}. */
    @Param({"card-testing", "card-testing-pattern", "three-steps"})
    public String rule;

    /** Distinct cards. */
    @Param({"10000"})
    public int cards;

    private PatternRuleStream stream;

    /**
     * Builds the rule and encodes the payments.
     */
    @Setup
    public void setup()
    {
        stream = new PatternRuleStream(rule, cards);
    }

    /**
     * @return the rules fired, so that nothing is optimised away.
     */
    @Benchmark
    public long payment()
    {
        return stream.judgeNext();
    }
}
