package dev.vigil.app.backtest;

import dev.vigil.codecs.LateReason;
import dev.vigil.core.window.WindowSink;
import dev.vigil.core.window.WindowSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The window sink of a backtest: writes each window result to windows.csv and each late event to late.csv, with
 * the fields of the live {@code WindowResult} and {@code LateEvent} messages and the CSV line of the input whose
 * arrival emitted it, and counts them.
 */
final class WindowRows implements WindowSink
{
    private final PrintWriter results;
    private final PrintWriter late;
    private final Supplier<List<WindowSpec>> specs;
    private final CsvRow row = new CsvRow();
    private int line;
    private long resultCount;
    private long updateCount;
    private long lateCount;

    /**
     * @param results where window results go.
     * @param late    where late events go.
     * @param specs   the aggregations in force, for their names.
     */
    WindowRows(final PrintWriter results, final PrintWriter late, final Supplier<List<WindowSpec>> specs)
    {
        this.results = results;
        this.late = late;
        this.specs = specs;
    }

    /**
     * @param line CSV line of the input the rules stage takes next.
     */
    void line(final int line)
    {
        this.line = line;
    }

    @Override
    public void onWindowResult(
        final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
        final long count, final long sum, final long min, final long max, final boolean update)
    {
        resultCount++;
        if (update)
        {
            updateCount++;
        }
        row.add(line).add(engineSeq).add(windowId).add(name(windowId)).add(key).time(startNs).time(endNs).add(count)
            .add(sum).add(min).add(max).add(String.format(Locale.ROOT, "%.2f", count == 0 ? 0.0 : (double)sum / count))
            .add(Boolean.toString(update)).writeTo(results);
    }

    @Override
    public void onLateEvent(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        lateCount++;
        row.add(line).add(engineSeq).add(windowId).add(name(windowId)).add(key).time(eventTimeNs).time(watermarkNs)
            .add(LateReason.BEYOND_ALLOWED_LATENESS).writeTo(late);
    }

    /**
     * @return window results written, updates included.
     */
    long results()
    {
        return resultCount;
    }

    /**
     * @return window results that replace an earlier one.
     */
    long updates()
    {
        return updateCount;
    }

    /**
     * @return late events written.
     */
    long lateEvents()
    {
        return lateCount;
    }

    private String name(final int windowId)
    {
        for (final WindowSpec spec : specs.get())
        {
            if (spec.id() == windowId)
            {
                return spec.name();
            }
        }
        return "window-" + windowId;
    }
}
