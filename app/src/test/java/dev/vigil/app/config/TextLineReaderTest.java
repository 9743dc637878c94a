package dev.vigil.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextLineReaderTest
{
    @TempDir
    Path dir;

    @Test
    void splitsLinesAsBufferedReaderDoes()
    {
        assertEquals(List.of("a", "", "b", "c", "d", "é€𝄞"), lines("a\n\nb\r\nc\rd\né€𝄞", 64));
        assertEquals(List.of("a"), lines("a\n", 64));
        assertEquals(List.of("", "x"), lines("\r\nx\r\n", 64));
        assertEquals(List.of(), lines("", 64));
    }

    @Test
    void aLineOfExactlyTheBoundIsReadAndOneByteMoreIsAnErrorNamingFileAndLine()
    {
        assertEquals(List.of("ok", "12345678", "ok"), lines("ok\n12345678\nok\n", 8));

        final ConfigException ex = assertThrows(ConfigException.class, () -> lines("ok\nok\n123456789\n", 8));
        assertEquals("in.csv:3: line longer than 8 bytes; allowed: lines of at most 8 bytes", ex.getMessage());
    }

    @Test
    void aHugeLineIsRefusedAfterReadingLittleMoreThanTheBound()
    {
        // 1 GiB of one line, made as it is read: the reader must give up near the bound, holding none of the rest.
        final CountingStream huge = new CountingStream(1L << 30);
        try (TextLineReader reader = new TextLineReader("huge.csv", huge, TextLineReader.MAX_LINE_BYTES))
        {
            final ConfigException ex = assertThrows(ConfigException.class, reader::readLine);
            assertEquals("huge.csv:1: line longer than 65536 bytes; allowed: lines of at most 65536 bytes",
                ex.getMessage());
        }
        assertTrue(huge.read <= 2L * TextLineReader.MAX_LINE_BYTES, "read " + huge.read + " bytes");
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorNamingFileLineAndByteColumn()
    {
        final byte[] text = "first,ok\nsecond,é\nthird,\u00e9\u00e9\n".getBytes(StandardCharsets.UTF_8);
        final byte[] bad = Arrays.copyOf(text, text.length);
        // Line 3 is "third,éé": its second é loses its continuation byte, at byte column 9.
        final int thirdLine = "first,ok\nsecond,é\n".getBytes(StandardCharsets.UTF_8).length;
        bad[thirdLine + 9] = 'x';

        try (TextLineReader reader = new TextLineReader("in.csv", new ByteArrayInputStream(bad), 64))
        {
            assertEquals("first,ok", reader.readLine());
            assertEquals("second,é", reader.readLine());
            final ConfigException ex = assertThrows(ConfigException.class, reader::readLine);
            assertEquals("in.csv:3: not UTF-8 text: byte 0xC3 at byte column 9; allowed: UTF-8 text",
                ex.getMessage());
        }

        final ConfigException lone = assertThrows(ConfigException.class,
            () -> lines(new byte[]{'a', 'b', (byte)0xFF, '\n'}, 64));
        assertEquals("in.csv:1: not UTF-8 text: byte 0xFF at byte column 3; allowed: UTF-8 text", lone.getMessage());

        // A surrogate written as UTF-8 (CESU) is not UTF-8 either.
        assertThrows(ConfigException.class,
            () -> lines(new byte[]{(byte)0xED, (byte)0xA0, (byte)0x80, '\n'}, 64));
    }

    /**
     * Lines of every length around the eight bytes the reader looks at together, with each kind of line end and
     * characters of one to four bytes anywhere, given to it in reads of random sizes: as BufferedReader splits them,
     * as bytes and as text alike.
     */
    @Test
    void readsLinesAsBytesAsBufferedReaderDoesWhereverTheReadsEnd() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(42);
        final String[] pieces = {"a", "7", ",", " ", "\t", "é", "€", "𝄞", "\u0085", "\u2028"};
        final String[] ends = {"\n", "\r\n", "\r"};
        final StringBuilder text = new StringBuilder();
        for (int line = 0; line < 2_000; line++)
        {
            final int length = random.nextInt(40);
            final boolean ascii = random.nextInt(3) > 0;
            for (int i = 0; i < length; i++)
            {
                text.append(pieces[random.nextInt(ascii ? 5 : pieces.length)]);
            }
            text.append(ends[random.nextInt(ends.length)]);
        }
        final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        final List<String> expected = new BufferedReader(new StringReader(text.toString())).lines().toList();

        final List<String> asBytes = new ArrayList<>();
        try (TextLineReader reader = new TextLineReader("in.csv", new ChoppyStream(bytes, 1, 23), 256))
        {
            int length;
            while ((length = reader.readLineBytes()) >= 0)
            {
                final String line = new String(reader.lineBytes(), 0, length, StandardCharsets.UTF_8);
                assertEquals(line.chars().allMatch(c -> c < 0x80), reader.lineAscii(), line);
                asBytes.add(line);
                assertEquals(asBytes.size(), reader.lineNumber());
            }
        }
        assertEquals(expected, asBytes);

        final List<String> asText = new ArrayList<>();
        try (TextLineReader reader = new TextLineReader("in.csv", new ChoppyStream(bytes, 7, 100), 256))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                asText.add(line);
            }
        }
        assertEquals(expected, asText);
    }

    @Test
    void aLineReadAsBytesIsCheckedAsUtf8WhereverItsBadByteIs()
    {
        for (int column = 0; column < 20; column++)
        {
            final byte[] line = ("ok\n" + "x".repeat(column) + "?" + "y".repeat(20 - column) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
            line[3 + column] = (byte)0xFE;
            try (TextLineReader reader = new TextLineReader("in.csv", new ByteArrayInputStream(line), 64))
            {
                assertEquals(2, reader.readLineBytes());
                assertTrue(reader.lineAscii());
                final ConfigException ex = assertThrows(ConfigException.class, reader::readLineBytes);
                assertEquals("in.csv:2: not UTF-8 text: byte 0xFE at byte column " + (column + 1) +
                    "; allowed: UTF-8 text", ex.getMessage());
            }
        }
    }

    @Test
    void wholeFileDecodeNamesLineAndByteColumn()
    {
        assertEquals("a\r\nb\n", TextLineReader.decode("rules.yaml", "a\r\nb\n".getBytes(StandardCharsets.UTF_8)));

        final byte[] bytes = "one\r\ntwo\rthree\n  \u00e9x".getBytes(StandardCharsets.UTF_8);
        // Line 4 is "  éx": the first byte of its é becomes a lone continuation byte, at byte column 3.
        bytes[bytes.length - 3] = (byte)0x80;
        final ConfigException ex =
            assertThrows(ConfigException.class, () -> TextLineReader.decode("rules.yaml", bytes));
        assertEquals("rules.yaml:4: not UTF-8 text: byte 0x80 at byte column 3; allowed: UTF-8 text", ex.getMessage());
    }

    @Test
    void openNamesTheFileAndWhyItCannotBeRead() throws IOException
    {
        final ConfigException missing = assertThrows(ConfigException.class,
            () -> TextLineReader.open(dir.resolve("missing.csv"), "the events CSV file"));
        assertEquals(dir.resolve("missing.csv") + ": cannot read the events CSV file: no such file or directory",
            missing.getMessage());

        final ConfigException directory =
            assertThrows(ConfigException.class, () -> TextLineReader.open(dir, "the events CSV file"));
        assertEquals(dir + ": cannot read the events CSV file: is a directory, not a file", directory.getMessage());

        final Path file = Files.writeString(dir.resolve("ok.csv"), "a\nb");
        try (TextLineReader reader = TextLineReader.open(file, "the events CSV file"))
        {
            assertEquals("a", reader.readLine());
            assertEquals(1, reader.lineNumber());
            assertEquals("b", reader.readLine());
            assertEquals(2, reader.lineNumber());
            assertNull(reader.readLine());
        }
    }

    private static List<String> lines(final String text, final int maxLineBytes)
    {
        return lines(text.getBytes(StandardCharsets.UTF_8), maxLineBytes);
    }

    private static List<String> lines(final byte[] bytes, final int maxLineBytes)
    {
        final List<String> lines = new ArrayList<>();
        try (TextLineReader reader = new TextLineReader("in.csv", new ByteArrayInputStream(bytes), maxLineBytes))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * A stream of 'a' bytes and no line end, made as it is read, counting what was read.
     */
    private static final class CountingStream extends InputStream
    {
        private final long length;
        long read;

        CountingStream(final long length)
        {
            this.length = length;
        }

        @Override
        public int read()
        {
            if (read == length)
            {
                return -1;
            }
            read++;
            return 'a';
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int count)
        {
            final int n = (int)Math.min(count, length - read);
            if (n <= 0)
            {
                return -1;
            }
            Arrays.fill(buffer, offset, offset + n, (byte)'a');
            read += n;
            return n;
        }
    }

    /**
     * Gives its bytes in reads of sizes drawn between two bounds, as a pipe or a slow disk may.
     */
    private static final class ChoppyStream extends InputStream
    {
        private final byte[] bytes;
        private final int minRead;
        private final int maxRead;
        private final SplittableRandom random = new SplittableRandom(7);
        private int position;

        ChoppyStream(final byte[] bytes, final int minRead, final int maxRead)
        {
            this.bytes = bytes;
            this.minRead = minRead;
            this.maxRead = maxRead;
        }

        @Override
        public int read()
        {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(final byte[] into, final int offset, final int length)
        {
            if (position == bytes.length)
            {
                return -1;
            }
            final int count = Math.min(Math.min(length, bytes.length - position), random.nextInt(minRead, maxRead + 1));
            System.arraycopy(bytes, position, into, offset, count);
            position += count;
            return count;
        }
    }
}
