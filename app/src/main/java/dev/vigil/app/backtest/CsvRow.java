package dev.vigil.app.backtest;

import java.io.PrintWriter;

/**
 * One line of an output CSV file, built cell by cell into a reused buffer and then written.
 */
final class CsvRow
{
    private final StringBuilder text = new StringBuilder(256);
    private boolean empty = true;

    /**
     * @param value a number.
     * @return this row.
     */
    CsvRow add(final long value)
    {
        next().append(value);
        return this;
    }

    /**
     * @param value a text, quoted when it needs to be.
     * @return this row.
     */
    CsvRow add(final String value)
    {
        next().append(ReplayOutputs.cell(value));
        return this;
    }

    /**
     * @param value an enum constant, by name.
     * @return this row.
     */
    CsvRow add(final Enum<?> value)
    {
        next().append(value.name());
        return this;
    }

    /**
     * @param epochNs a time in nanoseconds since the epoch, written as an ISO-8601 instant.
     * @return this row.
     */
    CsvRow time(final long epochNs)
    {
        next().append(ReplayOutputs.time(epochNs));
        return this;
    }

    /**
     * @return this row, with an empty cell added.
     */
    CsvRow none()
    {
        next();
        return this;
    }

    /**
     * Write the row as a line and start the next one.
     *
     * @param out where to write.
     */
    void writeTo(final PrintWriter out)
    {
        text.append(System.lineSeparator());
        out.append(text);
        text.setLength(0);
        empty = true;
    }

    private StringBuilder next()
    {
        if (!empty)
        {
            text.append(',');
        }
        empty = false;
        return text;
    }
}
