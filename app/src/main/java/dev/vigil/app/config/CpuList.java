package dev.vigil.app.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of CPU ids written as ids and ranges, e.g. {@code 2,3,4-8}, in the order given.
 */
public final class CpuList
{
    private static final int MAX_RANGE = 4096;

    private CpuList()
    {
    }

    /**
     * @param text ids and ranges separated by commas; blank for none.
     * @return the CPU ids in order.
     * @throws IllegalArgumentException naming the part that is not an id or a range.
     */
    public static int[] parse(final String text)
    {
        if (text.isBlank())
        {
            return new int[0];
        }
        final List<Integer> cpus = new ArrayList<>();
        for (final String part : text.split(",", -1))
        {
            final String trimmed = part.trim();
            final int dash = trimmed.indexOf('-');
            try
            {
                final int first = Integer.parseInt(dash < 0 ? trimmed : trimmed.substring(0, dash));
                final int last = dash < 0 ? first : Integer.parseInt(trimmed.substring(dash + 1));
                if (first < 0 || last < first || last - first > MAX_RANGE)
                {
                    throw new IllegalArgumentException("'" + trimmed + "' is not a CPU id or range");
                }
                for (int cpu = first; cpu <= last; cpu++)
                {
                    cpus.add(cpu);
                }
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + trimmed + "' is not a CPU id or range", ex);
            }
        }
        return cpus.stream().mapToInt(Integer::intValue).toArray();
    }
}
