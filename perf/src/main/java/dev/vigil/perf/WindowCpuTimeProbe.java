package dev.vigil.perf;

import dev.vigil.core.window.KeyedWindows;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSink;
import dev.vigil.core.window.WindowSpec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link WindowBenchmark}'s workload — one event into keyed sliding windows, with the windows it fires — timed by the
 * thread's CPU time instead of the wall clock, for a shared machine whose other work makes wall-clock figures mostly
 * time spent waiting for a core. Like WindowBenchmark's {@code panesBesideSessions}, {@code besideSessions} first runs
 * session windows through the same call sites. Prints the lowest, median and highest of 15 samples of 2 M events,
 * after 30 M events of warm-up. Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms512m -Xmx1g \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.WindowCpuTimeProbe [size/slide, default 100] [besideSessions]
 * </pre>
 */
public final class WindowCpuTimeProbe
{
    private static final int WARMUP_CHUNKS = 30;
    private static final int SAMPLES = 15;
    private static final int EVENTS_PER_CHUNK = 1_000_000;
    private static final int EVENTS_PER_SAMPLE = 2_000_000;
    private static final long SLIDE_NS = (long)WindowBenchmark.KEYS * WindowBenchmark.EVENTS_PER_PANE;

    private final ConsumingSink sink = new ConsumingSink();
    private long eventTimeNs;

    /** Folds every result into one word, so that nothing is optimised away. */
    static final class ConsumingSink implements WindowSink
    {
        long consumed;

        @Override
        public void onWindowResult(
            final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
            final long count, final long sum, final long min, final long max, final boolean update)
        {
            consumed += sum + count + min + max + endNs;
        }

        @Override
        public void onLateEvent(
            final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
        {
            consumed += eventTimeNs;
        }
    }

    private WindowCpuTimeProbe()
    {
    }

    /**
     * @param args optionally size / slide, and {@code besideSessions}.
     */
    public static void main(final String[] args)
    {
        final int panesPerWindow = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final boolean besideSessions = args.length > 1 && "besideSessions".equals(args[1]);
        final WindowCpuTimeProbe probe = new WindowCpuTimeProbe();
        final KeyedWindows panes = KeyedWindows.of(WindowSpec.sliding(0, "probe", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, SLIDE_NS * panesPerWindow, SLIDE_NS, 0, 0,
            WindowBenchmark.KEYS, WindowBenchmark.KEYS * (panesPerWindow + 2)));
        if (besideSessions)
        {
            // As in WindowBenchmark: every event a session of its own, fired and purged.
            final KeyedWindows sessions = KeyedWindows.of(WindowSpec.session(1, "probe-sessions",
                WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, WindowBenchmark.KEYS / 2,
                0, WindowBenchmark.KEYS, WindowBenchmark.KEYS * 4));
            for (long t = 0; t < 100_000; t++)
            {
                probe.feed(sessions, t);
                probe.feed(panes, probe.eventTimeNs++);
            }
        }

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP_CHUNKS; i++)
        {
            probe.run(panes, EVENTS_PER_CHUNK);
        }
        final double[] nsPerEvent = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++)
        {
            final long startNs = threads.getCurrentThreadCpuTime();
            probe.run(panes, EVENTS_PER_SAMPLE);
            nsPerEvent[i] = (threads.getCurrentThreadCpuTime() - startNs) / (double)EVENTS_PER_SAMPLE;
        }
        Arrays.sort(nsPerEvent);
        System.out.printf(Locale.ROOT, "size/slide %d%s: CPU ns/event min %.2f median %.2f max %.2f (%d)%n",
            panesPerWindow, besideSessions ? " beside sessions" : "", nsPerEvent[0], nsPerEvent[SAMPLES / 2],
            nsPerEvent[SAMPLES - 1], probe.sink.consumed & 1);
    }

    private void run(final KeyedWindows panes, final int events)
    {
        for (int i = 0; i < events; i++)
        {
            feed(panes, eventTimeNs++);
        }
    }

    private void feed(final KeyedWindows windows, final long t)
    {
        windows.onEvent(t, t % WindowBenchmark.KEYS, t, (t * 7_919) & 1023, t - 1, sink);
        windows.advance(t, t - 1, sink);
    }
}
