package dev.vigil.perf;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The rules of {@link PatternRuleStream} in one JVM, round after round, as {@link ThresholdPairProbe} runs its own:
 * in each round every rule judges the same number of payments (its own state), one rule after the other (which goes
 * first rotates), each timed in CPU time of the thread; the first two rounds pay for the JIT and are left out. Prints
 * each rule's median ns per payment and the quartiles of its ratio to the first rule named. Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.PatternPairProbe CARDS EVENTS ROUNDS RULE...
 * </pre>
 * e.g. {@code 10000 2000000 12 card-testing card-testing-pattern three-steps}.
 */
public final class PatternPairProbe
{
    private static final int WARMUP_ROUNDS = 2;

    private PatternPairProbe()
    {
    }

    /**
     * @param args cards, payments per rule and round, rounds, then the rules, the first the baseline.
     */
    public static void main(final String[] args)
    {
        if (args.length < 5)
        {
            throw new IllegalArgumentException("usage: PatternPairProbe CARDS EVENTS ROUNDS RULE RULE... (rules: " +
                String.join(", ", PatternRuleStream.RULES) + ")");
        }
        final int cards = Integer.parseInt(args[0]);
        final int events = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        if (rounds <= WARMUP_ROUNDS)
        {
            throw new IllegalArgumentException("rounds must be more than " + WARMUP_ROUNDS);
        }
        final String[] rules = Arrays.copyOfRange(args, 3, args.length);
        final PatternRuleStream[] streams = new PatternRuleStream[rules.length];
        for (int r = 0; r < rules.length; r++)
        {
            streams[r] = new PatternRuleStream(rules[r], cards);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final double[][] nsPerEvent = new double[rules.length][rounds - WARMUP_ROUNDS];
        final long[] fired = new long[rules.length];
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < rules.length; turn++)
            {
                final int r = (turn + round) % rules.length;
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < events; i++)
                {
                    fired[r] += streams[r].judgeNext() != 0 ? 1 : 0;
                }
                final long cpuNs = threads.getCurrentThreadCpuTime() - start;
                if (round >= WARMUP_ROUNDS)
                {
                    nsPerEvent[r][round - WARMUP_ROUNDS] = (double)cpuNs / events;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d cards, %d payments per rule and round, %d rounds measured%n",
            cards, events, rounds - WARMUP_ROUNDS);
        for (int r = 0; r < rules.length; r++)
        {
            final double[] ratios = new double[rounds - WARMUP_ROUNDS];
            for (int i = 0; i < ratios.length; i++)
            {
                ratios[i] = nsPerEvent[r][i] / nsPerEvent[0][i];
            }
            System.out.printf(Locale.ROOT,
                "  %-22s median %6.1f ns/payment  fired on %5.2f%%   vs %s: %.3f / %.3f / %.3f%n", rules[r],
                ThresholdPairProbe.quantile(nsPerEvent[r], 0.5), 100.0 * fired[r] / ((long)events * rounds), rules[0],
                ThresholdPairProbe.quantile(ratios, 0.25), ThresholdPairProbe.quantile(ratios, 0.5),
                ThresholdPairProbe.quantile(ratios, 0.75));
        }
    }
}
