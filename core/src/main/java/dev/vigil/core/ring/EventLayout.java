package dev.vigil.core.ring;

import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;

/**
 * Offsets of the fields every inbound event shares, in the same place in every event template, so stages can read
 * them without knowing which event they hold. The static initialiser checks the schema still keeps that promise.
 */
public final class EventLayout
{
    /** Where an event's event time lies in its frame. */
    public static final int EVENT_TIME_OFFSET =
        MessageHeaderDecoder.ENCODED_LENGTH + TransactionDecoder.eventTimeNsEncodingOffset();
    /** Where the time the client sent an event lies in its frame. */
    public static final int CLIENT_SEND_TIME_OFFSET =
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
