package dev.vigil.app.live;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The updates waiting for one viewer: bounded, so a viewer that reads slowly or not at all costs a fixed amount of
 * memory. The feed thread offers and never waits; what does not fit is dropped and counted for that viewer. The
 * viewer's own thread takes.
 */
final class ViewerQueue
{
    private final ArrayBlockingQueue<String> updates;
    private volatile long dropped;

    /**
     * @param capacity most updates held for the viewer.
     */
    ViewerQueue(final int capacity)
    {
        updates = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Called by the feed thread only.
     *
     * @param update one server-sent event, ready to write.
     * @return true when queued, false when the queue was full and the update was dropped (and counted).
     */
    boolean offer(final String update)
    {
        if (updates.offer(update))
        {
            return true;
        }
        dropped++;
        return false;
    }

    /**
     * @param timeoutMs longest wait.
     * @return the oldest update, or null when none came within the wait.
     * @throws InterruptedException when the viewer is being closed.
     */
    String take(final long timeoutMs) throws InterruptedException
    {
        return updates.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * @return updates waiting.
     */
    int size()
    {
        return updates.size();
    }

    /**
     * @return updates dropped for this viewer because its queue was full.
     */
    long dropped()
    {
        return dropped;
    }
}
