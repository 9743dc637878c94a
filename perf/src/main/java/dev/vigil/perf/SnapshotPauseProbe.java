package dev.vigil.perf;

import dev.vigil.app.engine.SnapshotBuffer;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.stage.rules.RulesHandler;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Every stop of the rules stage a copy-on-write snapshot makes, at {@code keyCount} keys of the default rules (the
 * state of {@link KeyedRulesBenchmark}'s setup: every key with one payment and one order, keyed state in Chronicle
 * Map files), and what each part of the point costs:
 * <pre>
 *   point  = state beside the keyed records (rules text, layouts, rule states, retry table, windows) serialised
 *            into the engine's SnapshotBuffer + the records' copy begun
 *   steps  = RulesHandler.doDutyCycle with a copy in progress, until every record is copied
 *   whole  = RulesHandler.writeState: everything at once, as a snapshot point stopped the stage before
 * </pre>
 * The records go to off-heap memory, as into the snapshot writer's buffer; the file writes the engine's writer adds
 * to its steps are not here. Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
 *     --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *     --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
 *     --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED -Dchronicle.analytics.disable=true \
 *     -XX:+UseParallelGC -Xms3g -Xmx3g -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.SnapshotPauseProbe \
 *     [keyCount, default 1000000] [points, default 300] [merchants, default 5000]
 * </pre>
 */
public final class SnapshotPauseProbe
{
    private SnapshotPauseProbe()
    {
    }

    /**
     * @param args optionally the number of keys and of points measured.
     * @throws IOException never: the streams keep nothing.
     */
    public static void main(final String[] args) throws IOException
    {
        final int keyCount = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        final int points = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        final int merchants = args.length > 2 ? Integer.parseInt(args[2].replace("_", "")) : 5_000;
        final KeyedRulesBenchmark bench = new KeyedRulesBenchmark();
        bench.keyCount = keyCount;
        bench.merchants = merchants;
        bench.keys = "uniform";
        bench.store = "chronicle";
        bench.rules = "default";
        bench.prefetch = true;
        bench.lookahead = 16;
        final long setupStartNs = System.nanoTime();
        bench.setup();
        System.out.printf(Locale.ROOT, "%,d keys (%,d merchants) of the default rules set up in %.1f s%n",
            keyCount, merchants, (System.nanoTime() - setupStartNs) / 1e9);
        try
        {
            probe(bench.handler(), points);
        }
        finally
        {
            bench.tearDown();
        }
    }

    private static void probe(final RulesHandler handler, final int points) throws IOException
    {
        final CountingOutput counting = new CountingOutput();
        final DataOutputStream out = new DataOutputStream(counting);
        // What the engine serialises the point's state into.
        final SnapshotBuffer buffer = new SnapshotBuffer(512L << 20);
        final OffHeapRecordCopySink sink = new OffHeapRecordCopySink();
        final KeyedStateStores keyed = handler.keyedState();

        final long[] pointNs = new long[points];
        final long[] windowsNs = new long[points];
        final long[] layoutNs = new long[points];
        final long[] firstPointNs = new long[5];
        long pointBytes = 0;
        long records = 0;
        for (int i = -firstPointNs.length; i < points; i++)
        {
            handler.abandonSnapshot();
            buffer.reset();
            final long startNs = System.nanoTime();
            records = handler.beginSnapshot(buffer, sink);
            final long endNs = System.nanoTime();
            pointBytes = buffer.length();
            handler.abandonSnapshot();

            buffer.reset();
            final long windowsStartNs = System.nanoTime();
            handler.windows().writeState(buffer);
            final long layoutStartNs = System.nanoTime();
            keyed.writeLayout(buffer, handler.ruleSet());
            keyed.beginCopy(sink);
            final long layoutEndNs = System.nanoTime();
            keyed.abandonCopy();
            if (i >= 0)
            {
                pointNs[i] = endNs - startNs;
                windowsNs[i] = layoutStartNs - windowsStartNs;
                layoutNs[i] = layoutEndNs - layoutStartNs;
            }
            else
            {
                firstPointNs[i + firstPointNs.length] = endNs - startNs;
            }
        }
        final StringBuilder first = new StringBuilder();
        for (final long ns : firstPointNs)
        {
            first.append(first.length() == 0 ? "" : ", ").append(micros(ns));
        }
        System.out.printf(Locale.ROOT, "the process's first points (not in the figures below): %s%n", first);
        System.out.printf(Locale.ROOT, "point: %s (%,d bytes beside %,d keyed records)%n",
            spread(pointNs), pointBytes, records);
        final long[] restNs = new long[points];
        for (int i = 0; i < points; i++)
        {
            restNs[i] = Math.max(0, pointNs[i] - windowsNs[i] - layoutNs[i]);
        }
        System.out.printf(Locale.ROOT, "  of which windows %s; store layouts and the copy begun %s; the rest (rules " +
            "text, rule states, retry table) about %s%n", spread(windowsNs), spread(layoutNs), spread(restNs));

        for (int pass = 1; pass <= 2; pass++)
        {
            buffer.reset();
            handler.beginSnapshot(buffer, sink);
            final long[] stepNs = new long[(int)(records / 8) + 16];
            int steps = 0;
            final long copyStartNs = System.nanoTime();
            while (handler.isSnapshotInProgress())
            {
                final long startNs = System.nanoTime();
                handler.doDutyCycle();
                stepNs[steps++] = System.nanoTime() - startNs;
            }
            final long copyNs = System.nanoTime() - copyStartNs;
            System.out.printf(Locale.ROOT,
                "copy pass %d: %,d steps of %d KiB at most, %s; all %,d records in %.0f ms (%.2f GB/s)%n",
                pass, steps, RulesHandler.COPY_STEP_BYTES / 1024, spread(Arrays.copyOf(stepNs, steps)), records,
                copyNs / 1e6, sink.takeBytesTaken() / (double)copyNs);
        }

        final long[] wholeNs = new long[3];
        for (int i = 0; i < wholeNs.length; i++)
        {
            counting.count = 0;
            final long startNs = System.nanoTime();
            handler.writeState(out);
            wholeNs[i] = System.nanoTime() - startNs;
        }
        System.out.printf(Locale.ROOT, "whole state at once (writeState, %,d bytes): %s%n",
            counting.count, spread(wholeNs));
    }

    private static String spread(final long[] ns)
    {
        final long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "median %s, p99 %s, max %s", micros(sorted[sorted.length / 2]),
            micros(sorted[(int)Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]),
            micros(sorted[sorted.length - 1]));
    }

    private static String micros(final long ns)
    {
        return ns >= 10_000_000 ? String.format(Locale.ROOT, "%.0f ms", ns / 1e6) :
            String.format(Locale.ROOT, "%.0f us", ns / 1e3);
    }

    /**
     * Counts bytes and keeps none.
     */
    private static final class CountingOutput extends OutputStream
    {
        private long count;

        @Override
        public void write(final int b)
        {
            count++;
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            count += length;
        }
    }
}
