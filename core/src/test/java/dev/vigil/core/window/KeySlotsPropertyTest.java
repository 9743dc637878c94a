package dev.vigil.core.window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random sequences of keys added, scheduled (often at tied due times, as keys whose windows end together are),
 * rescheduled, fired and released: {@link KeySlots} gives the same slots, the same first key and due time, and the
 * same heap array, entry by entry, as {@link ReferenceKeySlots}, the order as it was before its heap entries held
 * their due times and keys. Snapshots write the keys in that array's order, so their bytes stay the same too.
 */
class KeySlotsPropertyTest
{
    private static final int MAX_KEYS = 64;

    /** What an op does with the key it names: 0 add, 1 schedule, 2 release, 3 fire the first key. */
    record Op(int kind, long key, long dueTime)
    {
    }

    @Property(tries = 500)
    void ordersKeysAsTheReferenceDoes(@ForAll("ops") final List<Op> ops)
    {
        final KeySlots slots = new KeySlots(MAX_KEYS);
        final ReferenceKeySlots reference = new ReferenceKeySlots(MAX_KEYS);
        for (final Op op : ops)
        {
            final int slot = slots.slotOf(op.key());
            assertEquals(reference.slotOf(op.key()), slot);
            switch (op.kind())
            {
                case 0 ->
                {
                    if (slot == KeySlots.NO_SLOT)
                    {
                        assertEquals(reference.add(op.key()), slots.add(op.key()));
                    }
                }
                case 1 ->
                {
                    if (slot != KeySlots.NO_SLOT)
                    {
                        slots.schedule(slot, op.dueTime());
                        reference.schedule(slot, op.dueTime());
                    }
                }
                case 2 ->
                {
                    if (slot != KeySlots.NO_SLOT)
                    {
                        slots.release(slot);
                        reference.release(slot);
                    }
                }
                default ->
                {
                    // Fire the first key: it moves on to a later due time, as a key does once its window fired.
                    final int first = slots.first();
                    assertEquals(reference.first(), first);
                    if (first != KeySlots.NO_SLOT)
                    {
                        assertEquals(reference.due(first), slots.due(first));
                        slots.schedule(first, slots.due(first) + op.dueTime());
                        reference.schedule(first, reference.due(first) + op.dueTime());
                    }
                }
            }
            assertSameOrder(reference, slots);
        }
    }

    private static void assertSameOrder(final ReferenceKeySlots reference, final KeySlots slots)
    {
        assertEquals(reference.count(), slots.count());
        assertEquals(reference.scheduled(), slots.scheduled());
        assertEquals(reference.first(), slots.first());
        for (int i = 0; i < slots.scheduled(); i++)
        {
            final int slot = slots.scheduledAt(i);
            assertEquals(reference.scheduledAt(i), slot);
            assertEquals(reference.key(slot), slots.key(slot));
            assertEquals(reference.due(slot), slots.due(slot));
            assertEquals(true, slots.isScheduled(slot));
        }
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        // Few keys and few distinct due times, so that ties (broken by key) and collisions are common.
        final Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(-40, 40),
            Arbitraries.longs().between(0, 6).map(d -> d * 600))
            .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }
}
