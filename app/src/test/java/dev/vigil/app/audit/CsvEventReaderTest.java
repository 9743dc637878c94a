package dev.vigil.app.audit;

import dev.vigil.app.config.ConfigException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A line read as bytes gives the frame, event time and error that the same line read as text gives.
 */
class CsvEventReaderTest
{
    private static final String HEADER = String.join(",", CsvEventReader.COLUMNS);

    @TempDir
    Path dir;

    @Test
    void readsTheUsualSpellingsAndAnyOtherAllowedOneAsTheTextDoes()
    {
        final CsvEventReader reader = new CsvEventReader("in.csv", HEADER);
        for (final String line : List.of(
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01T00:00:00.1Z,transaction,1,10,100,5000,EUR,DE,pos,,,,,",
            "2026-01-01T00:00:00.123Z,Transaction,12345678,123456789,1,0,USD,US,ATM,,,,,",
            "2026-01-01T00:00:00.123456Z,TRANSACTION,9223372036854775807,0,0,0,GBP,GB,Other,,,,,",
            "2026-01-01T00:00:00.123456789Z,transaction,0001,2,3,4,EUR,FR,moto,9,sell,market,1,2",
            "1767225600000000001,transaction,1,2,3,4,EUR,FR,ecom",
            "1767225600000000001,order,1,,,,,,,5,buy,limit,10100,20",
            "2026-02-28T23:59:59.999999999Z,ORDER,1,x,x,x,x,x,x,5,SELL,MARKET,10100,20,more,cells",
            "2024-02-29T12:00:00Z,order,1,,,,,,,5,Buy,,10100,20",
            "1678-01-01T00:00:00Z,heartbeat,,,,,,,,,,,,",
            "2261-12-31T23:59:59.999999999Z,heartbeat",
            "0,heartbeat",
            // Allowed, but not in the quick way's spelling: read as text, to the same frame.
            " 2026-01-01T00:00:00Z ,transaction, 1 ,10,100,5000, EUR ,DE, pos ,,,,,",
            "2026-01-01T00:00:00+01:00,transaction,+1,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01t00:00:00z,transaction,1,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01T00:00Z,transaction,1,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01T00:00:00.Z,heartbeat",
            "2016-12-31T23:59:60Z,heartbeat",
            "1677-09-21T00:12:44Z,heartbeat",
            "2262-04-11T23:47:16.854775807Z,heartbeat",
            "-5,heartbeat",
            "+5,heartbeat",
            "2026-01-01T00:00:00Z,transaction,-0,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01T00:00:00Z,transaction,\u0663,10,100,5000,EUR,DE,,,,,,",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,po\u017f,,,,,",
            "2026-01-01T00:00:00Z,order,1,,,,,,,5,\u017fell,limit,10100,20",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,   ,,,,,"))
        {
            assertSameAsText(reader, line);
        }
    }

    @Test
    void namesWhatIsWrongAsTheTextDoes()
    {
        final CsvEventReader reader = new CsvEventReader("in.csv", HEADER);
        for (final String line : List.of(
            "",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z,payment,1,10,100,5000,EUR,DE",
            "2026-01-01T00:00:00Z,,1,10,100,5000,EUR,DE",
            "2026-01-01T00:00:00.1234567890Z,heartbeat",
            "2026-02-29T00:00:00Z,heartbeat",
            "2026-13-01T00:00:00Z,heartbeat",
            "2026-01-01T24:00:01Z,heartbeat",
            "2026x01-01T00:00:00Z,heartbeat",
            "2026-01-32T00:00:00Z,heartbeat",
            "2026-01-01T00:00:00Z,heartbeat",
            "2026-01-01T00:60:00Z,heartbeat",
            "2026-01-01T00:00:00Zx,heartbeat",
            "2026-01-01 00:00:00Z,heartbeat",
            "9223372036854775808,heartbeat",
            "12345678901234567890,heartbeat",
            "2026-01-01T00:00:00Z,transaction,,10,100,5000,EUR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,-5,EUR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5x,EUR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,50 0,EUR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,9223372036854775808,EUR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EURO,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,eur,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,\u00c9UR,DE",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,D",
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,web",
            "2026-01-01T00:00:00Z,order,1,,,,,,,5,hold,limit,10100,20",
            "2026-01-01T00:00:00Z,order,1,,,,,,,5,,limit,10100,20",
            "2026-01-01T00:00:00Z,order,1,,,,,,,5,buy,stop,10100,20",
            "2026-01-01T00:00:00Z,order,1,,,,,,,,buy,limit,10100,20"))
        {
            assertSameAsText(reader, line);
        }

        final CsvEventReader fewColumns = new CsvEventReader("in.csv", "type,event_time,account");
        assertSameAsText(fewColumns, "transaction,2026-01-01T00:00:00Z,1");
        assertSameAsText(fewColumns, "heartbeat,2026-01-01T00:00:00Z,1");
    }

    /**
     * Random lines, each cell drawn from good values in the usual spelling, other allowed spellings and bad values,
     * under headers that order, repeat and leave out columns differently.
     */
    @Test
    void anyLineReadsAsItsTextReads()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final List<String> headers = List.of(
            HEADER,
            "type , EVENT_TIME,amount,account,card,merchant,currency,country,side,instrument,price,quantity",
            "event_time,type,account,account,card,merchant,amount,currency,country,channel",
            "event_time,type,account,instrument,side,order_type,price,quantity");
        int checked = 0;
        for (final String header : headers)
        {
            final CsvEventReader reader = new CsvEventReader("in.csv", header);
            final String[] columns = header.split(",", -1);
            for (int i = 0; i < 5_000; i++)
            {
                final StringBuilder line = new StringBuilder();
                final int cells = random.nextInt(20) == 0 ? random.nextInt(columns.length + 3) : columns.length;
                for (int c = 0; c < cells; c++)
                {
                    line.append(c == 0 ? "" : ",").append(cell(random,
                        c < columns.length ? columns[c].trim().toLowerCase(Locale.ROOT) : "extra"));
                }
                assertSameAsText(reader, line.toString());
                checked++;
            }
        }
        assertEquals(20_000, checked);
    }

    @Test
    void countsDaysAsLocalDateDoes()
    {
        for (LocalDate date = LocalDate.of(1677, 1, 1); date.getYear() < 2263; date = date.plusDays(1))
        {
            assertEquals(date.toEpochDay(),
                CsvEventReader.epochDay(date.getYear(), date.getMonthValue(), date.getDayOfMonth()), date::toString);
        }
    }

    @Test
    void readsDigitsEightBytesAtATime()
    {
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++)
        {
            final int digits = 1 + random.nextInt(8);
            final long value = random.nextLong((long)Math.pow(10, digits));
            final String text = String.format(Locale.ROOT, "%0" + digits + "d", value) + ",x,yz,ab";
            final long word = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(value, CsvEventReader.digitsOf(word, digits), text);
        }
    }

    /**
     * Reading a file of the usual spelling allocates nothing per line once the reader is warm: each line, its cells
     * and the frame stay in buffers the file and reader own.
     */
    @Test
    void readsAFileWithoutAllocatingPerLine() throws IOException
    {
        final Path csv = dir.resolve("events.csv");
        final int lines = 200_000;
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8))
        {
            out.write("event_time,type,account,card,merchant,amount,currency,country,channel,instrument,side,price," +
                "quantity\n");
            final long startMs = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
            for (int i = 0; i < lines; i++)
            {
                if (i % 10 == 0)
                {
                    out.write(Instant.ofEpochMilli(startMs + i * 7L) + ",order," + i % 1_000 + ",,,,,,," + i % 7 +
                        ",buy," + (10_000 + i % 50) + "," + (1 + i % 20) + "\r\n");
                }
                else
                {
                    out.write(Instant.ofEpochMilli(startMs + i * 7L) + ",transaction," + i % 10_000 + "," +
                        i % 20_000 + "," + i % 5_000 + "," + (100 + i % 90_000) + ",EUR,DE,pos,,,,\n");
                }
            }
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        long sum = 0;
        long fewestBytes = Long.MAX_VALUE;
        try (CsvEventFile events = CsvEventFile.open(csv))
        {
            long seq = 0;
            for (int i = 0; i < 100_000 && events.next(); i++)
            {
                sum += events.encode(1, ++seq, frame) + events.eventTimeNs();
            }
            // The first calls of the accounting itself allocate; keep them out of the measurement.
            threads.getCurrentThreadAllocatedBytes();
            threads.getCurrentThreadAllocatedBytes();
            // An allocation per line would show in every round; a one-off (the JIT replacing the loop) in one.
            for (int round = 0; round < 5; round++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20_000 && events.next(); i++)
                {
                    sum += events.encode(1, ++seq, frame) + events.eventTimeNs();
                }
                fewestBytes = Math.min(fewestBytes, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(lines, seq, "rounds of 20,000 lines read");
        }
        assertEquals(0, fewestBytes, "bytes allocated reading 20,000 lines");
        assertTrue(sum != 0);
    }

    private static String cell(final SplittableRandom random, final String column)
    {
        final int draw = random.nextInt(100);
        switch (column)
        {
            case "event_time":
                final long ns = 1_767_225_600_000_000_000L + random.nextLong(86_400_000_000_000L * 400);
                if (draw < 50)
                {
                    return Instant.ofEpochSecond(0, ns).toString();
                }
                if (draw < 70)
                {
                    return Long.toString(ns);
                }
                if (draw < 80)
                {
                    return Instant.ofEpochSecond(0, ns - ns % 1_000_000).toString();
                }
                return pick(random, "", " 1", "-1", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00z",
                    "2026-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2026-01-01T00:00:00+02:00", "x",
                    "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00Z", "9223372036854775807",
                    "2026-1-01T00:00:00Z", "1677-09-21T00:12:43.145224192Z", "2262-04-11T23:47:16.854775807Z");
            case "type":
                return draw < 80 ? pick(random, "transaction", "order", "heartbeat") :
                    pick(random, "Transaction", "ORDER", "hEaRtBeAt", "", " order", "orders", "trans\u00e4ction");
            case "account":
            case "card":
            case "merchant":
            case "amount":
            case "instrument":
            case "price":
            case "quantity":
                if (draw < 80)
                {
                    return Long.toString(random.nextLong((long)Math.pow(10, 1 + random.nextInt(12))));
                }
                return pick(random, "", "0", "00000000", "12345678", "123456789", "9223372036854775807",
                    "9223372036854775808", "-1", "+1", " 1", "1 ", "1.5", "\u0661", "1e3", "x");
            case "currency":
                return draw < 80 ? pick(random, "EUR", "USD") :
                    pick(random, "", "eur", "EU", "EURO", " EUR", "\u00c9UR");
            case "country":
                return draw < 80 ? pick(random, "DE", "FR") : pick(random, "", "de", "D", "DEU", "D1");
            case "channel":
                return draw < 70 ? pick(random, "pos", "ecom", "atm", "moto", "other", "") :
                    pick(random, "POS", "Ecom", " atm", "web", "po\u017f", "  ");
            case "side":
                return draw < 70 ? pick(random, "buy", "sell") : pick(random, "BUY", "", "hold", "\u017fell");
            case "order_type":
                return draw < 70 ? pick(random, "limit", "market", "") : pick(random, "LIMIT", "stop", " market");
            default:
                return pick(random, "", "x", "\u00e9", "1");
        }
    }

    private static String pick(final SplittableRandom random, final String... values)
    {
        return values[random.nextInt(values.length)];
    }

    private static void assertSameAsText(final CsvEventReader reader, final String line)
    {
        final UnsafeBuffer expectedFrame = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer actualFrame = new UnsafeBuffer(new byte[256]);
        final byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        final byte[] padded = new byte[bytes.length + 16];
        System.arraycopy(bytes, 0, padded, 0, bytes.length);
        Arrays.fill(padded, bytes.length, padded.length, (byte)'7');

        final int expectedLength;
        final long expectedTimeNs;
        try
        {
            expectedLength = reader.encode(3, line, 9, 11, expectedFrame);
            expectedTimeNs = reader.eventTimeNs();
        }
        catch (final ConfigException expected)
        {
            final ConfigException actual =
                assertThrows(ConfigException.class, () -> reader.encode(3, padded, bytes.length, 9, 11, actualFrame),
                    line);
            assertEquals(expected.getMessage(), actual.getMessage(), line);
            return;
        }
        // Bytes after the line's end, as a reused line buffer has them, are not part of it.
        final int actualLength = reader.encode(3, padded, bytes.length, 9, 11, actualFrame);
        assertEquals(expectedLength, actualLength, line);
        assertEquals(expectedFrame, actualFrame, line);
        assertEquals(expectedTimeNs, reader.eventTimeNs(), line);
    }
}
