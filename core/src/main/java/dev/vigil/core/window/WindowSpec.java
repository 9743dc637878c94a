package dev.vigil.core.window;

import dev.vigil.core.rules.expr.Condition;

import java.util.Objects;

/**
 * A windowed aggregation: which messages (all of its input, or those that meet a condition), keyed by which field,
 * over which windows, with how much allowed lateness, and how much state it may hold. Immutable and validated on
 * construction.
 */
public final class WindowSpec
{
    /** Window ids are the {@code aggregateId} of WindowResult messages. */
    public static final int MAX_ID = 255;

    /** Longest size, slide, gap or allowed lateness: 366 days, so that window ends never overflow. */
    public static final long MAX_DURATION_NS = 366L * 24 * 3600 * 1_000_000_000L;

    private final int id;
    private final String name;
    private final WindowInput input;
    private final WindowInput.Key key;
    private final WindowInput.Value value;
    private final WindowKind kind;
    private final long sizeNs;
    private final long slideNs;
    private final long offsetNs;
    private final long allowedLatenessNs;
    private final int maxKeys;
    private final int maxWindows;
    private final Condition filter;

    private WindowSpec(
        final int id,
        final String name,
        final WindowInput input,
        final WindowInput.Key key,
        final WindowInput.Value value,
        final WindowKind kind,
        final long sizeNs,
        final long slideNs,
        final long offsetNs,
        final long allowedLatenessNs,
        final int maxKeys,
        final int maxWindows,
        final Condition filter)
    {
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.input = Objects.requireNonNull(input, "input");
        this.key = Objects.requireNonNull(key, "key");
        this.value = Objects.requireNonNull(value, "value");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sizeNs = sizeNs;
        this.slideNs = slideNs;
        this.offsetNs = offsetNs;
        this.allowedLatenessNs = allowedLatenessNs;
        this.maxKeys = maxKeys;
        this.maxWindows = maxWindows;
        this.filter = filter;
        validate();
    }

    /**
     * @param id                unique id in {@code [0, MAX_ID]}.
     * @param name              for reports.
     * @param input             which messages.
     * @param key               keyed by.
     * @param value             aggregated field.
     * @param sizeNs            window length.
     * @param offsetNs          alignment offset from epoch 0, in {@code [0, sizeNs)}.
     * @param allowedLatenessNs how long after firing a window still accepts late events.
     * @param maxKeys           most keys with open windows.
     * @param maxWindows        most panes held at once over all keys.
     * @return a tumbling-window aggregation.
     */
    public static WindowSpec tumbling(
        final int id, final String name, final WindowInput input, final WindowInput.Key key,
        final WindowInput.Value value, final long sizeNs, final long offsetNs, final long allowedLatenessNs,
        final int maxKeys, final int maxWindows)
    {
        return new WindowSpec(id, name, input, key, value, WindowKind.TUMBLING, sizeNs, sizeNs, offsetNs,
            allowedLatenessNs, maxKeys, maxWindows, null);
    }

    /**
     * @param id                unique id in {@code [0, MAX_ID]}.
     * @param name              for reports.
     * @param input             which messages.
     * @param key               keyed by.
     * @param value             aggregated field.
     * @param sizeNs            window length, a whole multiple of slideNs.
     * @param slideNs           a new window starts every slide.
     * @param offsetNs          alignment offset from epoch 0, in {@code [0, slideNs)}.
     * @param allowedLatenessNs how long after firing a window still accepts late events.
     * @param maxKeys           most keys with open windows.
     * @param maxWindows        most panes (slide-long slices) held at once over all keys.
     * @return a sliding-window aggregation.
     */
    public static WindowSpec sliding(
        final int id, final String name, final WindowInput input, final WindowInput.Key key,
        final WindowInput.Value value, final long sizeNs, final long slideNs, final long offsetNs,
        final long allowedLatenessNs, final int maxKeys, final int maxWindows)
    {
        return new WindowSpec(id, name, input, key, value, WindowKind.SLIDING, sizeNs, slideNs, offsetNs,
            allowedLatenessNs, maxKeys, maxWindows, null);
    }

    /**
     * @param id                unique id in {@code [0, MAX_ID]}.
     * @param name              for reports.
     * @param input             which messages.
     * @param key               keyed by.
     * @param value             aggregated field.
     * @param gapNs             a session ends after this long without events of its key.
     * @param allowedLatenessNs how long after firing a session still accepts late events.
     * @param maxKeys           most keys with open sessions.
     * @param maxWindows        most sessions held at once over all keys.
     * @return a session-window aggregation.
     */
    public static WindowSpec session(
        final int id, final String name, final WindowInput input, final WindowInput.Key key,
        final WindowInput.Value value, final long gapNs, final long allowedLatenessNs, final int maxKeys,
        final int maxWindows)
    {
        return new WindowSpec(id, name, input, key, value, WindowKind.SESSION, gapNs, gapNs, 0,
            allowedLatenessNs, maxKeys, maxWindows, null);
    }

    /**
     * @param condition which events of the input the aggregation takes, compiled over the input's fields; null for
     *                  every event.
     * @return this aggregation over only the events that meet the condition.
     */
    public WindowSpec filtered(final Condition condition)
    {
        return new WindowSpec(id, name, input, key, value, kind, sizeNs, slideNs, offsetNs, allowedLatenessNs,
            maxKeys, maxWindows, condition);
    }

    private void validate()
    {
        final String where = "window '" + name + "'";
        if (id < 0 || id > MAX_ID)
        {
            throw new IllegalArgumentException(where + ": id " + id + " outside [0, " + MAX_ID + "]");
        }
        if (!input.has(key))
        {
            throw new IllegalArgumentException(where + ": " + input + " have no key " + key);
        }
        if (!input.has(value))
        {
            throw new IllegalArgumentException(where + ": " + input + " have no value " + value);
        }
        if (sizeNs <= 0 || slideNs <= 0 || sizeNs > MAX_DURATION_NS)
        {
            throw new IllegalArgumentException(where + ": size, slide and gap must be positive, at most 366 days");
        }
        if (sizeNs % slideNs != 0 || sizeNs / slideNs > 100_000)
        {
            throw new IllegalArgumentException(
                where + ": size must be a whole multiple of the slide, at most 100000 slides");
        }
        if (offsetNs < 0 || offsetNs >= slideNs)
        {
            throw new IllegalArgumentException(where + ": offset must be in [0, slide)");
        }
        if (allowedLatenessNs < 0 || allowedLatenessNs > MAX_DURATION_NS)
        {
            throw new IllegalArgumentException(where + ": allowed lateness must be in [0, 366 days]");
        }
        if (maxKeys < 1 || maxWindows < 1 || maxKeys > (1 << 26) || maxWindows > (1 << 26))
        {
            throw new IllegalArgumentException(where + ": max keys and max windows must be in [1, 2^26]");
        }
    }

    /**
     * @return the id, also the {@code aggregateId} of its results.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return which messages it reads.
     */
    public WindowInput input()
    {
        return input;
    }

    /**
     * @return the key field.
     */
    public WindowInput.Key key()
    {
        return key;
    }

    /**
     * @return the aggregated field.
     */
    public WindowInput.Value value()
    {
        return value;
    }

    /**
     * @return the window shape.
     */
    public WindowKind kind()
    {
        return kind;
    }

    /**
     * @return window length; for sessions the gap.
     */
    public long sizeNs()
    {
        return sizeNs;
    }

    /**
     * @return slide; the size for tumbling windows and the gap for sessions.
     */
    public long slideNs()
    {
        return slideNs;
    }

    /**
     * @return alignment offset from epoch 0.
     */
    public long offsetNs()
    {
        return offsetNs;
    }

    /**
     * @return allowed lateness.
     */
    public long allowedLatenessNs()
    {
        return allowedLatenessNs;
    }

    /**
     * @return most keys with open windows.
     */
    public int maxKeys()
    {
        return maxKeys;
    }

    /**
     * @return most panes or sessions held at once.
     */
    public int maxWindows()
    {
        return maxWindows;
    }

    /**
     * @return the condition an event meets to be aggregated, null when every event of the input is.
     */
    public Condition filter()
    {
        return filter;
    }

    private String filterCanonical()
    {
        return filter == null ? null : filter.canonical();
    }

    @Override
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof WindowSpec))
        {
            return false;
        }
        final WindowSpec that = (WindowSpec)other;
        return id == that.id && name.equals(that.name) && input == that.input && key == that.key &&
            value == that.value && kind == that.kind && sizeNs == that.sizeNs && slideNs == that.slideNs &&
            offsetNs == that.offsetNs && allowedLatenessNs == that.allowedLatenessNs && maxKeys == that.maxKeys &&
            maxWindows == that.maxWindows && Objects.equals(filterCanonical(), that.filterCanonical());
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(id, name, input, key, value, kind, sizeNs, slideNs, offsetNs, allowedLatenessNs, maxKeys,
            maxWindows, filterCanonical());
    }

    @Override
    public String toString()
    {
        final String shape;
        switch (kind)
        {
            case TUMBLING:
                shape = "tumbling size=" + sizeNs + "ns";
                break;
            case SLIDING:
                shape = "sliding size=" + sizeNs + "ns slide=" + slideNs + "ns";
                break;
            default:
                shape = "session gap=" + sizeNs + "ns";
                break;
        }
        return id + " " + name + ": " + input.name().toLowerCase() + " by " + key.name().toLowerCase() + ", " +
            value.name().toLowerCase() + ", " + shape + (offsetNs != 0 ? " offset=" + offsetNs + "ns" : "") +
            " lateness=" + allowedLatenessNs + "ns" + (filter != null ? " where " + filter.text() : "");
    }
}
