package dev.vigil.app.kafka;

/**
 * A Kafka source or sink cannot go on: another one took over its transactional id, Kafka refused it access, or its
 * topic does not exist. The command reports the message and exits with status 1.
 */
public final class KafkaConnectorException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened.
     */
    public KafkaConnectorException(final String message)
    {
        super(message);
    }

    /**
     * @param message what happened.
     * @param cause   the error behind it.
     */
    public KafkaConnectorException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
