package dev.vigil.core.rules.config;

import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.TestEvents;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A threshold rule without a where: is the built-in rule it generalises: {@code aggregate: count, above: N} decides
 * as {@code type: velocity, max-count: N}, and {@code aggregate: sum, value: amount, above: N} as
 * {@code type: amount-sum, max-amount: N}, with the same key and window, over random streams (out of order, late,
 * with gaps): the same verdicts, fired rules and alerts, event by event.
 */
class ThresholdEquivalencePropertyTest
{
    record Payment(long t, long account, long card, long merchant, long amount)
    {
    }

    record Scenario(String key, long slideSeconds, int panes, long limit, boolean sum, List<Payment> payments)
    {
    }

    @Property(tries = 300)
    void aThresholdWithoutWhereDecidesAsTheBuiltInRule(@ForAll("scenarios") final Scenario scenario)
    {
        final String window = "    key: " + scenario.key() + "\n    window: {size: " +
            scenario.slideSeconds() * scenario.panes() + "s, slide: " + scenario.slideSeconds() + "s}\n";
        final String builtIn = rule(scenario.sum() ? "amount-sum" : "velocity") + window +
            "    parameters: {" + (scenario.sum() ? "max-amount: " : "max-count: ") + scenario.limit() + "}\n";
        final String threshold = rule("threshold") + window +
            (scenario.sum() ? "    aggregate: sum\n    value: amount\n" : "    aggregate: count\n") +
            "    above: " + scenario.limit() + "\n";
        final RuleEvaluator expected = evaluator(builtIn);
        final RuleEvaluator actual = evaluator(threshold);
        final TestEvents events = new TestEvents();
        for (int i = 0; i < scenario.payments().size(); i++)
        {
            final Payment p = scenario.payments().get(i);
            final TransactionDecoder txn =
                events.payment(p.t(), p.account(), p.card(), p.merchant(), p.amount(), "EUR", "DE", PaymentChannel.POS);
            final RuleAlerts expectedAlerts = new RingEvent(64).alerts();
            final RuleAlerts actualAlerts = new RingEvent(64).alerts();
            expected.evaluate(txn, expectedAlerts);
            actual.evaluate(txn, actualAlerts);
            final String what = "payment " + i + " " + p + " of " + scenario;
            assertEquals(expected.verdict(), actual.verdict(), what);
            assertEquals(expected.firedRules(), actual.firedRules(), what);
            assertEquals(expectedAlerts.size(), actualAlerts.size(), what);
            for (int a = 0; a < expectedAlerts.size(); a++)
            {
                assertEquals(expectedAlerts.key(a), actualAlerts.key(a), what);
                assertEquals(expectedAlerts.observed(a), actualAlerts.observed(a), what);
                assertEquals(expectedAlerts.threshold(a), actualAlerts.threshold(a), what);
                assertEquals(expectedAlerts.windowStartNs(a), actualAlerts.windowStartNs(a), what);
                assertEquals(expectedAlerts.windowEndNs(a), actualAlerts.windowEndNs(a), what);
            }
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<List<Payment>> payments = Combinators.combine(
            Arbitraries.longs().between(0, 3_000),
            Arbitraries.longs().between(-20_000, 1_000),
            Arbitraries.longs().between(1, 4),
            Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 5_000))
            .as((step, jitter, account, merchant, amount) -> new long[]{step, jitter, account, merchant, amount})
            .list().ofMinSize(1).ofMaxSize(120)
            .map(ThresholdEquivalencePropertyTest::toPayments);
        return Combinators.combine(
            Arbitraries.of("account", "card", "merchant"),
            Arbitraries.longs().between(1, 5),
            Arbitraries.integers().between(1, 20),
            Arbitraries.longs().between(1, 12_000),
            Arbitraries.of(false, true),
            payments)
            .as((key, slide, panes, limit, sum, list) ->
                new Scenario(key, slide, panes, sum ? limit : 1 + limit % 10, sum, list));
    }

    /** Milliseconds of event time moving forward, each payment jittered around it; cards are per account. */
    private static List<Payment> toPayments(final List<long[]> draws)
    {
        final List<Payment> payments = new ArrayList<>();
        long nowMs = 1_000_000;
        for (final long[] draw : draws)
        {
            nowMs += draw[0];
            payments.add(new Payment((nowMs + draw[1]) * 1_000_000L, draw[2], draw[2] * 10 + draw[3] % 2, draw[3],
                draw[4]));
        }
        return payments;
    }

    private static String rule(final String type)
    {
        return "rules:\n  - id: 1\n    name: r\n    type: " + type + "\n    action: review\n";
    }

    private static RuleEvaluator evaluator(final String yaml)
    {
        return new RuleEvaluator(new RuleSetBuilder(16).build(RulesFile.parse("r.yaml", yaml), null), Verdict.DECLINE);
    }
}
