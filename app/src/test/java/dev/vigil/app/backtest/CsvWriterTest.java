package dev.vigil.app.backtest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cells written as bytes read as the Strings that {@code Long.toString}, {@code Instant.toString},
 * {@code String.format("%.2f")} and {@link ReplayOutputs#cell} make of them.
 */
class CsvWriterTest
{
    private static final String EOL = System.lineSeparator();

    @Test
    void writesNumbersAsLongToStringDoes()
    {
        final List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 99L, 100L, 101L, 999_999_999L,
            1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        final SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++)
        {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (final long value : values)
        {
            assertEquals(Long.toString(value) + ",x" + EOL, row(writer -> writer.add(value).add("x")));
        }
    }

    @Test
    void writesTimesAsInstantToStringDoes()
    {
        final List<Long> times = new ArrayList<>(List.of(0L, 1L, -1L, 1_000L, 1_000_000L, 999_999_999L,
            1_000_000_000L, -1_000_000_000L, 951_782_400_000_000_000L, 1_767_225_600_000_000_000L,
            4_107_542_399_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE));
        final SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 20_000; i++)
        {
            final long ns = random.nextLong();
            // Whole seconds, milliseconds and microseconds as often as any nanosecond.
            times.add(ns - ns % (long)Math.pow(10, 3 * random.nextInt(4)));
        }
        long previous = 0;
        for (final long time : times)
        {
            // Each time after the last, and after a time in the same second, exercises both ways to the seconds.
            final long before = previous;
            final long sameSecond = time - Math.floorMod(time, 1_000_000_000L);
            assertEquals(Instant.ofEpochSecond(0, before) + "," + Instant.ofEpochSecond(0, time) + "," +
                Instant.ofEpochSecond(0, sameSecond) + EOL,
                row(writer -> writer.time(before).time(time).time(sameSecond)));
            previous = time;
        }
    }

    @Test
    void writesMeansAsStringFormatDoes()
    {
        final List<long[]> cases = new ArrayList<>(List.of(
            new long[]{0, 0}, new long[]{0, 5}, new long[]{0, -5}, new long[]{7, 0}, new long[]{1, 8},
            new long[]{3, 8}, new long[]{5, 8}, new long[]{-1, 8}, new long[]{201, 200}, new long[]{-201, 200},
            new long[]{1, 3}, new long[]{2, 3}, new long[]{-1, 1000}, new long[]{1, 1000}, new long[]{5, 1000},
            new long[]{400, 3}, new long[]{1_000_000_000_000L, 3}, new long[]{999_999_999_999L, 7},
            new long[]{Long.MAX_VALUE, 1}, new long[]{Long.MIN_VALUE, 3}, new long[]{5, -2}));
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++)
        {
            final long count = 1 + random.nextLong((long)Math.pow(10, random.nextInt(7)));
            final long mean = random.nextLong((long)Math.pow(10, random.nextInt(9)));
            // Sums near a multiple of the count, so that halves and near-halves come up often.
            final long sum = mean * count + random.nextLong(-count, count + 1);
            cases.add(new long[]{sum, count});
            cases.add(new long[]{count * (2 * random.nextLong(1000) + 1), 200 * count});
        }
        // Every exact half below 1,000.00, and halves up to 100,000.00 now and then.
        for (long twiceHundredths = 1; twiceHundredths < 200_000; twiceHundredths += 2)
        {
            cases.add(new long[]{twiceHundredths, 200});
            cases.add(new long[]{-twiceHundredths * 3, 600});
        }
        for (int i = 0; i < 20_000; i++)
        {
            final long count = 200 * (1 + random.nextInt(1000));
            cases.add(new long[]{(2 * random.nextLong(10_000_000) + 1) * (count / 200), count});
        }
        int halves = 0;
        for (final long[] c : cases)
        {
            final double quotient = c[1] == 0 ? 0.0 : (double)c[0] / c[1];
            assertEquals(String.format(Locale.ROOT, "%.2f", quotient) + EOL, row(writer -> writer.mean(c[0], c[1])),
                () -> c[0] + " / " + c[1]);
            halves += c[1] > 0 && Math.abs(c[0]) * 100 % c[1] * 2 == c[1] ? 1 : 0;
        }
        assertTrue(halves > 1_000, "exact halves checked: " + halves);
    }

    @Test
    void quotesTextAndWritesBytesAsTheyAre()
    {
        assertEquals("plain,\"a,b\",\"say \"\"hi\"\"\",\"two" + "\n" + "lines\",é€,,true,false,raw" + EOL,
            row(writer -> writer.add("plain").add("a,b").add("say \"hi\"").add("two\nlines").add("é€").none()
                .add(true).add(false).add("raw".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("1,x;y" + EOL, row(writer -> writer.add(1).none().append("x".getBytes(StandardCharsets.US_ASCII))
            .append(";y".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void writesRowsAcrossItsBufferAndCellsLongerThanIt()
    {
        final String big = "y".repeat(200_000);
        assertEquals("1," + big + ",2" + EOL,
            row(writer -> writer.add(1).add(big.getBytes(StandardCharsets.US_ASCII)).add(2)));

        final StringBuilder expected = new StringBuilder();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CsvWriter writer = new CsvWriter(out);
        for (int i = 0; i < 50_000; i++)
        {
            final long timeNs = 1_767_225_600_000_000_000L + i * 1_234_567L;
            expected.append(i).append(',').append(Instant.ofEpochSecond(0, timeNs)).append(',')
                .append(Long.MAX_VALUE - i).append(EOL);
            writer.add(i).time(timeNs).add(Long.MAX_VALUE - i).endRow();
        }
        assertTrue(writer.finish());
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keepsAFailedWriteForTheEnd()
    {
        final CsvWriter writer = new CsvWriter(new OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                throw new IOException("disk full");
            }
        });
        for (int i = 0; i < 100_000; i++)
        {
            writer.add(i).time(i).endRow();
        }
        assertFalse(writer.finish(), "the failure, reported when the file is finished");
    }

    /**
     * Rows of numbers, times, means and encoded cells, as decisions.csv, alerts.csv and windows.csv have them,
     * allocate nothing once the writer is warm. The means, exact halves among them, stay below 25,000.00, as far as
     * the writer rounds halves itself.
     */
    @Test
    void writesRowsWithoutAllocating()
    {
        final CsvWriter writer = new CsvWriter(OutputStream.nullOutputStream());
        final byte[] name = "account-velocity".getBytes(StandardCharsets.US_ASCII);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long timeNs = 1_767_225_600_000_000_000L;
        for (int i = 0; i < 200_000; i++)
        {
            timeNs += 7_000_123;
            writer.add(i).add(i * 31L).time(timeNs).add(name).add(i % 10_000).none().mean(i % 1000 * 77L, 1 + i % 9)
                .add(i % 2 == 0).time(timeNs - 60_000_000_000L).endRow();
        }
        threads.getCurrentThreadAllocatedBytes();
        threads.getCurrentThreadAllocatedBytes();
        long fewestBytes = Long.MAX_VALUE;
        for (int round = 0; round < 5 && fewestBytes > 0; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++)
            {
                timeNs += 7_000_123;
                writer.add(i).add(i * 31L).time(timeNs).add(name).add(i % 10_000).none().mean(i % 1000 * 77L, 1 + i % 9)
                    .add(i % 2 == 0).time(timeNs - 60_000_000_000L).endRow();
            }
            fewestBytes = Math.min(fewestBytes, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, fewestBytes, "bytes allocated by 100,000 rows");
        assertTrue(writer.finish());
    }

    private interface Row
    {
        void write(CsvWriter writer);
    }

    private static String row(final Row row)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CsvWriter writer = new CsvWriter(out);
        row.write(writer);
        writer.endRow();
        assertTrue(writer.finish());
        return out.toString(StandardCharsets.UTF_8);
    }
}
