package dev.vigil.core.pipeline;

import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;

/**
 * Offsets of the fields every inbound event shares, in the same place in every event template, so stages can read
 * them without knowing which event they hold. The static initialiser checks the schema still keeps that promise.
 */
final class EventLayout
{
    static final int EVENT_TIME_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.eventTimeNsEncodingOffset();
    static final int CLIENT_SEND_TIME_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.clientSendTimeNsEncodingOffset();

    static
    {
        if (OrderDecoder.eventTimeNsEncodingOffset() != TransactionDecoder.eventTimeNsEncodingOffset() ||
            HeartbeatDecoder.eventTimeNsEncodingOffset() != TransactionDecoder.eventTimeNsEncodingOffset() ||
            OrderDecoder.clientSendTimeNsEncodingOffset() != TransactionDecoder.clientSendTimeNsEncodingOffset() ||
            HeartbeatDecoder.clientSendTimeNsEncodingOffset() != TransactionDecoder.clientSendTimeNsEncodingOffset())
        {
            throw new IllegalStateException("event templates no longer share the eventTimeNs/clientSendTimeNs offsets");
        }
    }

    private EventLayout()
    {
    }
}
