package dev.vigil.perf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficMixTest
{
    @Test
    void weightsBecomeAShareOfOrders()
    {
        assertEquals(15, TrafficMix.parseOrdersPercent("transactions=85,orders=15"));
        assertEquals(25, TrafficMix.parseOrdersPercent("orders=1, transactions=3"));
        assertEquals(0, TrafficMix.parseOrdersPercent("transactions=1"));
        assertEquals(100, TrafficMix.parseOrdersPercent("orders=7"));
    }

    @Test
    void badMixesSayWhatIsWrong()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficMix.parseOrdersPercent("payments=3"))
            .getMessage().contains("'payments' is not a message type"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficMix.parseOrdersPercent("orders"))
            .getMessage().contains("NAME=WEIGHT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficMix.parseOrdersPercent("orders=-1"))
            .getMessage().contains("weight of orders"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrafficMix.parseOrdersPercent("orders=0"))
            .getMessage().contains("add up to 0"));
    }

    @Test
    void theStreamFollowsTheMixAndTheKeys()
    {
        final TrafficMix mix = new TrafficMix(15, 1_000, 42);
        int orders = 0;
        final int[] perKey = new int[1_001];
        for (long i = 0; i < 100_000; i++)
        {
            orders += mix.isOrder(i) ? 1 : 0;
            final long account = mix.account(i);
            assertTrue(account >= 1 && account <= 1_000, "account " + account);
            perKey[(int)account]++;
        }
        assertEquals(15_000, orders, 500);
        for (int key = 1; key <= 1_000; key++)
        {
            assertTrue(perKey[key] > 40 && perKey[key] < 170, "key " + key + " drawn " + perKey[key] + " times");
        }
    }

    @Test
    void theSameSeedGivesTheSameStream()
    {
        final TrafficMix first = new TrafficMix(50, 10_000, 7);
        final TrafficMix again = new TrafficMix(50, 10_000, 7);
        final TrafficMix other = new TrafficMix(50, 10_000, 8);
        long differences = 0;
        for (long i = 0; i < 1_000; i++)
        {
            assertEquals(first.account(i), again.account(i));
            assertEquals(first.isOrder(i), again.isOrder(i));
            differences += first.account(i) != other.account(i) ? 1 : 0;
        }
        assertNotEquals(0, differences);
    }
}
