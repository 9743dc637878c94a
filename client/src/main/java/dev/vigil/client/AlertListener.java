package dev.vigil.client;

import dev.vigil.codecs.AlertDecoder;

/**
 * Receives alerts published by the engine. The decoder is a flyweight valid only during the call.
 */
@FunctionalInterface
public interface AlertListener
{
    /**
     * @param alert a rule fired: which, on what key, observed value against threshold, over which window.
     */
    void onAlert(AlertDecoder alert);
}
