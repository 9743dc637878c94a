package dev.vigil.core.rules.config;

import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowKind;
import dev.vigil.core.window.WindowSpec;

import java.util.Locale;

/**
 * One windowed aggregation as the {@code windows:} section of a rules file defines it, validated.
 *
 * @param id                aggregation id: the {@code aggregateId} of its results, unique among windows.
 * @param name              name for reports.
 * @param kind              tumbling, sliding or session.
 * @param input             transactions or orders.
 * @param key               the key field.
 * @param value             the aggregated field.
 * @param sizeNs            window length; a session's gap.
 * @param slideNs           how often a sliding window starts; the size for tumbling and session windows.
 * @param offsetNs          alignment of tumbling and sliding windows from epoch 0.
 * @param allowedLatenessNs how long after it fires a window still takes late events, as updates.
 * @param maxKeys           most keys with open windows; 0 for the engine-wide {@code rules.max.keys}.
 * @param maxWindows        most windows (panes, sessions) held at once; 0 for four per key.
 * @param enabled           whether the aggregation runs.
 * @param where             which events of the input it takes, null for all.
 * @param line              line of the definition in its file.
 */
public record WindowDefinition(
    int id,
    String name,
    WindowKind kind,
    WindowInput input,
    WindowInput.Key key,
    WindowInput.Value value,
    long sizeNs,
    long slideNs,
    long offsetNs,
    long allowedLatenessNs,
    int maxKeys,
    int maxWindows,
    boolean enabled,
    Condition where,
    int line)
{
    /** Windows held per key when the file does not say: a sliding window's panes are shared by keys' windows. */
    static final int DEFAULT_WINDOWS_PER_KEY = 4;

    /**
     * @param defaultMaxKeys most keys when the definition does not say.
     * @return the aggregation for the window operator.
     * @throws IllegalArgumentException when the limits are out of range.
     */
    public WindowSpec toSpec(final int defaultMaxKeys)
    {
        final int keys = maxKeys > 0 ? maxKeys : defaultMaxKeys;
        final int windows = maxWindows > 0 ? maxWindows :
            (int)Math.min(1 << 26, (long)keys * DEFAULT_WINDOWS_PER_KEY);
        final WindowSpec spec;
        switch (kind)
        {
            case TUMBLING:
                spec = WindowSpec.tumbling(
                    id, name, input, key, value, sizeNs, offsetNs, allowedLatenessNs, keys, windows);
                break;
            case SLIDING:
                spec = WindowSpec.sliding(
                    id, name, input, key, value, sizeNs, slideNs, offsetNs, allowedLatenessNs, keys, windows);
                break;
            default:
                spec = WindowSpec.session(id, name, input, key, value, sizeNs, allowedLatenessNs, keys, windows);
                break;
        }
        return where == null ? spec : spec.filtered(where);
    }

    /**
     * @return the aggregation on one line, as {@code vigil rules check} prints it.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder();
        text.append(name).append(" (").append(lower(kind)).append(") ")
            .append(lower(input)).append(" by ").append(lower(key)).append(" of ").append(lower(value));
        if (kind == WindowKind.SESSION)
        {
            text.append(" gap ").append(Durations.format(sizeNs));
        }
        else
        {
            text.append(" size ").append(Durations.format(sizeNs));
            if (kind == WindowKind.SLIDING)
            {
                text.append(" slide ").append(Durations.format(slideNs));
            }
            if (offsetNs > 0)
            {
                text.append(" offset ").append(Durations.format(offsetNs));
            }
        }
        if (allowedLatenessNs > 0)
        {
            text.append(" allowed-lateness ").append(Durations.format(allowedLatenessNs));
        }
        if (where != null)
        {
            text.append(" where ").append(where.text());
        }
        return text.toString();
    }

    static String lower(final Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
