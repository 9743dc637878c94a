package dev.vigil.app.backtest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One output CSV file, its rows built cell by cell straight into a byte buffer that goes to the file when full: no
 * {@code String} or other allocation per row or cell, but for text cells ({@link #add(String)}) and for the rare mean
 * that only {@code String.format} can be trusted to print as it does.
 * <p>
 * As a {@link java.io.PrintWriter} does, it keeps the first failure to write rather than throwing it at the row that
 * met it: {@link #finish()} reports whether any write failed.
 */
final class CsvWriter
{
    private static final int BUFFER_BYTES = 64 * 1024;
    /** Most bytes of a number cell: 19 digits and a sign. */
    private static final int MAX_NUMBER_BYTES = 20;
    /** Bytes of the longest time cell: {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ}. */
    private static final int MAX_TIME_BYTES = 30;
    /** Sums up to which a mean to two places is exact from integer arithmetic: see {@link #mean(long, long)}. */
    private static final long EXACT_MEAN_SUM_LIMIT = 1_000_000_000_000L;
    /** Hundredths of a mean up to which this writes exact halves itself: see {@link #mean(long, long)}. */
    private static final long EXACT_HALVES_LIMIT = 2_500_000L;
    private static final byte[] LINE_END = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO_MEAN = "0.00".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN_VALUE = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final long[] POWERS_OF_TEN = powersOfTen();
    /** The tens and the ones digit of each number from 0 to 99. */
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    /** {@code yyyy-MM-ddTHH:mm:ss}: the part of a time cell before the fraction of a second. */
    private static final int SECOND_BYTES = 19;

    static
    {
        for (int i = 0; i < 100; i++)
        {
            TENS[i] = (byte)('0' + i / 10);
            ONES[i] = (byte)('0' + i % 10);
        }
    }

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    /** The second a time cell last had, and its first {@link #SECOND_BYTES} bytes: times come close together. */
    private final byte[] lastSecondText = new byte[SECOND_BYTES];
    private long lastSecond = Long.MIN_VALUE;
    private int position;
    private boolean rowEmpty = true;
    private boolean failed;

    /**
     * @param out where the bytes go; closed by {@link #finish()}.
     */
    CsvWriter(final OutputStream out)
    {
        this.out = out;
    }

    /**
     * @param value a number.
     * @return this writer.
     */
    CsvWriter add(final long value)
    {
        separate(MAX_NUMBER_BYTES);
        putLong(value);
        return this;
    }

    /**
     * @param cell the bytes of a cell, as it is written: UTF-8, quoted already where it needs to be.
     * @return this writer.
     */
    CsvWriter add(final byte[] cell)
    {
        separate(0);
        put(cell);
        return this;
    }

    /**
     * @param bytes more bytes of the cell last started, as they are written.
     * @return this writer.
     */
    CsvWriter append(final byte[] bytes)
    {
        put(bytes);
        return this;
    }

    /**
     * @param separator a byte written as it is, inside the cell last started; none when 0.
     * @param value     a number, more of that cell.
     * @return this writer.
     */
    CsvWriter appendNumber(final byte separator, final long value)
    {
        ensure(MAX_NUMBER_BYTES + 1);
        if (separator != 0)
        {
            buffer[position++] = separator;
        }
        putLong(value);
        return this;
    }

    /**
     * @param separator a byte written as it is, inside the cell last started.
     * @param epochNs   a time, more of that cell, as {@link #time} writes it.
     * @return this writer.
     */
    CsvWriter appendTime(final byte separator, final long epochNs)
    {
        ensure(MAX_TIME_BYTES + 1);
        buffer[position++] = separator;
        putTime(epochNs);
        return this;
    }

    /**
     * @param value a text, quoted when it needs to be; this allocates, for the rare rows that carry one.
     * @return this writer.
     */
    CsvWriter add(final String value)
    {
        return add(ReplayOutputs.cell(value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param value true or false, as words.
     * @return this writer.
     */
    CsvWriter add(final boolean value)
    {
        return add(value ? TRUE : FALSE);
    }

    /**
     * @param epochNs a time in nanoseconds since the epoch, written as {@code Instant.toString()} writes it: an
     *                ISO-8601 instant in UTC, with the fraction of a second in groups of three digits.
     * @return this writer.
     */
    CsvWriter time(final long epochNs)
    {
        separate(MAX_TIME_BYTES);
        putTime(epochNs);
        return this;
    }

    /**
     * The mean {@code sum / count} to two places, as {@code String.format(Locale.ROOT, "%.2f", mean)} writes it,
     * {@code 0.00} when {@code count} is 0.
     * <p>
     * {@code %.2f} rounds half up the decimal digits that {@code Double.toString} finds for the double
     * {@code (double)sum / count}. When {@code |sum| < 10^12} those digits are within 2<sup>-51</sup>{@code |sum| /
     * count < 1 / (2000 count)} of the exact quotient, while a quotient that is not exactly halfway between two
     * hundredths is at least {@code 1 / (200 count)} from halfway: so both round the same way, and the exact quotient,
     * rounded from integer arithmetic, is what {@code %.2f} prints. An exact half is a decimal of three places whose
     * double the digits give back as itself, which rounds half up too: checked for every half below 25,000.00 (the
     * double depends on the quotient only), which is as far as this writes halves itself. Other halves, larger sums
     * and negative counts ask {@code String.format}, which allocates.
     *
     * @param sum   the sum.
     * @param count how many.
     * @return this writer.
     */
    CsvWriter mean(final long sum, final long count)
    {
        if (count == 0 || (sum == 0 && count > 0))
        {
            return add(ZERO_MEAN);
        }
        if (count < 0 || sum <= -EXACT_MEAN_SUM_LIMIT || sum >= EXACT_MEAN_SUM_LIMIT)
        {
            return add(format(sum, count));
        }
        final long hundredths = Math.abs(sum) * 100;
        final long whole = hundredths / count;
        final long twiceRemainder = (hundredths % count) * 2;
        if (twiceRemainder == count && whole >= EXACT_HALVES_LIMIT)
        {
            return add(format(sum, count));
        }
        final long rounded = twiceRemainder >= count ? whole + 1 : whole;
        separate(MAX_NUMBER_BYTES + 2);
        if (sum < 0)
        {
            buffer[position++] = '-';
        }
        putLong(rounded / 100);
        buffer[position++] = '.';
        final int fraction = (int)(rounded % 100);
        buffer[position++] = (byte)('0' + fraction / 10);
        buffer[position++] = (byte)('0' + fraction % 10);
        return this;
    }

    /**
     * @return this writer, with an empty cell added.
     */
    CsvWriter none()
    {
        separate(0);
        return this;
    }

    /**
     * End the row with the platform's line separator, as {@code println} does.
     */
    void endRow()
    {
        ensure(LINE_END.length);
        for (final byte b : LINE_END)
        {
            buffer[position++] = b;
        }
        rowEmpty = true;
    }

    /**
     * Write what is buffered and close the file.
     *
     * @return true when every write succeeded.
     */
    boolean finish()
    {
        flush();
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            failed = true;
        }
        return !failed;
    }

    private static long[] powersOfTen()
    {
        final long[] powers = new long[19];
        powers[0] = 1;
        for (int i = 1; i < powers.length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }
        return powers;
    }

    private static String format(final long sum, final long count)
    {
        return String.format(Locale.ROOT, "%.2f", count == 0 ? 0.0 : (double)sum / count);
    }

    /**
     * Start a cell: a comma unless it is the row's first, and room for {@code bytes} more.
     */
    private void separate(final int bytes)
    {
        ensure(bytes + 1);
        if (!rowEmpty)
        {
            buffer[position++] = ',';
        }
        rowEmpty = false;
    }

    private void put(final byte[] bytes)
    {
        if (bytes.length > buffer.length - position)
        {
            flush();
            if (bytes.length > buffer.length)
            {
                write(bytes, bytes.length);
                return;
            }
        }
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void putLong(final long value)
    {
        if (value < 0)
        {
            if (value == Long.MIN_VALUE)
            {
                put(LONG_MIN_VALUE);
                return;
            }
            buffer[position++] = '-';
        }
        final long magnitude = Math.abs(value);
        final int digits = digits(magnitude);
        final int end = position + digits;
        position = end;
        int index = end;
        long rest = magnitude;
        while (rest > Integer.MAX_VALUE)
        {
            final long next = rest / 100;
            final int twoDigits = (int)(rest - next * 100);
            rest = next;
            buffer[--index] = ONES[twoDigits];
            buffer[--index] = TENS[twoDigits];
        }
        // The rest in int arithmetic, which divides faster.
        int small = (int)rest;
        while (small >= 100)
        {
            final int next = small / 100;
            final int twoDigits = small - next * 100;
            small = next;
            buffer[--index] = ONES[twoDigits];
            buffer[--index] = TENS[twoDigits];
        }
        buffer[--index] = ONES[small];
        if (small >= 10)
        {
            buffer[--index] = TENS[small];
        }
    }

    /**
     * @return how many decimal digits a number that is not negative has.
     */
    private static int digits(final long value)
    {
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && value >= POWERS_OF_TEN[digits])
        {
            digits++;
        }
        return digits;
    }

    private void putTime(final long epochNs)
    {
        final long epochSecond = Math.floorDiv(epochNs, NANOS_PER_SECOND);
        final int nano = (int)(epochNs - epochSecond * NANOS_PER_SECOND);
        if (epochSecond != lastSecond)
        {
            formatSecond(epochSecond);
            lastSecond = epochSecond;
        }
        final byte[] bytes = buffer;
        System.arraycopy(lastSecondText, 0, bytes, position, SECOND_BYTES);
        int p = position + SECOND_BYTES;
        if (nano != 0)
        {
            bytes[p++] = '.';
            if (nano % 1_000_000 == 0)
            {
                p = putDigits(bytes, p, nano / 1_000_000, 3);
            }
            else if (nano % 1_000 == 0)
            {
                p = putDigits(bytes, p, nano / 1_000, 6);
            }
            else
            {
                p = putDigits(bytes, p, nano, 9);
            }
        }
        bytes[p++] = 'Z';
        position = p;
    }

    /**
     * Write {@code yyyy-MM-ddTHH:mm:ss} of a second since the epoch into {@link #lastSecondText}.
     */
    private void formatSecond(final long epochSecond)
    {
        final long epochDay = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        final int secondOfDay = (int)(epochSecond - epochDay * SECONDS_PER_DAY);

        // The civil date of a day count, March-based so that the leap day ends the year (H. Hinnant's algorithm).
        final long shifted = epochDay + 719_468L;
        final long era = Math.floorDiv(shifted, 146_097L);
        final int dayOfEra = (int)(shifted - era * 146_097L);
        final int yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final int monthFromMarch = (5 * dayOfYear + 2) / 153;
        final int day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        final int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        // A long of nanoseconds spans the years 1677 to 2262: always four digits, never a sign.
        final int year = (int)(era * 400 + yearOfEra) + (month <= 2 ? 1 : 0);

        final byte[] bytes = lastSecondText;
        int p = putDigits(bytes, 0, year, 4);
        bytes[p++] = '-';
        p = putDigits(bytes, p, month, 2);
        bytes[p++] = '-';
        p = putDigits(bytes, p, day, 2);
        bytes[p++] = 'T';
        p = putDigits(bytes, p, secondOfDay / 3600, 2);
        bytes[p++] = ':';
        p = putDigits(bytes, p, secondOfDay / 60 % 60, 2);
        bytes[p++] = ':';
        putDigits(bytes, p, secondOfDay % 60, 2);
    }

    private static int putDigits(final byte[] bytes, final int index, final int value, final int digits)
    {
        int rest = value;
        int i = index + digits;
        while (i - index >= 2)
        {
            final int next = rest / 100;
            final int twoDigits = rest - next * 100;
            rest = next;
            bytes[--i] = ONES[twoDigits];
            bytes[--i] = TENS[twoDigits];
        }
        if (i > index)
        {
            bytes[--i] = ONES[rest % 10];
        }
        return index + digits;
    }

    private void ensure(final int bytes)
    {
        if (bytes > buffer.length - position)
        {
            flush();
        }
    }

    private void flush()
    {
        write(buffer, position);
        position = 0;
    }

    private void write(final byte[] bytes, final int length)
    {
        if (failed || length == 0)
        {
            return;
        }
        try
        {
            out.write(bytes, 0, length);
        }
        catch (final IOException ex)
        {
            failed = true;
        }
    }
}
