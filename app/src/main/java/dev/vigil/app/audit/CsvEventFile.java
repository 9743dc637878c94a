package dev.vigil.app.audit;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.TextLineReader;
import org.agrona.MutableDirectBuffer;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An events CSV file read in file order: the header line names the columns (see {@link CsvEventReader}), then each
 * non-blank line is one event, known by its line number. Lines are read by {@link TextLineReader}: strict UTF-8, at
 * most {@link TextLineReader#MAX_LINE_BYTES} bytes each.
 */
public final class CsvEventFile implements AutoCloseable
{
    private final TextLineReader reader;
    private final CsvEventReader events;
    private final byte[] line;
    private int lineLength;

    private CsvEventFile(final TextLineReader reader, final CsvEventReader events)
    {
        this.reader = reader;
        this.events = events;
        this.line = reader.lineBytes();
    }

    /**
     * Open a file and read its header line.
     *
     * @param path the file.
     * @return the file, before its first event.
     * @throws ConfigException when the file cannot be read or is empty, its header names unknown columns or lacks
     *                         required ones, or its first line is too long or not UTF-8.
     */
    public static CsvEventFile open(final Path path)
    {
        final TextLineReader reader = TextLineReader.open(path, "the events CSV file");
        boolean opened = false;
        try
        {
            final String headerLine = reader.readLine();
            if (headerLine == null)
            {
                throw new ConfigException(path + ": empty file; the first line must name the columns");
            }
            final CsvEventFile file = new CsvEventFile(reader, new CsvEventReader(path.toString(), headerLine));
            opened = true;
            return file;
        }
        finally
        {
            if (!opened)
            {
                closeQuietly(reader);
            }
        }
    }

    private static void closeQuietly(final TextLineReader reader)
    {
        try
        {
            reader.close();
        }
        catch (final UncheckedIOException ex)
        {
            // Already failing: the first failure is the one reported.
        }
    }

    /**
     * Move to the next event line, passing over blank lines.
     *
     * @return false at the end of the file.
     * @throws ConfigException naming file and line when a line is too long or not UTF-8.
     */
    public boolean next()
    {
        while ((lineLength = reader.readLineBytes()) >= 0)
        {
            if (!isBlank())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return 1-based line number of the current event line.
     */
    public int lineNumber()
    {
        return reader.lineNumber();
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
        return events.encode(reader.lineNumber(), line, lineLength, clientId, clientSeq, buffer);
    }

    /**
     * @return event time of the line last encoded.
     */
    public long eventTimeNs()
    {
        return events.eventTimeNs();
    }

    /**
     * As {@link String#isBlank()}: nothing but white space.
     */
    private boolean isBlank()
    {
        boolean onlyAsciiSpace = true;
        for (int i = 0; i < lineLength; i++)
        {
            final int b = line[i];
            if (b >= 0 && !Character.isWhitespace(b))
            {
                return false;
            }
            onlyAsciiSpace &= b >= 0;
        }
        // Other characters than ASCII may be white space too; rare enough to ask the line as text.
        return onlyAsciiSpace || new String(line, 0, lineLength, StandardCharsets.UTF_8).isBlank();
    }

    @Override
    public void close()
    {
        reader.close();
    }
}
