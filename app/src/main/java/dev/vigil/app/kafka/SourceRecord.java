package dev.vigil.app.kafka;

import org.apache.kafka.common.header.Headers;

/**
 * One record of the input topic from the moment the source reads it until its offset is committed: the event frame
 * sent for it, and then the engine's decision for it, or why it is not decided.
 */
final class SourceRecord
{
    /** Read, not sent yet (or to be sent again). */
    static final int WAITING = 0;
    /** Sent, no answer yet. */
    static final int SENT = 1;
    /** Decided, refused, or bad: only the commit is left. */
    static final int DONE = 2;

    final long offset;
    final byte[] key;
    final byte[] value;
    final Headers headers;
    /** The event frame to send; null for a record that is not an event. */
    final byte[] frame;
    /** Whether the engine answers the frame: a heartbeat is not answered, and is done once sent. */
    final boolean answered;
    int state;
    /** The decision as written to the decisions topic; null when none is written. */
    byte[] decision;
    /** Why the record is not decided; null when it is. */
    BadRecordException.Reason badReason;
    String badMessage;

    SourceRecord(
        final long offset, final byte[] key, final byte[] value, final Headers headers, final byte[] frame,
        final boolean answered)
    {
        this.answered = answered;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.frame = frame;
    }

    /**
     * @return the client sequence the record is sent under: its offset plus one, as sequences start at 1.
     */
    long clientSeq()
    {
        return offset + 1;
    }

    void bad(final BadRecordException.Reason reason, final String message)
    {
        badReason = reason;
        badMessage = message;
        state = DONE;
    }
}
