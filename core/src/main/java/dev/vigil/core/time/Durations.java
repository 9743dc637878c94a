package dev.vigil.core.time;

import java.util.concurrent.TimeUnit;

/**
 * Parses durations written with a unit, as people write them in configuration: {@code 250ns}, {@code 10us},
 * {@code 5ms}, {@code 2s}, {@code 3m}, {@code 1h}.
 */
public final class Durations
{
    private Durations()
    {
    }

    /**
     * @param text a number followed by one of ns, us, ms, s, m, h.
     * @return the duration in nanoseconds.
     * @throws IllegalArgumentException when the text is not such a duration.
     */
    public static long parseNs(final String text)
    {
        final String trimmed = text.trim();
        int split = 0;
        while (split < trimmed.length() && Character.isDigit(trimmed.charAt(split)))
        {
            split++;
        }
        if (split == 0 || split == trimmed.length())
        {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500us, 10ms, 2s or 1m");
        }
        final long amount = Long.parseLong(trimmed.substring(0, split));
        final TimeUnit unit = unitOf(trimmed.substring(split), text);
        return unit.toNanos(amount);
    }

    /**
     * @param durationNs a duration.
     * @return the shortest exact rendering with a unit, e.g. {@code 1500000ns} → {@code 1500us}.
     */
    public static String format(final long durationNs)
    {
        if (durationNs != 0)
        {
            if (durationNs % TimeUnit.HOURS.toNanos(1) == 0)
            {
                return durationNs / TimeUnit.HOURS.toNanos(1) + "h";
            }
            if (durationNs % TimeUnit.MINUTES.toNanos(1) == 0)
            {
                return durationNs / TimeUnit.MINUTES.toNanos(1) + "m";
            }
            if (durationNs % TimeUnit.SECONDS.toNanos(1) == 0)
            {
                return durationNs / TimeUnit.SECONDS.toNanos(1) + "s";
            }
            if (durationNs % TimeUnit.MILLISECONDS.toNanos(1) == 0)
            {
                return durationNs / TimeUnit.MILLISECONDS.toNanos(1) + "ms";
            }
            if (durationNs % TimeUnit.MICROSECONDS.toNanos(1) == 0)
            {
                return durationNs / TimeUnit.MICROSECONDS.toNanos(1) + "us";
            }
        }
        return durationNs + "ns";
    }

    private static TimeUnit unitOf(final String suffix, final String text)
    {
        switch (suffix)
        {
            case "ns":
                return TimeUnit.NANOSECONDS;
            case "us":
                return TimeUnit.MICROSECONDS;
            case "ms":
                return TimeUnit.MILLISECONDS;
            case "s":
                return TimeUnit.SECONDS;
            case "m":
                return TimeUnit.MINUTES;
            case "h":
                return TimeUnit.HOURS;
            case "d":
                return TimeUnit.DAYS;
            default:
                throw new IllegalArgumentException(
                    "'" + text + "' has unknown unit '" + suffix + "'; use ns, us, ms, s, m, h or d");
        }
    }
}
