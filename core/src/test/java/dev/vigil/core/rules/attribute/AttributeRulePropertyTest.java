package dev.vigil.core.rules.attribute;

import dev.vigil.codecs.PaymentChannel;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.TestEvents;
import dev.vigil.core.rules.TransactionKey;
import dev.vigil.core.rules.expr.Condition;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kind of attribute over random streams of a few cards — mostly in order, sometimes far behind, some events
 * not kept (not at an ATM) — against a model that keeps every event: each event reads exactly the value the model
 * computes from the events before it, and an event not kept adds no key.
 */
class AttributeRulePropertyTest
{
    private static final ExprScope SCOPE = ExprScope.fieldsOf(WindowInput.TRANSACTIONS);

    record Payment(long card, long t, long amount, boolean atm)
    {
    }

    record Scenario(AttributeKind kind, long slideNs, int panes, List<Payment> payments)
    {
    }

    /**
     * The documented semantics, computed naively from every event before the one judged. First and last: the kept
     * event of the card with the earliest (the first to arrive among equals) or newest (the last to arrive among
     * equals) time, or the event's own value when none. Windowed kinds: only kept events move a card's window; an
     * event whose pane is a window or more before the newest pane of its card's kept events is late and reads no
     * value; any other reads the kept, not late events of its card whose panes lie between the first pane of the
     * newest window (its own counted in) and its own pane.
     */
    static long expected(final Scenario scenario, final int index)
    {
        final Payment event = scenario.payments().get(index);
        final List<Payment> before = new ArrayList<>();
        final List<Boolean> counted = new ArrayList<>();
        Long newestPane = null;
        boolean eventLate = false;
        for (int i = 0; i <= index; i++)
        {
            final Payment payment = scenario.payments().get(i);
            final long pane = Math.floorDiv(payment.t(), scenario.slideNs());
            final boolean isLate = payment.card() == event.card() && newestPane != null &&
                pane <= newestPane - scenario.panes();
            if (payment.card() == event.card() && payment.atm() && !isLate)
            {
                newestPane = newestPane == null ? pane : Math.max(newestPane, pane);
            }
            if (i < index)
            {
                before.add(payment);
                counted.add(payment.card() == event.card() && payment.atm() && !isLate);
            }
            else
            {
                eventLate = isLate;
            }
        }
        if (scenario.kind().windowed() && eventLate)
        {
            return scenario.kind() == AttributeKind.MEAN ? event.amount() : 0;
        }
        Payment chosen = null;
        long count = 0;
        long sum = 0;
        final long pane = Math.floorDiv(event.t(), scenario.slideNs());
        final long oldest = newestPane == null ? pane : Math.max(newestPane, pane) - scenario.panes() + 1;
        for (int i = 0; i < before.size(); i++)
        {
            final Payment payment = before.get(i);
            if (payment.card() != event.card() || !payment.atm())
            {
                continue;
            }
            if (scenario.kind() == AttributeKind.FIRST && (chosen == null || payment.t() < chosen.t()) ||
                scenario.kind() == AttributeKind.LAST && (chosen == null || payment.t() >= chosen.t()))
            {
                chosen = payment;
            }
            final long paymentPane = Math.floorDiv(payment.t(), scenario.slideNs());
            if (counted.get(i) && paymentPane >= oldest && paymentPane <= pane)
            {
                count++;
                sum += payment.amount();
            }
        }
        switch (scenario.kind())
        {
            case FIRST:
            case LAST:
                return chosen == null ? event.amount() : chosen.amount();
            case COUNT:
                return count;
            case SUM:
                return sum;
            default:
                return count == 0 ? event.amount() : sum / count;
        }
    }

    @Property(tries = 1500)
    void everyEventReadsWhatTheModelComputesFromTheEventsBeforeIt(@ForAll("scenarios") final Scenario scenario)
    {
        final AttributeKind kind = scenario.kind();
        final AttributeSpec spec = new AttributeSpec(WindowInput.TRANSACTIONS, kind,
            kind.takesValue() ? ValueExpression.compile("amount", SCOPE) : null,
            Condition.compile("channel == ATM", SCOPE),
            kind.windowed() ? scenario.panes() * scenario.slideNs() : 0, kind.windowed() ? scenario.slideNs() : 0);
        final TransactionAttributeRule rule = new TransactionAttributeRule(9, "a", TransactionKey.CARD, spec, 8);
        final TestEvents events = new TestEvents();
        final RuleHit hit = new RuleHit();
        for (int i = 0; i < scenario.payments().size(); i++)
        {
            final Payment payment = scenario.payments().get(i);
            final int result = rule.onTransaction(events.payment(payment.t(), 1, payment.card(), 5,
                payment.amount(), "EUR", "DE", payment.atm() ? PaymentChannel.ATM : PaymentChannel.POS), hit);
            assertEquals(RuleResult.PASSED, result);
            assertEquals(keysKept(scenario, i), rule.stateEntries(), "only kept events add keys");
            assertEquals(expected(scenario, i), hit.attributeValues()[9], "payment " + i + " " + payment + " of " +
                scenario);
        }
    }

    private static long keysKept(final Scenario scenario, final int index)
    {
        return scenario.payments().subList(0, index + 1).stream().filter(Payment::atm).map(Payment::card)
            .distinct().count();
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<List<Payment>> payments = Combinators.combine(
            Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 12),
            Arbitraries.longs().between(-40, 6),
            Arbitraries.longs().between(0, 50),
            Arbitraries.integers().between(0, 3))
            .as((card, step, jitter, amount, channel) -> new long[]{card, step, jitter, amount, channel})
            .list().ofMinSize(1).ofMaxSize(80)
            .map(AttributeRulePropertyTest::toPayments);
        return Combinators.combine(
            Arbitraries.of(AttributeKind.values()),
            Arbitraries.longs().between(1, 6),
            Arbitraries.integers().between(1, 9),
            payments)
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
            payments.add(new Payment(draw[0], now + draw[2], draw[3], draw[4] != 0));
        }
        return payments;
    }
}
