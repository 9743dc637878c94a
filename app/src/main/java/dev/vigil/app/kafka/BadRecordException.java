package dev.vigil.app.kafka;

/**
 * A Kafka record that is not an event the engine can decide, and why. Such a record is counted and sent to the
 * dead-letter topic when there is one; the source goes on with the next.
 */
final class BadRecordException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a record is not decided, as the {@code vigil-error-reason} header of its dead letter names it.
     */
    enum Reason
    {
        /** Not JSON, not a flat object, or no value at all. */
        UNPARSEABLE,
        /** JSON, but a member is missing, unknown or holds a value the event cannot have. */
        INVALID_EVENT,
        /** In the sbe format, not a Transaction, Order or Heartbeat frame. */
        BAD_SBE,
        /** Sent, and refused by the engine with a Reject; the message names the engine's reason. */
        REJECTED
    }

    private final Reason reason;

    /**
     * @param reason  why.
     * @param message what exactly, for the dead letter's header.
     */
    BadRecordException(final Reason reason, final String message)
    {
        super(message, null, false, false);
        this.reason = reason;
    }

    /**
     * @return why the record is not decided.
     */
    Reason reason()
    {
        return reason;
    }
}
