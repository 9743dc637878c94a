package dev.vigil.perf;

import java.util.Locale;

/**
 * Finds stalls in a run: stretches of consecutive answers whose latency is above a threshold. A stall starts with the
 * first request over the threshold and ends with the next one under it; it is reported with when it started (the
 * intended send time of its first request, from the start of measurement), its worst latency and how many requests
 * it delayed. Storage is allocated up front; stalls past the capacity are counted, not listed.
 */
final class HiccupDetector
{
    private static final int CAPACITY = 1_000;

    private final long thresholdNs;
    private final long[] startNs = new long[CAPACITY];
    private final long[] worstNs = new long[CAPACITY];
    private final long[] requests = new long[CAPACITY];
    private int listed;
    private long stalls;
    private boolean inStall;

    /**
     * @param thresholdNs latency above which a request counts as stalled.
     */
    HiccupDetector(final long thresholdNs)
    {
        this.thresholdNs = thresholdNs;
    }

    /**
     * One answered request, in the order answers arrive.
     *
     * @param sinceMeasureStartNs the request's intended send time, from the start of measurement.
     * @param latencyNs           its latency.
     */
    void record(final long sinceMeasureStartNs, final long latencyNs)
    {
        if (latencyNs <= thresholdNs)
        {
            inStall = false;
            return;
        }
        if (!inStall)
        {
            inStall = true;
            stalls++;
            if (listed < CAPACITY)
            {
                startNs[listed] = sinceMeasureStartNs;
                worstNs[listed] = 0;
                requests[listed] = 0;
                listed++;
            }
        }
        if (stalls <= CAPACITY)
        {
            final int last = listed - 1;
            worstNs[last] = Math.max(worstNs[last], latencyNs);
            requests[last]++;
        }
    }

    /**
     * @return stalls seen, listed or not.
     */
    long stalls()
    {
        return stalls;
    }

    /**
     * @return stalls listed, at most the capacity.
     */
    int listed()
    {
        return listed;
    }

    long startNs(final int stall)
    {
        return startNs[stall];
    }

    long worstNs(final int stall)
    {
        return worstNs[stall];
    }

    long requests(final int stall)
    {
        return requests[stall];
    }

    /**
     * @param indent   prefix of every line.
     * @param maxLines stalls to list at most, the first ones.
     * @return a count, then one line per stall, e.g. {@code at 3.214 s: worst 12.3 ms, 1,234 request(s) over...}.
     */
    String describe(final String indent, final int maxLines)
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%sstalls over %s: %,d%n", indent, formatNs(thresholdNs), stalls));
        final int lines = Math.min(listed, maxLines);
        for (int i = 0; i < lines; i++)
        {
            text.append(String.format(Locale.ROOT, "%s  at %9.3f s: worst %s, %,d request(s) over the threshold%n",
                indent, startNs[i] / 1e9, formatNs(worstNs[i]), requests[i]));
        }
        if (stalls > lines)
        {
            text.append(String.format(Locale.ROOT, "%s  ... and %,d more%n", indent, stalls - lines));
        }
        return text.toString();
    }

    /**
     * @param durationNs a duration.
     * @return it in the unit that reads best: µs below 1 ms, ms below 1 s, else s.
     */
    static String formatNs(final long durationNs)
    {
        if (durationNs < 1_000_000L)
        {
            return String.format(Locale.ROOT, "%.1f us", durationNs / 1e3);
        }
        if (durationNs < 1_000_000_000L)
        {
            return String.format(Locale.ROOT, "%.1f ms", durationNs / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", durationNs / 1e9);
    }
}
