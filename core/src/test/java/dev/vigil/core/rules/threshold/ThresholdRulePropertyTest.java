package dev.vigil.core.rules.threshold;

import dev.vigil.codecs.PaymentChannel;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.TestEvents;
import dev.vigil.core.rules.TransactionKey;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.window.WindowInput;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The threshold rule, every aggregate and comparison, over random streams of a few accounts — mostly in order,
 * sometimes far behind, with gaps longer than the window — against a model that keeps every event it counted: the
 * rule fires exactly where the model does, and reports what the model measured over the window the model says.
 */
class ThresholdRulePropertyTest
{
    record Payment(long account, long t, long amount, long merchant)
    {
    }

    record Scenario(Aggregate aggregate, Comparison comparison, long limit, long slideNs, int panes,
        List<Payment> payments)
    {
    }

    /** What the model says of one event: null when it passes unjudged (too late), else the measure and window. */
    record Judgement(long measured, long windowStartNs, long windowEndNs, boolean fires)
    {
    }

    /**
     * The documented semantics, kept naively. Per account: the newest pane seen and every event counted. An event
     * whose pane is a window or more before the newest pane is too late: not counted, it passes. Any other is
     * counted; count, sum, min, max and mean are measured over the events of its own window whose panes the newest
     * window still covers; distinct-count over the newest window, capped at the limit + 1.
     */
    static final class Model
    {
        private final Scenario scenario;
        private final Map<Long, Long> newestPane = new HashMap<>();
        private final Map<Long, List<long[]>> counted = new HashMap<>();

        Model(final Scenario scenario)
        {
            this.scenario = scenario;
        }

        Judgement judge(final Payment payment)
        {
            final long pane = Math.floorDiv(payment.t(), scenario.slideNs());
            final Long newestBefore = newestPane.get(payment.account());
            if (newestBefore != null && pane <= newestBefore - scenario.panes())
            {
                return null;
            }
            final long newest = newestBefore == null ? pane : Math.max(newestBefore, pane);
            newestPane.put(payment.account(), newest);
            final List<long[]> events = counted.computeIfAbsent(payment.account(), k -> new ArrayList<>());
            events.add(new long[]{pane, payment.amount(), payment.merchant()});
            final long oldest = newest - scenario.panes() + 1;
            final long limit = scenario.limit();
            if (scenario.aggregate() == Aggregate.DISTINCT_COUNT)
            {
                final Set<Long> merchants = new HashSet<>();
                for (final long[] event : events)
                {
                    if (event[0] >= oldest)
                    {
                        merchants.add(event[2]);
                    }
                }
                final long measured = Math.min(merchants.size(), limit + 1);
                return new Judgement(measured, oldest * scenario.slideNs(), (newest + 1) * scenario.slideNs(),
                    scenario.comparison().holds(measured, limit));
            }
            long count = 0;
            long sum = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (final long[] event : events)
            {
                if (event[0] >= oldest && event[0] <= pane)
                {
                    count++;
                    sum += event[1];
                    min = Math.min(min, event[1]);
                    max = Math.max(max, event[1]);
                }
            }
            final long measured;
            final boolean fires;
            switch (scenario.aggregate())
            {
                case COUNT:
                    measured = count;
                    fires = scenario.comparison().holds(count, limit);
                    break;
                case SUM:
                    measured = sum;
                    fires = scenario.comparison().holds(sum, limit);
                    break;
                case MIN:
                    measured = min;
                    fires = scenario.comparison().holds(min, limit);
                    break;
                case MAX:
                    measured = max;
                    fires = scenario.comparison().holds(max, limit);
                    break;
                default:
                    // The mean compared without rounding: sum against limit x count, as rationals.
                    measured = sum / count;
                    fires = scenario.comparison().holds(Long.compare(sum, limit * count), 0);
                    break;
            }
            final long end = (pane + 1) * scenario.slideNs();
            return new Judgement(measured, end - scenario.panes() * scenario.slideNs(), end, fires);
        }
    }

    @Property(tries = 1500)
    void firesExactlyWhereTheModelDoesAndReportsWhatItMeasured(@ForAll("scenarios") final Scenario scenario)
    {
        final String value = scenario.aggregate() == Aggregate.COUNT ? null :
            scenario.aggregate() == Aggregate.DISTINCT_COUNT ? "merchant" : "amount";
        final ThresholdSpec spec = new ThresholdSpec(WindowInput.TRANSACTIONS, scenario.aggregate(),
            value == null ? null : ValueExpression.compile(value, ExprScope.fieldsOf(WindowInput.TRANSACTIONS)),
            scenario.comparison(), scenario.limit(), scenario.panes() * scenario.slideNs(), scenario.slideNs());
        final TransactionThresholdRule rule =
            new TransactionThresholdRule(12, "t", RuleAction.REVIEW, TransactionKey.ACCOUNT, spec, 8);
        final Model model = new Model(scenario);
        final TestEvents events = new TestEvents();
        final RuleHit hit = new RuleHit();
        for (int i = 0; i < scenario.payments().size(); i++)
        {
            final Payment payment = scenario.payments().get(i);
            final int result = rule.onTransaction(events.payment(payment.t(), payment.account(), 1,
                payment.merchant(), payment.amount(), "EUR", "DE", PaymentChannel.POS), hit);
            final Judgement expected = model.judge(payment);
            final String what = "payment " + i + " " + payment + " of " + scenario;
            final boolean fires = expected != null && expected.fires();
            assertEquals(fires ? RuleResult.FIRED : RuleResult.PASSED, result, what);
            if (fires)
            {
                assertEquals(payment.account(), hit.key(), what);
                assertEquals(expected.measured(), hit.observed(), what);
                assertEquals(scenario.limit(), hit.threshold(), what);
                assertEquals(expected.windowStartNs(), hit.windowStartNs(), what);
                assertEquals(expected.windowEndNs(), hit.windowEndNs(), what);
            }
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<List<Payment>> payments = Combinators.combine(
            Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 12),
            Arbitraries.longs().between(-40, 6),
            Arbitraries.longs().between(0, 50),
            Arbitraries.longs().between(1, 7))
            .as((account, step, jitter, amount, merchant) -> new long[]{account, step, jitter, amount, merchant})
            .list().ofMinSize(1).ofMaxSize(80)
            .map(ThresholdRulePropertyTest::toPayments);
        return Combinators.combine(
            Arbitraries.of(Aggregate.values()),
            Arbitraries.of(Comparison.values()),
            Arbitraries.longs().between(0, 150),
            Arbitraries.longs().between(1, 6),
            Arbitraries.integers().between(1, 9),
            payments)
            .as((aggregate, comparison, limit, slide, panes, list) -> new Scenario(aggregate, comparison,
                limitOf(aggregate, limit), slide, panes, list));
    }

    private static long limitOf(final Aggregate aggregate, final long drawn)
    {
        switch (aggregate)
        {
            case COUNT:
                return drawn % 9;
            case DISTINCT_COUNT:
                return 1 + drawn % 5;
            case MIN:
            case MAX:
            case MEAN:
                return drawn % 51;
            default:
                return drawn;
        }
    }

    /** A clock that moves forward in steps, each payment jittered around it: mostly in order, sometimes far behind. */
    private static List<Payment> toPayments(final List<long[]> draws)
    {
        final List<Payment> payments = new ArrayList<>();
        long now = 1_000;
        for (final long[] draw : draws)
        {
            now += draw[1];
            payments.add(new Payment(draw[0], now + draw[2], draw[3], draw[4]));
        }
        return payments;
    }
}
