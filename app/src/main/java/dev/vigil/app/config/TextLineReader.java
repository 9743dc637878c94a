package dev.vigil.app.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a text file line by line as strict UTF-8, with a bound on the length of a line: the one reader of every
 * line-oriented input of the command line (events CSV files, configuration files).
 * <p>
 * A line ends at {@code \n}, {@code \r\n} or {@code \r}, as {@link java.io.BufferedReader#readLine()} has it. Bytes
 * that are not UTF-8 stop the read with an error naming file, line and byte column. A line longer than the bound
 * stops it with an error naming file and line as soon as its bound is passed: no more than the bound of a line is
 * ever held, so a file of one huge line costs no more memory than one of short lines.
 */
public final class TextLineReader implements AutoCloseable
{
    /** Most bytes of one line, its end not counted: 64 KiB. A longer line is an error. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long NEW_LINES = LOW_BITS * '\n';
    private static final long CARRIAGE_RETURNS = LOW_BITS * '\r';

    private final String source;
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
    private final byte[] lineBytes;
    private final ByteBuffer lineByteBuffer;
    private final CharBuffer lineChars;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int readPosition;
    private int readLimit;
    private int lineNumber;
    private boolean afterCarriageReturn;
    private boolean lineAscii;
    private boolean lineNonAscii;

    /**
     * @param source       the file's name, for error messages.
     * @param in           the file's bytes; closed by {@link #close()}.
     * @param maxLineBytes most bytes of one line, its end not counted.
     */
    public TextLineReader(final String source, final InputStream in, final int maxLineBytes)
    {
        if (maxLineBytes < 1)
        {
            throw new IllegalArgumentException("maxLineBytes must be at least 1: " + maxLineBytes);
        }
        this.source = source;
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.lineBytes = new byte[maxLineBytes];
        this.lineByteBuffer = ByteBuffer.wrap(lineBytes);
        // UTF-8 never decodes to more chars than it has bytes.
        this.lineChars = CharBuffer.allocate(maxLineBytes);
    }

    /**
     * Open a file, its lines at most {@link #MAX_LINE_BYTES} long.
     *
     * @param file the file.
     * @param what what the file is, for the error message, e.g. {@code "configuration file"}.
     * @return the reader, before the first line.
     * @throws ConfigException naming the file and why it cannot be read: missing, a directory, no permission.
     */
    public static TextLineReader open(final Path file, final String what)
    {
        if (Files.isDirectory(file))
        {
            throw new ConfigException(file + ": cannot read " + what + ": is a directory, not a file");
        }
        try
        {
            return new TextLineReader(file.toString(), Files.newInputStream(file), MAX_LINE_BYTES);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file + ": cannot read " + what + ": " + PathChecks.reason(ex, file));
        }
    }

    /**
     * Decode a whole file's bytes as strict UTF-8, for files read at once rather than line by line.
     *
     * @param source the file's name, for the error message.
     * @param bytes  the file's bytes.
     * @return the text.
     * @throws ConfigException naming file, line and byte column of the first byte that is not UTF-8.
     */
    public static String decode(final String source, final byte[] bytes)
    {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError())
        {
            result = decoder.flush(out);
        }
        if (result.isError())
        {
            final int offset = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++)
            {
                if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')))
                {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw notUtf8(source, line, bytes[offset], offset - lineStart);
        }
        out.flip();
        return out.toString();
    }

    /**
     * @return the next line without its end, or null at the end of the file.
     * @throws ConfigException naming file and line when the line is longer than the bound or is not UTF-8, and file,
     *                         line and byte column for the latter.
     * @throws UncheckedIOException when reading fails.
     */
    public String readLine()
    {
        final int length = readLineBytes();
        if (length < 0)
        {
            return null;
        }
        if (lineAscii)
        {
            return new String(lineBytes, 0, length, StandardCharsets.US_ASCII);
        }
        lineChars.flip();
        return lineChars.toString();
    }

    /**
     * Read the next line as bytes, checked to be UTF-8, into {@link #lineBytes()}: as {@link #readLine()}, without
     * making a {@code String} of it or allocating anything for an ASCII line.
     *
     * @return how many bytes of {@link #lineBytes()} the line has, its end not counted, or -1 at the end of the file.
     * @throws ConfigException naming file and line when the line is longer than the bound or is not UTF-8, and file,
     *                         line and byte column for the latter.
     * @throws UncheckedIOException when reading fails.
     */
    public int readLineBytes()
    {
        int length = 0;
        lineNonAscii = false;
        while (true)
        {
            if (readPosition == readLimit && !fill())
            {
                return length == 0 ? -1 : check(length);
            }
            if (afterCarriageReturn)
            {
                afterCarriageReturn = false;
                if (readBuffer[readPosition] == '\n')
                {
                    readPosition++;
                    continue;
                }
            }
            final int end = lineEnd(readPosition, readLimit);
            final int count = end - readPosition;
            if (count > maxLineBytes - length)
            {
                throw new ConfigException(source + ":" + (lineNumber + 1) + ": line longer than " + maxLineBytes +
                    " bytes; allowed: lines of at most " + maxLineBytes + " bytes");
            }
            System.arraycopy(readBuffer, readPosition, lineBytes, length, count);
            length += count;
            readPosition = end;
            if (end < readLimit)
            {
                afterCarriageReturn = readBuffer[end] == '\r';
                readPosition++;
                return check(length);
            }
        }
    }

    /**
     * @return the line last read by {@link #readLineBytes()}, in its first bytes; overwritten by the next read.
     */
    public byte[] lineBytes()
    {
        return lineBytes;
    }

    /**
     * @return whether the line last read is ASCII only, so that each of its bytes is one character.
     */
    public boolean lineAscii()
    {
        return lineAscii;
    }

    /**
     * @return 1-based number of the line last read; 0 before the first.
     */
    public int lineNumber()
    {
        return lineNumber;
    }

    /**
     * @return the file's name, as given.
     */
    public String source()
    {
        return source;
    }

    @Override
    public void close()
    {
        try
        {
            in.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(source + ": cannot close: " + PathChecks.reason(ex, null), ex);
        }
    }

    private boolean fill()
    {
        try
        {
            final int read = in.read(readBuffer, 0, readBuffer.length);
            readPosition = 0;
            readLimit = Math.max(read, 0);
            return read > 0;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(
                source + ":" + (lineNumber + 1) + ": cannot read: " + PathChecks.reason(ex, null), ex);
        }
    }

    /**
     * @return where the line goes on to from {@code from} ends in the read buffer: at a {@code \n} or {@code \r}, or
     * at {@code limit}; notes in {@link #lineNonAscii} a byte that is not ASCII on the way.
     */
    private int lineEnd(final int from, final int limit)
    {
        final byte[] bytes = readBuffer;
        int i = from;
        // Eight bytes at a time: the lowest flagged byte of a word is exactly its first line end or non-ASCII byte.
        for (; i <= limit - Long.BYTES; i += Long.BYTES)
        {
            final long word = (long)LONGS.get(bytes, i);
            final long newLines = word ^ NEW_LINES;
            final long returns = word ^ CARRIAGE_RETURNS;
            final long flags =
                ((newLines - LOW_BITS) & ~newLines | (returns - LOW_BITS) & ~returns | word) & HIGH_BITS;
            if (flags != 0)
            {
                i += Long.numberOfTrailingZeros(flags) >>> 3;
                break;
            }
        }
        for (; i < limit; i++)
        {
            final byte b = bytes[i];
            if (b == '\n' || b == '\r')
            {
                return i;
            }
            lineNonAscii |= b < 0;
        }
        return limit;
    }

    private int check(final int length)
    {
        lineNumber++;
        lineAscii = !lineNonAscii;
        if (lineAscii)
        {
            // ASCII is UTF-8 as it is: the common case, without the decoder.
            return length;
        }
        lineByteBuffer.limit(length).position(0);
        lineChars.clear();
        decoder.reset();
        CoderResult result = decoder.decode(lineByteBuffer, lineChars, true);
        if (!result.isError())
        {
            result = decoder.flush(lineChars);
        }
        if (result.isError())
        {
            final int offset = lineByteBuffer.position();
            throw notUtf8(source, lineNumber, lineBytes[offset], offset);
        }
        return length;
    }

    private static ConfigException notUtf8(final String source, final int line, final byte b, final int offsetInLine)
    {
        return new ConfigException(String.format(Locale.ROOT,
            "%s:%d: not UTF-8 text: byte 0x%02X at byte column %d; allowed: UTF-8 text",
            source, line, b & 0xFF, offsetInLine + 1));
    }
}
