package dev.vigil.client;

/**
 * The client could not do what was asked: connect in time, or reach the engine.
 */
public final class VigilClientException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed.
     */
    public VigilClientException(final String message)
    {
        super(message);
    }
}
