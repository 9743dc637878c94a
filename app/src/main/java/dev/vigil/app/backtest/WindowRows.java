package dev.vigil.app.backtest;

import dev.vigil.codecs.LateReason;
import dev.vigil.core.window.WindowSink;
import dev.vigil.core.window.WindowSpec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The window sink of a backtest: writes each window result to windows.csv and each late event to late.csv, with
 * the fields of the live {@code WindowResult} and {@code LateEvent} messages and the CSV line of the input whose
 * arrival emitted it, and counts them. The windows' names are encoded once per list of windows, so that a row
 * allocates nothing.
 */
final class WindowRows implements WindowSink
{
    private static final byte[] BEYOND_ALLOWED_LATENESS =
        LateReason.BEYOND_ALLOWED_LATENESS.name().getBytes(StandardCharsets.US_ASCII);

    private final CsvWriter results;
    private final CsvWriter late;
    private final Supplier<List<WindowSpec>> specs;
    /** Each window's name as a cell, by window id. */
    private byte[][] nameCells = new byte[0][];
    private List<WindowSpec> namesOf;
    private int line;
    private long resultCount;
    private long updateCount;
    private long lateCount;

    /**
     * @param results where window results go.
     * @param late    where late events go.
     * @param specs   the aggregations in force, for their names.
     */
    WindowRows(final CsvWriter results, final CsvWriter late, final Supplier<List<WindowSpec>> specs)
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
        results.add(line).add(engineSeq).add(windowId).add(name(windowId)).add(key).time(startNs).time(endNs)
            .add(count).add(sum).add(min).add(max).mean(sum, count).add(update).endRow();
    }

    @Override
    public void onLateEvent(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        lateCount++;
        late.add(line).add(engineSeq).add(windowId).add(name(windowId)).add(key).time(eventTimeNs).time(watermarkNs)
            .add(BEYOND_ALLOWED_LATENESS).endRow();
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

    private byte[] name(final int windowId)
    {
        final List<WindowSpec> windows = specs.get();
        if (windows != namesOf)
        {
            nameWindows(windows);
        }
        if (windowId >= 0 && windowId < nameCells.length && nameCells[windowId] != null)
        {
            return nameCells[windowId];
        }
        return cell("window-" + windowId);
    }

    private void nameWindows(final List<WindowSpec> windows)
    {
        int maxId = -1;
        for (final WindowSpec spec : windows)
        {
            maxId = Math.max(maxId, spec.id());
        }
        nameCells = new byte[maxId + 1][];
        for (final WindowSpec spec : windows)
        {
            // The first of a repeated id, as a search in list order finds.
            if (spec.id() >= 0 && nameCells[spec.id()] == null)
            {
                nameCells[spec.id()] = cell(spec.name());
            }
        }
        namesOf = windows;
    }

    private static byte[] cell(final String name)
    {
        return ReplayOutputs.cell(name).getBytes(StandardCharsets.UTF_8);
    }
}
