package dev.vigil.perf;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two builds of {@code vigil replay} on one events CSV, in one JVM, round after round: each build's jar in a class
 * loader of its own, the two run one after the other in each round (which goes first alternates), each run timed in
 * CPU time of the thread that ran it. On a shared machine whose load moves from minute to minute, the ratio of the
 * two runs of a round compares them under the same conditions, where separate JVMs minutes apart differ by more than
 * most changes gain. The first two rounds pay for the JIT and are left out. Run:
 * <pre>
 * java &lt;the launcher's flags&gt; -XX:+UseParallelGC -Xms2g -Xmx2g -XX:+AlwaysPreTouch \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.ReplayPairProbe BEFORE.jar AFTER.jar ROUNDS \
 *     events.csv OUT-DIR [more vigil replay options, e.g. --rules FILE]
 * </pre>
 * Each run writes its outputs under OUT-DIR, which must not exist yet.
 */
public final class ReplayPairProbe
{
    private static final int WARMUP_ROUNDS = 2;

    private ReplayPairProbe()
    {
    }

    /**
     * @param args the two jars, the rounds, the events CSV, the output directory, then replay options.
     * @throws Exception when a jar cannot be loaded or a replay fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 5)
        {
            throw new IllegalArgumentException(
                "usage: ReplayPairProbe BEFORE.jar AFTER.jar ROUNDS events.csv OUT-DIR [replay options]");
        }
        final int rounds = Integer.parseInt(args[2]);
        if (rounds <= WARMUP_ROUNDS)
        {
            throw new IllegalArgumentException("rounds must be more than " + WARMUP_ROUNDS);
        }
        final Method[] replay = {replayOf(args[0]), replayOf(args[1])};
        final String[] options = Arrays.copyOfRange(args, 5, args.length);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final PrintStream out = System.out;
        final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        final double[][] cpuSeconds = new double[2][rounds];
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < 2; turn++)
            {
                final int build = (round + turn) % 2;
                final String[] command = new String[4 + options.length];
                command[0] = "replay";
                command[1] = "--input";
                command[2] = args[3];
                command[3] = "--out=" + Path.of(args[4]).resolve(build + "-" + round);
                System.arraycopy(options, 0, command, 4, options.length);
                System.setOut(quiet);
                final long startNs = threads.getCurrentThreadCpuTime();
                final int status;
                try
                {
                    status = (Integer)replay[build].invoke(null, (Object)command);
                }
                finally
                {
                    System.setOut(out);
                }
                cpuSeconds[build][round] = (threads.getCurrentThreadCpuTime() - startNs) / 1e9;
                if (status != 0)
                {
                    throw new IllegalStateException(args[build] + ": vigil replay exited with " + status);
                }
            }
        }
        report(out, args, cpuSeconds, rounds);
    }

    private static Method replayOf(final String jar) throws Exception
    {
        final URLClassLoader loader = new URLClassLoader(
            new URL[]{Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        return loader.loadClass("dev.vigil.app.cli.VigilMain").getMethod("execute", String[].class);
    }

    private static void report(
        final PrintStream out, final String[] args, final double[][] cpuSeconds, final int rounds)
    {
        final double[] ratios = new double[rounds - WARMUP_ROUNDS];
        for (int round = WARMUP_ROUNDS; round < rounds; round++)
        {
            ratios[round - WARMUP_ROUNDS] = cpuSeconds[1][round] / cpuSeconds[0][round];
        }
        Arrays.sort(ratios);
        for (int build = 0; build < 2; build++)
        {
            final double[] seconds = Arrays.copyOfRange(cpuSeconds[build], WARMUP_ROUNDS, rounds);
            Arrays.sort(seconds);
            out.printf(Locale.ROOT, "%s: CPU s per replay, min %.3f, first quartile %.3f, median %.3f%n",
                args[build], seconds[0], seconds[seconds.length / 4], seconds[seconds.length / 2]);
        }
        out.printf(Locale.ROOT, "second / first, per round: min %.3f, quartiles %.3f %.3f %.3f, max %.3f%n",
            ratios[0], ratios[ratios.length / 4], ratios[ratios.length / 2], ratios[3 * ratios.length / 4],
            ratios[ratios.length - 1]);
    }
}
