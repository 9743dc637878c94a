package dev.vigil.core.window;

/**
 * The shapes of event-time window, as in Flink: all are half-open {@code [start, end)}.
 */
public enum WindowKind
{
    /** Fixed size, back to back, aligned to epoch 0 plus an offset. */
    TUMBLING,
    /** Fixed size, a new window every slide; an event belongs to size / slide windows. */
    SLIDING,
    /** {@code [t, t + gap)} per event; windows of a key that overlap or touch merge into one session. */
    SESSION
}
