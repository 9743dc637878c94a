package dev.vigil.client;

import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.RejectDecoder;

/**
 * Receives the engine's replies to this client. Decoders are flyweights valid only during the call.
 */
public interface ReplyListener
{
    /**
     * The engine decided one of this client's transactions or orders.
     *
     * @param decision the decision; {@code clientSeq()} names the request it answers.
     */
    void onDecision(DecisionDecoder decision);

    /**
     * The engine refused one of this client's frames.
     *
     * @param reject why, and which request when it could tell.
     */
    default void onReject(final RejectDecoder reject)
    {
    }
}
