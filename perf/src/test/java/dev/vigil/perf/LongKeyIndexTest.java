package dev.vigil.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class LongKeyIndexTest
{
    @Test
    void assignsDenseSlotsInArrivalOrder()
    {
        final LongKeyIndex index = new LongKeyIndex(8);

        assertEquals(0, index.slotFor(1_000L));
        assertEquals(1, index.slotFor(-5L));
        assertEquals(2, index.slotFor(0L));
        assertEquals(3, index.slotFor(Long.MIN_VALUE));
        assertEquals(4, index.slotFor(Long.MAX_VALUE));
        assertEquals(5, index.size());
        assertEquals(8, index.capacity());
    }

    @Test
    void sameKeyGetsSameSlot()
    {
        final LongKeyIndex index = new LongKeyIndex(4);
        final int a = index.slotFor(42L);
        final int b = index.slotFor(43L);

        assertEquals(a, index.slotFor(42L));
        assertEquals(b, index.slotFor(43L));
        assertEquals(a, index.slotFor(42L));
        assertEquals(2, index.size());
    }

    @Test
    void returnsFullForNewKeyOnceCapacityReachedWhileKnownKeysStillResolve()
    {
        final LongKeyIndex index = new LongKeyIndex(3);

        assertEquals(0, index.slotFor(10L));
        assertEquals(1, index.slotFor(20L));
        assertEquals(2, index.slotFor(30L));

        assertEquals(LongKeyIndex.FULL, index.slotFor(40L));
        assertEquals(LongKeyIndex.FULL, index.slotFor(50L));
        assertEquals(3, index.size());

        assertEquals(0, index.slotFor(10L));
        assertEquals(1, index.slotFor(20L));
        assertEquals(2, index.slotFor(30L));
        assertEquals(LongKeyIndex.FULL, index.slotFor(40L));
        assertEquals(3, index.size());
    }

    @Test
    void capacityOfOneHoldsOneKey()
    {
        final LongKeyIndex index = new LongKeyIndex(1);

        assertEquals(0, index.slotFor(7L));
        assertEquals(LongKeyIndex.FULL, index.slotFor(8L));
        assertEquals(0, index.slotFor(7L));
        assertEquals(1, index.size());
    }

    @Test
    void keysThatDifferOnlyInHighBitsGetDistinctSlots()
    {
        final int maxKeys = 64;
        final LongKeyIndex index = new LongKeyIndex(maxKeys);
        for (int i = 0; i < maxKeys; i++)
        {
            assertEquals(i, index.slotFor((long)i << 40));
        }
        for (int i = 0; i < maxKeys; i++)
        {
            assertEquals(i, index.slotFor((long)i << 40));
        }
        assertEquals(LongKeyIndex.FULL, index.slotFor(1L << 39));
        assertEquals(maxKeys, index.size());
    }

    @Test
    void randomKeysMatchHashMapReference()
    {
        final int maxKeys = 5_000;
        final LongKeyIndex index = new LongKeyIndex(maxKeys);
        final Map<Long, Integer> reference = new HashMap<>();
        final Random random = new Random(0x5EED_1234L);
        final long[] keySpace = new long[8_000];
        for (int i = 0; i < keySpace.length; i++)
        {
            keySpace[i] = i % 3 == 0 ? random.nextInt(100_000) : random.nextLong();
        }

        int fullCount = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final long key = keySpace[random.nextInt(keySpace.length)];
            Integer expected = reference.get(key);
            if (expected == null)
            {
                expected = reference.size() < maxKeys ? reference.size() : LongKeyIndex.FULL;
                if (expected != LongKeyIndex.FULL)
                {
                    reference.put(key, expected);
                }
            }
            final int actual = index.slotFor(key);
            assertEquals(expected.intValue(), actual, "key " + key + " at step " + i);
            if (actual == LongKeyIndex.FULL)
            {
                fullCount++;
            }
        }

        assertEquals(maxKeys, reference.size());
        assertEquals(maxKeys, index.size());
        assertTrue(fullCount > 0, "the key space must exceed capacity so FULL is exercised");
        for (final Map.Entry<Long, Integer> entry : reference.entrySet())
        {
            assertEquals(entry.getValue().intValue(), index.slotFor(entry.getKey()));
        }
    }

    @Test
    void rejectsCapacityOutOfRange()
    {
        final IllegalArgumentException zero =
            assertThrows(IllegalArgumentException.class, () -> new LongKeyIndex(0));
        assertEquals("maxKeys=0 must be in [1, 2^28]", zero.getMessage());

        final IllegalArgumentException tooMany =
            assertThrows(IllegalArgumentException.class, () -> new LongKeyIndex((1 << 28) + 1));
        assertEquals("maxKeys=268435457 must be in [1, 2^28]", tooMany.getMessage());
    }
}
