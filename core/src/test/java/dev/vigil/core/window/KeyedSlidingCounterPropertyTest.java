package dev.vigil.core.window;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sliding counter behind the velocity, order-rate, amount-sum and notional rules, over random out-of-order
 * streams, against a naive model that keeps every event: each event's answer (its window's total, or late) is the
 * model's, so each of those rules fires exactly where the model says; a snapshot anywhere changes nothing.
 */
class KeyedSlidingCounterPropertyTest
{
    record Event(long key, long t, long weight)
    {
    }

    record Scenario(long slideNs, int panes, List<Event> events, int snapshotAt)
    {
    }

    /**
     * The rules' documented semantics, kept naively: per key, every counted event. An event older than the key's
     * newest window (newest pane − panes + 1) is late and counts nowhere; any other counts in its pane, and its
     * answer is the total of its window {@code [its pane − panes + 1, its pane]} over the panes that are still in the
     * key's newest window.
     */
    static final class Model
    {
        private final long slideNs;
        private final int panes;
        private final Map<Long, List<long[]>> counted = new HashMap<>();
        private final Map<Long, Long> newestPane = new HashMap<>();

        Model(final long slideNs, final int panes)
        {
            this.slideNs = slideNs;
            this.panes = panes;
        }

        long add(final long key, final long t, final long weight)
        {
            final long pane = Math.floorDiv(t, slideNs);
            final long newest = Math.max(pane, newestPane.getOrDefault(key, pane));
            if (pane <= newest - panes)
            {
                return KeyedSlidingCounter.LATE;
            }
            newestPane.put(key, newest);
            counted.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[]{pane, weight});
            final long from = Math.max(pane - panes + 1, newest - panes + 1);
            long total = 0;
            for (final long[] event : counted.get(key))
            {
                if (event[0] >= from && event[0] <= pane)
                {
                    total += event[1];
                }
            }
            return total;
        }
    }

    @Property(tries = 1000)
    void everyAnswerIsTheModels(@ForAll("scenarios") final Scenario scenario) throws IOException
    {
        final long sizeNs = scenario.slideNs() * scenario.panes();
        KeyedSlidingCounter counter = new KeyedSlidingCounter(8, sizeNs, scenario.slideNs());
        final Model model = new Model(scenario.slideNs(), scenario.panes());
        for (int i = 0; i < scenario.events().size(); i++)
        {
            if (i == scenario.snapshotAt())
            {
                counter = copyThroughSnapshot(counter, sizeNs, scenario.slideNs());
            }
            final Event event = scenario.events().get(i);
            assertEquals(model.add(event.key(), event.t(), event.weight()),
                counter.add(event.key(), event.t(), event.weight()), "event " + i + " " + event);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios()
    {
        final Arbitrary<Long> slides = Arbitraries.of(1L, 3L, 10L);
        final Arbitrary<Integer> panes = Arbitraries.integers().between(1, 6);
        final Arbitrary<List<Event>> events = Combinators.combine(
            Arbitraries.longs().between(1, 3),
            Arbitraries.longs().between(0, 12),
            Arbitraries.longs().between(-40, 8),
            Arbitraries.longs().between(0, 5))
            .as((key, step, jitter, weight) -> new long[]{key, step, jitter, weight})
            .list().ofMinSize(1).ofMaxSize(60)
            .map(KeyedSlidingCounterPropertyTest::toEvents);
        return Combinators.combine(slides, panes, events, Arbitraries.integers().between(0, 60))
            .as(Scenario::new);
    }

    /** A clock that moves forward in steps, each event jittered around it: mostly in order, sometimes far behind. */
    private static List<Event> toEvents(final List<long[]> draws)
    {
        final List<Event> events = new ArrayList<>();
        long now = 1_000;
        for (final long[] draw : draws)
        {
            now += draw[1];
            events.add(new Event(draw[0], now + draw[2], draw[3]));
        }
        return events;
    }

    private static KeyedSlidingCounter copyThroughSnapshot(
        final KeyedSlidingCounter counter, final long sizeNs, final long slideNs) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        counter.writeTo(new DataOutputStream(bytes));
        final KeyedSlidingCounter copy = new KeyedSlidingCounter(8, sizeNs, slideNs);
        copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return copy;
    }
}
