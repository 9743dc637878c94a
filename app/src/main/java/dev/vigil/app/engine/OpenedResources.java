package dev.vigil.app.engine;

import java.util.ArrayDeque;

/**
 * What a starting engine has opened so far, so that a start that fails part-way releases all of it, newest first,
 * through one path rather than a catch block per step.
 */
final class OpenedResources
{
    private final ArrayDeque<AutoCloseable> resources = new ArrayDeque<>();

    /**
     * @param resource just opened; null for one this start does not have (e.g. no embedded driver).
     * @param <T>      its type.
     * @return the resource, to assign where it is kept.
     */
    <T extends AutoCloseable> T add(final T resource)
    {
        if (resource != null)
        {
            resources.push(resource);
        }
        return resource;
    }

    /**
     * Close one resource before the others, e.g. a helper the start needs only for a while.
     *
     * @param resource one added before.
     */
    void closeNow(final AutoCloseable resource)
    {
        if (resources.remove(resource))
        {
            closeInto(resource, null);
        }
    }

    /**
     * The start failed: close everything opened, newest first, whatever each close throws.
     *
     * @param failure why the start failed; what the closes throw is added to it as suppressed.
     */
    void closeAll(final Throwable failure)
    {
        while (!resources.isEmpty())
        {
            closeInto(resources.pop(), failure);
        }
    }

    private static void closeInto(final AutoCloseable resource, final Throwable failure)
    {
        try
        {
            resource.close();
        }
        catch (final Exception ex)
        {
            if (failure == null)
            {
                throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
            }
            failure.addSuppressed(ex);
        }
    }
}
