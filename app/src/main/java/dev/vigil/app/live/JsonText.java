package dev.vigil.app.live;

import java.util.Locale;

/**
 * Writes JSON text in one pass: objects, arrays, names and values, each separated from the previous by a comma where
 * JSON needs one. Numbers that are not finite are written as {@code null}.
 */
final class JsonText
{
    private final StringBuilder text;

    JsonText()
    {
        this(1024);
    }

    JsonText(final int capacity)
    {
        text = new StringBuilder(capacity);
    }

    JsonText beginObject()
    {
        separate();
        text.append('{');
        return this;
    }

    JsonText endObject()
    {
        text.append('}');
        return this;
    }

    JsonText beginArray()
    {
        separate();
        text.append('[');
        return this;
    }

    JsonText endArray()
    {
        text.append(']');
        return this;
    }

    JsonText name(final String name)
    {
        separate();
        quote(name);
        text.append(':');
        return this;
    }

    JsonText value(final long value)
    {
        separate();
        text.append(value);
        return this;
    }

    JsonText value(final double value)
    {
        separate();
        if (Double.isFinite(value))
        {
            text.append(value);
        }
        else
        {
            text.append("null");
        }
        return this;
    }

    JsonText value(final boolean value)
    {
        separate();
        text.append(value);
        return this;
    }

    JsonText value(final String value)
    {
        separate();
        if (value == null)
        {
            text.append("null");
        }
        else
        {
            quote(value);
        }
        return this;
    }

    /**
     * @param json JSON text already made, e.g. by the Kafka connectors' encoder, written as one value.
     * @return this.
     */
    JsonText raw(final String json)
    {
        separate();
        text.append(json);
        return this;
    }

    JsonText field(final String name, final long value)
    {
        return name(name).value(value);
    }

    JsonText field(final String name, final double value)
    {
        return name(name).value(value);
    }

    JsonText field(final String name, final boolean value)
    {
        return name(name).value(value);
    }

    JsonText field(final String name, final String value)
    {
        return name(name).value(value);
    }

    @Override
    public String toString()
    {
        return text.toString();
    }

    private void separate()
    {
        final int length = text.length();
        if (length > 0)
        {
            final char last = text.charAt(length - 1);
            if (last != '{' && last != '[' && last != ':')
            {
                text.append(',');
            }
        }
    }

    private void quote(final String value)
    {
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                text.append('\\').append(c);
            }
            else if (c < 0x20 || c == 0x2028 || c == 0x2029)
            {
                text.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                text.append(c);
            }
        }
        text.append('"');
    }
}
