package dev.vigil.app.backtest;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a backtest writes into its output directory, each CSV with a header line. A directory that already
 * holds any of them (an earlier run) is refused unless they may be overwritten; other files in it are left alone.
 */
public final class ReplayOutputs implements AutoCloseable
{
    /** One line per decision. */
    public static final String DECISIONS = "decisions.csv";
    /** One line per alert, as on the alert stream. */
    public static final String ALERTS = "alerts.csv";
    /** One line per window result. */
    public static final String WINDOWS = "windows.csv";
    /** One line per late event. */
    public static final String LATE = "late.csv";
    /** One line per input line not decided: unreadable, or refused by the engine's input checks. */
    public static final String REJECTED = "rejected.csv";
    /** The summary. */
    public static final String SUMMARY = "summary.txt";
    /** Every file written, in the order above. */
    public static final List<String> FILES = List.of(DECISIONS, ALERTS, WINDOWS, LATE, REJECTED, SUMMARY);

    private final Path dir;
    private final List<CsvWriter> open = new ArrayList<>();
    private final CsvWriter decisions;
    private final CsvWriter alerts;
    private final CsvWriter windows;
    private final CsvWriter late;
    private final CsvWriter rejected;

    private ReplayOutputs(final Path dir)
    {
        this.dir = dir;
        decisions = open(DECISIONS,
            "line,engineSeq,eventTime,type,account,card,merchant,instrument,verdict,firedRules");
        alerts = open(ALERTS, "line,engineSeq,clientId,clientSeq,ruleId,rule,action,key,observed,threshold," +
            "windowStart,windowEnd,eventTime,matched");
        windows = open(WINDOWS, "line,engineSeq,windowId,window,key,windowStart,windowEnd,count,sum,min,max,mean," +
            "update");
        late = open(LATE, "line,engineSeq,windowId,window,key,eventTime,watermark,reason");
        rejected = open(REJECTED, "line,reason,message");
    }

    /**
     * Create the directory if needed and start every CSV file.
     *
     * @param dir       the output directory.
     * @param overwrite whether files of an earlier run may be overwritten.
     * @return the outputs, open.
     * @throws ConfigException when the directory cannot be made or holds an earlier run's files.
     */
    public static ReplayOutputs create(final Path dir, final boolean overwrite)
    {
        PathChecks.writableDirectory("--out " + dir, dir);
        if (!overwrite)
        {
            final List<String> earlier = FILES.stream().filter(name -> Files.exists(dir.resolve(name))).toList();
            if (!earlier.isEmpty())
            {
                throw new ConfigException("--out " + dir + ": holds " + String.join(", ", earlier) +
                    " from an earlier run; choose another directory, or --force to overwrite them");
            }
        }
        return new ReplayOutputs(dir);
    }

    /**
     * @return where decisions go.
     */
    CsvWriter decisions()
    {
        return decisions;
    }

    /**
     * @return where alerts go.
     */
    CsvWriter alerts()
    {
        return alerts;
    }

    /**
     * @return where window results go.
     */
    CsvWriter windows()
    {
        return windows;
    }

    /**
     * @return where late events go.
     */
    CsvWriter late()
    {
        return late;
    }

    /**
     * @return where lines not decided go.
     */
    CsvWriter rejected()
    {
        return rejected;
    }

    /**
     * Write the summary and close every file.
     *
     * @param summary the summary's text.
     */
    public void finish(final String summary)
    {
        close();
        try
        {
            Files.writeString(dir.resolve(SUMMARY), summary, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(dir.resolve(SUMMARY) + ": cannot write", ex);
        }
    }

    /**
     * Close and delete every file, after a run that failed: half a backtest would look like a whole one.
     */
    public void discard()
    {
        open.forEach(CsvWriter::finish);
        open.clear();
        for (final String name : FILES)
        {
            try
            {
                Files.deleteIfExists(dir.resolve(name));
            }
            catch (final IOException ex)
            {
                // Best effort: the run's failure is what gets reported.
            }
        }
    }

    @Override
    public void close()
    {
        for (final CsvWriter writer : open)
        {
            if (!writer.finish())
            {
                throw new UncheckedIOException(new IOException(dir + ": writing an output file failed"));
            }
        }
        open.clear();
    }

    /**
     * @param value a cell.
     * @return the cell, quoted when it holds a comma, a quote or a line break.
     */
    public static String cell(final String value)
    {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0)
        {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private CsvWriter open(final String name, final String header)
    {
        final Path file = dir.resolve(name);
        try
        {
            final CsvWriter writer = new CsvWriter(Files.newOutputStream(file));
            open.add(writer);
            writer.add(header.getBytes(StandardCharsets.US_ASCII)).endRow();
            return writer;
        }
        catch (final IOException ex)
        {
            close();
            throw new ConfigException("--out " + dir + ": cannot write " + name + ": " + ex);
        }
    }
}
