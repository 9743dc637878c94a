package dev.vigil.app.kafka;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a flat JSON object — names with strings, numbers, {@code true}, {@code false} or {@code null}, nothing
 * nested — into its members' values as text, in the order written: what an event record of the Kafka source is.
 * Strings are unescaped; numbers, {@code true} and {@code false} keep their spelling; {@code null} reads as an
 * empty value, as an empty cell of the events CSV does. Errors name the byte where reading stopped.
 */
final class FlatJson
{
    private final byte[] bytes;
    private final int end;
    private int position;

    private FlatJson(final byte[] bytes, final int offset, final int length)
    {
        this.bytes = bytes;
        this.position = offset;
        this.end = offset + length;
    }

    /**
     * @param bytes  UTF-8 text holding one JSON object.
     * @param offset where it starts.
     * @param length how long it is.
     * @return each member's name to its value, in the order written.
     * @throws IllegalArgumentException when the text is not a flat JSON object, or names a member twice.
     */
    static Map<String, String> parse(final byte[] bytes, final int offset, final int length)
    {
        return new FlatJson(bytes, offset, length).object();
    }

    private Map<String, String> object()
    {
        final Map<String, String> members = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}')
        {
            position++;
        }
        else
        {
            while (true)
            {
                skipSpace();
                final String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                final String value = value(name);
                if (members.put(name, value) != null)
                {
                    throw new IllegalArgumentException("member \"" + name + "\" appears twice");
                }
                skipSpace();
                final int next = next();
                if (next == '}')
                {
                    break;
                }
                if (next != ',')
                {
                    throw error("',' or '}'");
                }
            }
        }
        skipSpace();
        if (position < end)
        {
            throw error("the end of the object");
        }
        return members;
    }

    private String value(final String name)
    {
        final int first = peek();
        if (first == '"')
        {
            return string();
        }
        if (first == '{' || first == '[')
        {
            throw new IllegalArgumentException("member \"" + name + "\" holds an object or array; an event is flat");
        }
        final int start = position;
        while (position < end && isLiteralByte(bytes[position]))
        {
            position++;
        }
        if (position == start)
        {
            throw error("a value");
        }
        final String literal = new String(bytes, start, position - start, StandardCharsets.US_ASCII);
        if ("null".equals(literal))
        {
            return "";
        }
        if ("true".equals(literal) || "false".equals(literal) || isNumber(literal))
        {
            return literal;
        }
        throw new IllegalArgumentException("member \"" + name + "\" holds '" + literal +
            "', not a string, number, true, false or null");
    }

    private String string()
    {
        expect('"');
        final StringBuilder text = new StringBuilder();
        int runStart = position;
        while (true)
        {
            if (position >= end)
            {
                throw error("the closing '\"' of a string");
            }
            final byte b = bytes[position];
            if (b == '"')
            {
                text.append(new String(bytes, runStart, position - runStart, StandardCharsets.UTF_8));
                position++;
                return text.toString();
            }
            if (b == '\\')
            {
                text.append(new String(bytes, runStart, position - runStart, StandardCharsets.UTF_8));
                position++;
                escape(text);
                runStart = position;
            }
            else if ((b & 0xFF) < 0x20)
            {
                throw error("no control character inside a string");
            }
            else
            {
                position++;
            }
        }
    }

    private void escape(final StringBuilder text)
    {
        final int escaped = next();
        switch (escaped)
        {
            case '"', '\\', '/' -> text.append((char)escaped);
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' ->
            {
                if (end - position < 4)
                {
                    throw error("four hex digits after \\u");
                }
                try
                {
                    text.append((char)Integer.parseInt(
                        new String(bytes, position, 4, StandardCharsets.US_ASCII), 16));
                }
                catch (final NumberFormatException ex)
                {
                    throw error("four hex digits after \\u");
                }
                position += 4;
            }
            default -> throw error("an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
        }
    }

    private static boolean isLiteralByte(final byte b)
    {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'E';
    }

    /**
     * JSON's number grammar, {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?}, checked by hand: a regular
     * expression here cost more than the rest of reading a record.
     */
    private static boolean isNumber(final String literal)
    {
        final int length = literal.length();
        int i = literal.startsWith("-") ? 1 : 0;
        final int integerStart = i;
        while (i < length && isDigit(literal.charAt(i)))
        {
            i++;
        }
        if (i == integerStart || (literal.charAt(integerStart) == '0' && i - integerStart > 1))
        {
            return false;
        }
        if (i < length && literal.charAt(i) == '.')
        {
            final int fractionStart = ++i;
            while (i < length && isDigit(literal.charAt(i)))
            {
                i++;
            }
            if (i == fractionStart)
            {
                return false;
            }
        }
        if (i < length && (literal.charAt(i) == 'e' || literal.charAt(i) == 'E'))
        {
            i++;
            if (i < length && (literal.charAt(i) == '+' || literal.charAt(i) == '-'))
            {
                i++;
            }
            final int exponentStart = i;
            while (i < length && isDigit(literal.charAt(i)))
            {
                i++;
            }
            if (i == exponentStart)
            {
                return false;
            }
        }
        return i == length;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private void skipSpace()
    {
        while (position < end && (bytes[position] == ' ' || bytes[position] == '\t' || bytes[position] == '\n' ||
            bytes[position] == '\r'))
        {
            position++;
        }
    }

    private int peek()
    {
        return position < end ? bytes[position] : -1;
    }

    private int next()
    {
        if (position >= end)
        {
            throw error("more text");
        }
        return bytes[position++];
    }

    private void expect(final char expected)
    {
        if (peek() != expected)
        {
            throw error("'" + expected + "'");
        }
        position++;
    }

    private IllegalArgumentException error(final String expected)
    {
        return new IllegalArgumentException(position >= end ?
            "the text ends where " + expected + " was expected" :
            "byte " + position + ": expected " + expected + ", found '" + (char)(bytes[position] & 0xFF) + "'");
    }
}
