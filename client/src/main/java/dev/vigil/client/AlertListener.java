package dev.vigil.client;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.WindowResultDecoder;

/**
 * Receives what the engine publishes on its alert stream: alerts, and the results and late events of its windowed
 * aggregations. Decoders are flyweights valid only during the call.
 */
@FunctionalInterface
public interface AlertListener
{
    /**
     * @param alert a rule fired: which, on what key, observed value against threshold, over which window.
     */
    void onAlert(AlertDecoder alert);

    /**
     * @param result one key's aggregate over one window, emitted when the watermark passed the window's end, or
     *               again as an update when a late event within the allowed lateness changed it.
     */
    default void onWindowResult(final WindowResultDecoder result)
    {
    }

    /**
     * @param lateEvent an event that arrived after every window that could take it was purged.
     */
    default void onLateEvent(final LateEventDecoder lateEvent)
    {
    }
}
