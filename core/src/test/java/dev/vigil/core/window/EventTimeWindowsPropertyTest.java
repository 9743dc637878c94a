package dev.vigil.core.window;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.TestFrames;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random out-of-order streams with late data, from several sources with heartbeats: the engine's windows emit
 * exactly what the naive reference model does — the same results, updates and late events, in the same order — and
 * a snapshot taken anywhere in the stream changes nothing.
 */
class EventTimeWindowsPropertyTest
{
    private static final int SOURCES = 3;

    /** One input: a transaction, or a heartbeat when key is 0. */
    record Op(long source, long key, long t, long value)
    {
    }

    record Scenario(WindowSpec spec, long outOfOrdernessNs, long idleTimeoutNs, List<Op> ops, int snapshotAt)
    {
    }

    @Property(tries = 400)
    void engineWindowsMatchTheReferenceModel(@ForAll("scenarios") final Scenario scenario) throws IOException
    {
        final WindowReferenceModel model =
            new WindowReferenceModel(scenario.spec(), scenario.outOfOrdernessNs(), scenario.idleTimeoutNs());
        final RecordingWindowSink engineOut = new RecordingWindowSink();
        final EventTimeWindows engine = newEngine(scenario, engineOut);

        final TestFrames frames = new TestFrames();
        final TransactionDecoder txn = new TransactionDecoder();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        long seq = 0;
        for (final Op op : scenario.ops())
        {
            seq++;
            if (op.key() == 0)
            {
                model.heartbeat(seq, op.source(), op.t());
                engine.onHeartbeat(seq, op.source(), op.t());
            }
            else
            {
                model.event(seq, op.source(), op.key(), op.t(), op.value());
                frames.transaction(op.source(), seq, op.t(), op.key(), op.value());
                txn.wrapAndApplyHeader(frames.buffer(), 0, header);
                engine.onTransaction(seq, txn);
            }
        }
        assertEquals(model.lines, engineOut.lines, scenario.spec().toString());
    }

    @Property(tries = 200)
    void aSnapshotAnywhereChangesNothing(@ForAll("scenarios") final Scenario scenario) throws IOException
    {
        final RecordingWindowSink straightOut = new RecordingWindowSink();
        final EventTimeWindows straight = newEngine(scenario, straightOut);
        run(straight, scenario.ops(), 0, scenario.ops().size());

        final RecordingWindowSink restoredOut = new RecordingWindowSink();
        final EventTimeWindows first = newEngine(scenario, restoredOut);
        run(first, scenario.ops(), 0, scenario.snapshotAt());
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.writeState(new DataOutputStream(bytes));

        final EventTimeWindows second = newEngine(scenario, restoredOut);
        second.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        final ByteArrayOutputStream again = new ByteArrayOutputStream();
        second.writeState(new DataOutputStream(again));
        assertEquals(List.of(bytes.toByteArray().length), List.of(again.toByteArray().length));
        assertEquals(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1),
            new String(again.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));

        run(second, scenario.ops(), scenario.snapshotAt(), scenario.ops().size());
        assertEquals(straightOut.lines, restoredOut.lines);
        // The restored windows go on as the ones that never stopped, down to the bytes of their next snapshot.
        assertEquals(stateText(straight), stateText(second));
    }

    private static String stateText(final EventTimeWindows engine) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        engine.writeState(new DataOutputStream(bytes));
        return new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static EventTimeWindows newEngine(final Scenario scenario, final WindowSink sink)
    {
        final EventTimeWindows engine = new EventTimeWindows(List.of(scenario.spec()),
            new SourceWatermarks(scenario.outOfOrdernessNs(), scenario.idleTimeoutNs(), SOURCES));
        engine.sink(sink);
        return engine;
    }

    private static void run(final EventTimeWindows engine, final List<Op> ops, final int from, final int to)
    {
        final TestFrames frames = new TestFrames();
        final TransactionDecoder txn = new TransactionDecoder();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        for (int i = from; i < to; i++)
        {
            final Op op = ops.get(i);
            final long seq = i + 1;
            if (op.key() == 0)
            {
                engine.onHeartbeat(seq, op.source(), op.t());
            }
            else
            {
                frames.transaction(op.source(), seq, op.t(), op.key(), op.value());
                txn.wrapAndApplyHeader(frames.buffer(), 0, header);
                engine.onTransaction(seq, txn);
            }
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<WindowSpec> specs = Arbitraries.integers().between(0, 2).flatMap(kind ->
            Combinators.combine(
                Arbitraries.longs().between(5, 30),
                Arbitraries.longs().between(1, 12),
                Arbitraries.longs().between(0, 29),
                Arbitraries.of(0L, 7L, 25L, 60L, 250L)).as((slide, panes, offset, lateness) ->
            {
                switch (kind)
                {
                    case 0:
                        return WindowSpec.tumbling(3, "tumbling", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                            WindowInput.Value.AMOUNT, slide, offset % slide, lateness, 64, 4096);
                    case 1:
                        return WindowSpec.sliding(4, "sliding", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                            WindowInput.Value.AMOUNT, slide * panes, slide, offset % slide, lateness, 64, 4096);
                    default:
                        return WindowSpec.session(5, "session", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                            WindowInput.Value.AMOUNT, slide, lateness, 64, 4096);
                }
            }));
        final Arbitrary<List<Op>> ops = Arbitraries.integers().between(1, 120).flatMap(this::opStream);
        return Combinators.combine(specs, Arbitraries.of(0L, 3L, 20L), Arbitraries.of(40L, 100_000L), ops,
            Arbitraries.integers().between(0, 1000))
            .as((spec, bound, idle, list, at) -> new Scenario(spec, bound, idle, list, at % (list.size() + 1)));
    }

    private Arbitrary<List<Op>> opStream(final int length)
    {
        final Arbitrary<long[]> steps = Combinators.combine(
            Arbitraries.longs().between(1, SOURCES),
            Arbitraries.longs().between(0, 4),
            Arbitraries.longs().between(0, 12),
            Arbitraries.longs().between(0, 40),
            Arbitraries.longs().between(-50, 500)).as((source, key, advance, behind, value) ->
                new long[]{source, key, advance, behind, value});
        return steps.list().ofSize(length).map(list ->
        {
            final long[] clocks = new long[SOURCES + 1];
            final List<Op> result = new ArrayList<>();
            for (final long[] step : list)
            {
                final int source = (int)step[0];
                clocks[source] += step[2];
                // Mostly in order; now and then an event from the past, sometimes beyond any lateness.
                final long t = Math.max(0, clocks[source] - (step[3] > 30 ? step[3] * 2 : step[3] / 8));
                result.add(new Op(source, step[1], step[1] == 0 ? clocks[source] : t, step[4]));
            }
            return result;
        });
    }
}
