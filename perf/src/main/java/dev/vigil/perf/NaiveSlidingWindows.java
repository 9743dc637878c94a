package dev.vigil.perf;

import dev.vigil.core.window.WindowSink;
import org.agrona.collections.Long2LongHashMap;

/**
 * The baseline the engine's pane-based windows are measured against: the textbook sliding window, which gives each
 * event to every one of the {@code size / slide} windows it belongs to and keeps one accumulator per window. Per key
 * the accumulators sit in a ring of {@code size / slide + 1} entries indexed by window number, so this baseline is
 * already cheaper than a hash map per window; a key's finished windows fire when its next event arrives. Benchmark
 * use only: in-order input, no lateness.
 */
final class NaiveSlidingWindows
{
    private final long sizeNs;
    private final long slideNs;
    private final int windowsPerEvent;
    private final int ringLength;
    private final Long2LongHashMap slotByKey;
    private final long[] keys;
    private final long[] firstOpenWindow;
    private final long[] count;
    private final long[] sum;
    private final long[] min;
    private final long[] max;
    private int keyCount;

    NaiveSlidingWindows(final long sizeNs, final long slideNs, final int maxKeys)
    {
        this.sizeNs = sizeNs;
        this.slideNs = slideNs;
        this.windowsPerEvent = (int)(sizeNs / slideNs);
        this.ringLength = windowsPerEvent + 1;
        this.slotByKey = new Long2LongHashMap(maxKeys * 2, 0.6f, -1);
        this.keys = new long[maxKeys];
        this.firstOpenWindow = new long[maxKeys];
        final int accumulators = maxKeys * ringLength;
        this.count = new long[accumulators];
        this.sum = new long[accumulators];
        this.min = new long[accumulators];
        this.max = new long[accumulators];
    }

    void onEvent(final long key, final long eventTimeNs, final long value, final long watermark, final WindowSink sink)
    {
        int slot = (int)slotByKey.get(key);
        if (slot < 0)
        {
            slot = keyCount++;
            slotByKey.put(key, slot);
            keys[slot] = key;
            firstOpenWindow[slot] = Long.MIN_VALUE;
        }
        fireFinished(slot, watermark, sink);

        // Window w is [w * slide - size + slide, w * slide + slide): an event belongs to windows pane .. pane + n - 1.
        final long pane = Math.floorDiv(eventTimeNs, slideNs);
        if (firstOpenWindow[slot] == Long.MIN_VALUE)
        {
            firstOpenWindow[slot] = pane;
        }
        final int base = slot * ringLength;
        for (long window = pane; window < pane + windowsPerEvent; window++)
        {
            final int index = base + (int)Math.floorMod(window, (long)ringLength);
            if (count[index] == 0)
            {
                min[index] = Long.MAX_VALUE;
                max[index] = Long.MIN_VALUE;
            }
            count[index]++;
            sum[index] += value;
            min[index] = Math.min(min[index], value);
            max[index] = Math.max(max[index], value);
        }
    }

    private void fireFinished(final int slot, final long watermark, final WindowSink sink)
    {
        final int base = slot * ringLength;
        long window = firstOpenWindow[slot];
        while (window != Long.MIN_VALUE && (window + 1) * slideNs - 1 <= watermark)
        {
            final int index = base + (int)Math.floorMod(window, (long)ringLength);
            if (count[index] > 0)
            {
                final long end = (window + 1) * slideNs;
                sink.onWindowResult(0, 0, keys[slot], end - sizeNs, end, count[index], sum[index], min[index],
                    max[index], false);
                count[index] = 0;
                sum[index] = 0;
            }
            window++;
        }
        firstOpenWindow[slot] = window;
    }
}
