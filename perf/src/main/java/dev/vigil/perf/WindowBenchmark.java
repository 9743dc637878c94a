package dev.vigil.perf;

import dev.vigil.core.window.KeyedWindows;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSink;
import dev.vigil.core.window.WindowSpec;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Cost per event of a keyed sliding window as {@code size / slide} grows, for the engine's pane-based windows
 * ({@link KeyedWindows}: an event updates one pane; emitting a window reads its panes) against the textbook approach
 * ({@link NaiveSlidingWindows}: an event updates each of the size / slide windows it belongs to).
 * <p>
 * Workload: {@value #KEYS} keys in turn, event time advancing 1 ns per event, slide = {@value #EVENTS_PER_PANE}
 * events per key per pane, the watermark one behind each event (in order, no lateness); every window fires, and its
 * result goes to a blackhole. Each operation is one event, including the windows it fires.
 * <p>
 * {@code panesBesideSessions} measures the same pane windows after session windows took events through the same call
 * sites, as in an engine that defines both kinds: the JIT then sees both kinds there, not one.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -jar perf/target/vigil-benchmarks.jar WindowBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class WindowBenchmark
{
    static final int KEYS = 64;
    static final int EVENTS_PER_PANE = 100;
    private static final long SLIDE_NS = (long)KEYS * EVENTS_PER_PANE;
    private static final long MIXED_WARMUP_EVENTS = 100_000;

    /** Window size as a multiple of the slide. */
    @Param({"1", "10", "100", "1000"})
    int panesPerWindow;

    /**
     * panes: the engine's windows; panesBesideSessions: the same, after session windows used the call sites; naive:
     * one accumulator per window.
     */
    @Param({"panes", "panesBesideSessions", "naive"})
    String implementation;

    private KeyedWindows panes;
    private NaiveSlidingWindows naive;
    private BlackholeSink sink;
    private boolean usePanes;
    private long eventTimeNs;

    /** Passes each result to JMH's blackhole so that nothing is optimised away. */
    static final class BlackholeSink implements WindowSink
    {
        private final Blackhole blackhole;

        BlackholeSink(final Blackhole blackhole)
        {
            this.blackhole = blackhole;
        }

        @Override
        public void onWindowResult(
            final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
            final long count, final long sum, final long min, final long max, final boolean update)
        {
            blackhole.consume(sum + count + min + max + endNs);
        }

        @Override
        public void onLateEvent(
            final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
        {
            blackhole.consume(eventTimeNs);
        }
    }

    @Setup
    public void setUp(final Blackhole blackhole)
    {
        sink = new BlackholeSink(blackhole);
        final long sizeNs = SLIDE_NS * panesPerWindow;
        panes = KeyedWindows.of(WindowSpec.sliding(0, "bench", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
            WindowInput.Value.AMOUNT, sizeNs, SLIDE_NS, 0, 0, KEYS, KEYS * (panesPerWindow + 2)));
        naive = new NaiveSlidingWindows(sizeNs, SLIDE_NS, KEYS);
        usePanes = !"naive".equals(implementation);
        eventTimeNs = 0;
        if ("panesBesideSessions".equals(implementation))
        {
            // A gap shorter than a key's events are apart: every event is a session that fires and is purged.
            final KeyedWindows sessions = KeyedWindows.of(WindowSpec.session(1, "bench-sessions",
                WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, KEYS / 2, 0, KEYS,
                KEYS * 4));
            // Alternate, so that both kinds are in the call sites' profiles before the JIT compiles them.
            for (long t = 0; t < MIXED_WARMUP_EVENTS; t++)
            {
                feed(sessions, t);
                feed(panes, eventTimeNs++);
            }
        }
    }

    @Benchmark
    public void event()
    {
        final long t = eventTimeNs++;
        if (usePanes)
        {
            feed(panes, t);
        }
        else
        {
            naive.onEvent(t % KEYS, t, (t * 7_919) & 1023, t - 1, sink);
        }
    }

    private void feed(final KeyedWindows windows, final long t)
    {
        final long key = t % KEYS;
        final long value = (t * 7_919) & 1023;
        windows.onEvent(t, key, t, value, t - 1, sink);
        windows.advance(t, t - 1, sink);
    }
}
