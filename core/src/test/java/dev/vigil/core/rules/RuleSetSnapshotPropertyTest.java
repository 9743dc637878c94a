package dev.vigil.core.rules;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule type at once over random out-of-order streams of payments and orders: rules restored from a snapshot
 * taken anywhere in the stream fire exactly as the rules that never stopped — the same rules, keys, observed values,
 * thresholds and windows — which is what lets recovery and replay reproduce decisions.
 */
class RuleSetSnapshotPropertyTest
{
    private static final long SECOND = 1_000_000_000L;

    /** A payment (instrument 0) or an order. */
    record Input(long t, long account, long card, long merchant, long amount, boolean abroad, long instrument,
        long price, long quantity)
    {
    }

    record Scenario(List<Input> inputs, int snapshotAt)
    {
    }

    @Property(tries = 300)
    void rulesRestoredFromASnapshotFireAsRulesThatNeverStopped(@ForAll("scenarios") final Scenario scenario)
        throws IOException
    {
        final List<String> uninterrupted = run(scenario.inputs(), -1);
        final List<String> restored = run(scenario.inputs(), scenario.snapshotAt());
        assertEquals(uninterrupted, restored);
        assertTrue(uninterrupted.stream().anyMatch(line -> !line.endsWith(":")) || scenario.inputs().size() < 20,
            "streams this long fire something: " + uninterrupted);
    }

    private static List<String> run(final List<Input> inputs, final int snapshotAt) throws IOException
    {
        RuleSet rules = EveryRuleType.ruleSet(64);
        final Frames frames = new Frames();
        final RingEvent event = new RingEvent(256);
        final List<String> fired = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++)
        {
            if (i == snapshotAt)
            {
                rules = throughSnapshot(rules);
            }
            final RuleEvaluator evaluator = new RuleEvaluator(rules, Verdict.REVIEW);
            event.resetForFrame(FrameKind.EVENT, frames.buffer, 0, 0, 0, i + 1, 0);
            final Input input = inputs.get(i);
            if (input.instrument() == 0)
            {
                evaluator.evaluate(frames.transaction(input), event.alerts());
            }
            else
            {
                evaluator.evaluate(frames.order(input), event.alerts());
            }
            fired.add(i + " " + evaluator.verdict() + ":" + describe(event.alerts()));
        }
        return fired;
    }

    private static String describe(final RuleAlerts alerts)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < alerts.size(); i++)
        {
            text.append(' ').append(alerts.ruleId(i)).append('/').append(alerts.key(i)).append('/')
                .append(alerts.observed(i)).append('/').append(alerts.threshold(i)).append('/')
                .append(alerts.windowStartNs(i)).append('/').append(alerts.windowEndNs(i));
        }
        return text.toString();
    }

    private static RuleSet throughSnapshot(final RuleSet rules) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        for (final Rule rule : rules.rules())
        {
            rule.writeState(out);
        }
        final RuleSet restored = EveryRuleType.ruleSet(64);
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (final Rule rule : restored.rules())
        {
            rule.readState(in);
        }
        assertEquals(-1, in.read(), "every byte written is read back");
        return restored;
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<long[]> draws = Combinators.combine(
            Arbitraries.longs().between(0, 3 * SECOND),
            Arbitraries.longs().between(-20 * SECOND, SECOND),
            Arbitraries.longs().between(1, 4),
            Arbitraries.longs().between(1, 8),
            Arbitraries.of(50L, 150L, 2_000L, 60_000L, 200_000L),
            Arbitraries.integers().between(0, 9),
            Arbitraries.longs().between(80, 120),
            Arbitraries.longs().between(1, 60))
            .as((step, jitter, account, merchant, amount, kind, price, quantity) ->
                new long[]{step, jitter, account, merchant, amount, kind, price, quantity});
        return Combinators.combine(draws.list().ofMinSize(1).ofMaxSize(120), Arbitraries.integers().between(0, 120))
            .as((list, snapshotAt) -> new Scenario(toInputs(list), snapshotAt));
    }

    /** A clock moving forward in steps; some inputs far behind it; one in five an order. */
    private static List<Input> toInputs(final List<long[]> draws)
    {
        final List<Input> inputs = new ArrayList<>();
        long now = 1_767_225_600L * SECOND;
        for (final long[] d : draws)
        {
            now += d[0];
            final long t = now + (d[5] < 7 ? 0 : d[1]);
            final boolean order = d[5] % 5 == 0;
            inputs.add(new Input(t, d[2], d[2] * 10 + d[3] % 2, d[3], d[4], d[5] == 3, order ? 1 + d[3] % 2 : 0,
                d[6], d[7]));
        }
        return inputs;
    }

    /** Encodes inputs and decodes them back, as the rules stage sees them. */
    private static final class Frames
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final TransactionEncoder transactionEncoder = new TransactionEncoder();
        final TransactionDecoder transactionDecoder = new TransactionDecoder();
        final OrderEncoder orderEncoder = new OrderEncoder();
        final OrderDecoder orderDecoder = new OrderDecoder();

        TransactionDecoder transaction(final Input input)
        {
            transactionEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .clientId(1).clientSeq(1).eventTimeNs(input.t()).clientSendTimeNs(input.t()).txnId(1)
                .accountId(input.account()).cardId(input.card()).merchantId(input.merchant())
                .amountMinor(input.amount()).currency("EUR").country(input.abroad() ? "FR" : "DE")
                .channel(PaymentChannel.ECOM);
            return transactionDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
        }

        OrderDecoder order(final Input input)
        {
            orderEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .clientId(1).clientSeq(1).eventTimeNs(input.t()).clientSendTimeNs(input.t()).orderId(1)
                .accountId(input.account()).instrumentId(input.instrument()).price(input.price())
                .quantity(input.quantity()).side(Side.BUY).orderType(OrderType.LIMIT);
            return orderDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
        }
    }
}
