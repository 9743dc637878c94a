package dev.vigil.core.rules.config;

import dev.vigil.core.time.Durations;

/**
 * One parameter a rule type takes: its name in the rules file, what kind of value, and the range allowed.
 *
 * @param name     name under {@code parameters:}.
 * @param duration true for a duration with a unit (value in nanoseconds), false for an integer.
 * @param min      smallest value allowed.
 * @param max      largest value allowed.
 * @param meaning  what it is, for {@code vigil rules check} and error messages.
 */
record ParameterSpec(String name, boolean duration, long min, long max, String meaning)
{
    static ParameterSpec integer(final String name, final long min, final long max, final String meaning)
    {
        return new ParameterSpec(name, false, min, max, meaning);
    }

    static ParameterSpec duration(final String name, final String min, final String max, final String meaning)
    {
        return new ParameterSpec(name, true, Durations.parseNs(min), Durations.parseNs(max), meaning);
    }

    /**
     * @return what values are allowed, in words.
     */
    String allowed()
    {
        return duration ?
            "a duration in [" + Durations.format(min) + ", " + Durations.format(max) + "] like 10m or 1h" :
            "an integer in [" + min + ", " + max + "]";
    }

    /**
     * @param text the value as written.
     * @return the value, in nanoseconds for a duration.
     * @throws IllegalArgumentException when the text is not such a value or out of range.
     */
    long parse(final String text)
    {
        final long value = duration ? Durations.parseNs(text) : Long.parseLong(text.replace("_", ""));
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }

    /**
     * @param value a parsed value.
     * @return the value as a rules file would write it.
     */
    String format(final long value)
    {
        return duration ? Durations.format(value) : Long.toString(value);
    }
}
