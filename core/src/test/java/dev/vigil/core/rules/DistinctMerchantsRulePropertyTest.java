package dev.vigil.core.rules;

import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.TestFrames;
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
 * The distinct-merchants rule over random out-of-order streams, with gaps longer than the window (whose expired table
 * is skipped, not read), against a naive model that keeps every counted payment: the rule fires exactly where the
 * model counts more live merchants than allowed.
 */
class DistinctMerchantsRulePropertyTest
{
    record Payment(long account, long t, long merchant)
    {
    }

    record Scenario(int maxMerchants, long windowNs, List<Payment> payments)
    {
    }

    /**
     * The documented semantics, kept naively: per account, its newest event time and every payment counted. A payment
     * at or before newest − window is not counted and passes; any other is counted, and the rule fires when the
     * merchants last seen after newest − window number more than allowed.
     */
    static final class Model
    {
        private final int maxMerchants;
        private final long windowNs;
        private final Map<Long, Long> newest = new HashMap<>();
        private final Map<Long, List<Payment>> counted = new HashMap<>();

        Model(final int maxMerchants, final long windowNs)
        {
            this.maxMerchants = maxMerchants;
            this.windowNs = windowNs;
        }

        int pay(final Payment payment)
        {
            final long latest = Math.max(newest.getOrDefault(payment.account(), Long.MIN_VALUE), payment.t());
            final long expiredAtOrBefore = latest - windowNs;
            if (payment.t() <= expiredAtOrBefore)
            {
                return RuleResult.PASSED;
            }
            newest.put(payment.account(), latest);
            counted.computeIfAbsent(payment.account(), k -> new ArrayList<>()).add(payment);
            final Set<Long> live = new HashSet<>();
            for (final Payment p : counted.get(payment.account()))
            {
                if (p.t() > expiredAtOrBefore)
                {
                    live.add(p.merchant());
                }
            }
            return live.size() > maxMerchants ? RuleResult.FIRED : RuleResult.PASSED;
        }
    }

    @Property(tries = 1000)
    void firesExactlyWhereTheModelDoes(@ForAll("scenarios") final Scenario scenario)
    {
        final DistinctMerchantsRule rule = new DistinctMerchantsRule(9, "distinct-merchants", RuleAction.REVIEW,
            TransactionKey.ACCOUNT, scenario.maxMerchants(), scenario.windowNs(), 8);
        final Model model = new Model(scenario.maxMerchants(), scenario.windowNs());
        final TestFrames frames = new TestFrames();
        final TransactionEncoder patch = new TransactionEncoder();
        final RuleHit hit = new RuleHit();
        long clientSeq = 0;
        for (int i = 0; i < scenario.payments().size(); i++)
        {
            final Payment payment = scenario.payments().get(i);
            frames.transaction(1, ++clientSeq, payment.t(), payment.account(), 100);
            patch.wrap(frames.buffer(), MessageHeaderEncoder.ENCODED_LENGTH).merchantId(payment.merchant());
            final int result = rule.onTransaction(frames.decodeTransaction(), hit);
            assertEquals(model.pay(payment), result == RuleResult.FIRED ? RuleResult.FIRED : RuleResult.PASSED,
                "payment " + i + " " + payment);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<List<Payment>> payments = Combinators.combine(
            Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 12),
            Arbitraries.longs().between(-30, 6),
            Arbitraries.longs().between(1, 7))
            .as((account, step, jitter, merchant) -> new long[]{account, step, jitter, merchant})
            .list().ofMinSize(1).ofMaxSize(80)
            .map(DistinctMerchantsRulePropertyTest::toPayments);
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.longs().between(1, 40), payments)
            .as(Scenario::new);
    }

    /** A clock that moves forward in steps, each payment jittered around it: mostly in order, sometimes far behind. */
    private static List<Payment> toPayments(final List<long[]> draws)
    {
        final List<Payment> payments = new ArrayList<>();
        long now = 1_000;
        for (final long[] draw : draws)
        {
            now += draw[1];
            payments.add(new Payment(draw[0], now + draw[2], draw[3]));
        }
        return payments;
    }
}
