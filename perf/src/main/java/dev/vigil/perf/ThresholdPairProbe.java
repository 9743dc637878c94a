package dev.vigil.perf;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The rules of {@link CardRuleStream} in one JVM, round after round: in each round every rule judges the same
 * {@code EVENTS} transactions (the same cards in the same order, its own state), one rule after the other (which goes
 * first rotates), each timed in CPU time of the thread. On a shared machine whose load moves from minute to minute,
 * the ratio of two rules' times in one round compares them under the same conditions, where separate JVMs differ by
 * tens of percent. The first two rounds pay for the JIT and are left out. Prints each rule's median ns per event and
 * the quartiles of its ratio to the first rule named. Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.ThresholdPairProbe KEYS EVENTS ROUNDS RULE...
 * </pre>
 * e.g. {@code 10000 2000000 12 velocity threshold filtered filtered-half}.
 */
public final class ThresholdPairProbe
{
    private static final int WARMUP_ROUNDS = 2;

    private ThresholdPairProbe()
    {
    }

    /**
     * @param args cards, events per rule and round, rounds, then the rules, the first the baseline.
     */
    public static void main(final String[] args)
    {
        if (args.length < 5)
        {
            throw new IllegalArgumentException("usage: ThresholdPairProbe KEYS EVENTS ROUNDS RULE RULE... (rules: " +
                String.join(", ", CardRuleStream.RULES) + ")");
        }
        final int keys = Integer.parseInt(args[0]);
        final int events = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        if (rounds <= WARMUP_ROUNDS)
        {
            throw new IllegalArgumentException("rounds must be more than " + WARMUP_ROUNDS);
        }
        final String[] rules = Arrays.copyOfRange(args, 3, args.length);
        final CardRuleStream[] streams = new CardRuleStream[rules.length];
        final AccountSequence[] cards = new AccountSequence[rules.length];
        for (int r = 0; r < rules.length; r++)
        {
            streams[r] = new CardRuleStream(rules[r], keys);
            cards[r] = new AccountSequence(keys, 42);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final double[][] nsPerEvent = new double[rules.length][rounds - WARMUP_ROUNDS];
        long fired = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < rules.length; turn++)
            {
                final int r = (turn + round) % rules.length;
                final long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < events; i++)
                {
                    fired += streams[r].judge(cards[r].next());
                }
                final long cpuNs = threads.getCurrentThreadCpuTime() - start;
                if (round >= WARMUP_ROUNDS)
                {
                    nsPerEvent[r][round - WARMUP_ROUNDS] = (double)cpuNs / events;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d cards, %d events per rule and round, %d rounds measured (fired %d)%n",
            keys, events, rounds - WARMUP_ROUNDS, fired);
        for (int r = 0; r < rules.length; r++)
        {
            final double[] ratios = new double[rounds - WARMUP_ROUNDS];
            for (int i = 0; i < ratios.length; i++)
            {
                ratios[i] = nsPerEvent[r][i] / nsPerEvent[0][i];
            }
            System.out.printf(Locale.ROOT, "  %-14s median %6.1f ns/event   vs %s: %.3f / %.3f / %.3f%n", rules[r],
                quantile(nsPerEvent[r], 0.5), rules[0], quantile(ratios, 0.25), quantile(ratios, 0.5),
                quantile(ratios, 0.75));
        }
    }

    static double quantile(final double[] values, final double q)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final double position = q * (sorted.length - 1);
        final int below = (int)Math.floor(position);
        final int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
