package dev.vigil.client;

/**
 * What a listener threw while a poll delivered to it. Aeron's image poll hands whatever a fragment handler throws to
 * the Aeron client's error handler and goes on with the next fragment, so a listener's exception would never reach
 * the code that called poll: a caller that stops on an answer (a refusal it cannot go on from) would instead wait for
 * an answer that has already come. Kept here and thrown from the poll once Aeron returns.
 */
final class ListenerFailure
{
    private RuntimeException failure;

    /**
     * @param ex what the listener threw; the first of a poll is thrown, later ones are added to it as suppressed.
     */
    void onFailure(final RuntimeException ex)
    {
        if (failure == null)
        {
            failure = ex;
        }
        else if (failure != ex)
        {
            failure.addSuppressed(ex);
        }
    }

    /**
     * @return true when a listener threw since the last {@link #rethrow()}.
     */
    boolean hasFailed()
    {
        return failure != null;
    }

    /**
     * Throw what a listener threw, once; nothing when it threw nothing.
     */
    void rethrow()
    {
        final RuntimeException ex = failure;
        if (ex != null)
        {
            failure = null;
            throw ex;
        }
    }
}
