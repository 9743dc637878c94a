package dev.vigil.perf;

import java.util.Locale;

/**
 * What request {@code i} of a bench run is: a Transaction or an Order, and for which account. Drawn from a hash of
 * the seed and the index, so the same seed gives the same stream whatever the timing, a back-pressured request is
 * resent unchanged, and nothing is allocated or kept per request.
 */
final class TrafficMix
{
    private static final int PERCENT = 100;

    private final int ordersPercent;
    private final int keys;
    private final long seed;

    /**
     * @param ordersPercent share of Orders, 0 to 100; the rest are Transactions.
     * @param keys          accounts the requests are spread over, uniformly.
     * @param seed          seed of the stream.
     */
    TrafficMix(final int ordersPercent, final int keys, final long seed)
    {
        if (ordersPercent < 0 || ordersPercent > PERCENT)
        {
            throw new IllegalArgumentException("orders " + ordersPercent + "%: allowed 0 to 100");
        }
        if (keys < 1)
        {
            throw new IllegalArgumentException("keys " + keys + ": allowed 1 or more");
        }
        this.ordersPercent = ordersPercent;
        this.keys = keys;
        this.seed = seed;
    }

    /**
     * Parse a mix written {@code transactions=85,orders=15}: relative weights, in any order, either may be left out
     * (it then weighs 0); the weights need not add up to 100.
     *
     * @param text the mix.
     * @return the share of Orders in percent, rounded.
     * @throws IllegalArgumentException naming what is wrong.
     */
    static int parseOrdersPercent(final String text)
    {
        long transactions = 0;
        long orders = 0;
        for (final String part : text.split(",", -1))
        {
            final int equals = part.indexOf('=');
            if (equals < 0)
            {
                throw new IllegalArgumentException(
                    "'" + part + "' is not NAME=WEIGHT (e.g. transactions=85,orders=15)");
            }
            final String type = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            final long weight = parseWeight(part.substring(equals + 1).trim(), type);
            switch (type)
            {
                case "transactions":
                    transactions += weight;
                    break;
                case "orders":
                    orders += weight;
                    break;
                default:
                    throw new IllegalArgumentException(
                        "'" + type + "' is not a message type; allowed: transactions, orders");
            }
        }
        if (transactions + orders == 0)
        {
            throw new IllegalArgumentException("'" + text + "': the weights add up to 0");
        }
        return (int)Math.round(PERCENT * (double)orders / (transactions + orders));
    }

    /**
     * @param index request number.
     * @return true when it is an Order.
     */
    boolean isOrder(final long index)
    {
        return Long.remainderUnsigned(hash(index), PERCENT) < ordersPercent;
    }

    /**
     * @param index request number.
     * @return its account, 1 to keys.
     */
    long account(final long index)
    {
        return 1 + Long.remainderUnsigned(hash(index) >>> 8, keys);
    }

    /**
     * @return e.g. {@code transactions 85%, orders 15%}.
     */
    String describe()
    {
        return "transactions " + (PERCENT - ordersPercent) + "%, orders " + ordersPercent + "%";
    }

    private long hash(final long index)
    {
        // SplitMix64's finaliser: every bit of seed and index reaches every bit of the result.
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long parseWeight(final String text, final String type)
    {
        try
        {
            final long weight = Long.parseLong(text);
            if (weight >= 0 && weight <= 1_000_000)
            {
                return weight;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException(
            "weight of " + type + " '" + text + "': allowed a whole number 0 to 1000000");
    }
}
