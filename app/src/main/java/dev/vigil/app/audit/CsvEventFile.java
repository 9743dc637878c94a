package dev.vigil.app.audit;

import dev.vigil.app.config.ConfigException;
import org.agrona.MutableDirectBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An events CSV file read in file order: the header line names the columns (see {@link CsvEventReader}), then each
 * non-blank line is one event, known by its line number.
 */
public final class CsvEventFile implements AutoCloseable
{
    private final Path path;
    private final BufferedReader reader;
    private final CsvEventReader events;
    private int lineNumber = 1;
    private String line;

    private CsvEventFile(final Path path, final BufferedReader reader, final CsvEventReader events)
    {
        this.path = path;
        this.reader = reader;
        this.events = events;
    }

    /**
     * Open a file and read its header line.
     *
     * @param path the file.
     * @return the file, before its first event.
     * @throws ConfigException when the file is empty or its header names unknown columns or lacks required ones.
     */
    public static CsvEventFile open(final Path path)
    {
        final BufferedReader reader;
        try
        {
            reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": cannot read", ex);
        }
        boolean opened = false;
        try
        {
            final String headerLine = reader.readLine();
            if (headerLine == null)
            {
                throw new ConfigException(path + ": empty file; the first line must name the columns");
            }
            final CsvEventFile file = new CsvEventFile(path, reader, new CsvEventReader(path.toString(), headerLine));
            opened = true;
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": cannot read", ex);
        }
        finally
        {
            if (!opened)
            {
                closeQuietly(reader);
            }
        }
    }

    private static void closeQuietly(final BufferedReader reader)
    {
        try
        {
            reader.close();
        }
        catch (final IOException ex)
        {
            // Already failing: the first failure is the one reported.
        }
    }

    /**
     * Move to the next event line, passing over blank lines.
     *
     * @return false at the end of the file.
     */
    public boolean next()
    {
        try
        {
            while ((line = reader.readLine()) != null)
            {
                lineNumber++;
                if (!line.isBlank())
                {
                    return true;
                }
            }
            return false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": cannot read after line " + lineNumber, ex);
        }
    }

    /**
     * @return 1-based line number of the current event line.
     */
    public int lineNumber()
    {
        return lineNumber;
    }

    /**
     * Encode the current event line as the frame a client would have sent.
     *
     * @param clientId  client id to put in the frame.
     * @param clientSeq client sequence to put in the frame.
     * @param buffer    where to encode.
     * @return the frame length.
     * @throws ConfigException naming file, line, column, value and what is allowed.
     */
    public int encode(final long clientId, final long clientSeq, final MutableDirectBuffer buffer)
    {
        return events.encode(lineNumber, line, clientId, clientSeq, buffer);
    }

    /**
     * @return event time of the line last encoded.
     */
    public long eventTimeNs()
    {
        return events.eventTimeNs();
    }

    @Override
    public void close()
    {
        try
        {
            reader.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(path + ": cannot close", ex);
        }
    }
}
