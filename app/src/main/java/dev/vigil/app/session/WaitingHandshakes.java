package dev.vigil.app.session;

/**
 * Handshakes admitted but not yet given a reply publication, oldest first. Linked through the handshakes
 * themselves, so that one ending while it waits (a timeout, its sender gone) leaves in constant time.
 */
final class WaitingHandshakes
{
    private PendingSession oldest;
    private PendingSession newest;
    private int size;

    void add(final PendingSession pending)
    {
        pending.linkWaiting(newest, null);
        if (newest == null)
        {
            oldest = pending;
        }
        else
        {
            newest.linkWaiting(newest.waitingAhead(), pending);
        }
        newest = pending;
        size++;
    }

    /**
     * @param pending a handshake in the line.
     */
    void remove(final PendingSession pending)
    {
        final PendingSession ahead = pending.waitingAhead();
        final PendingSession behind = pending.waitingBehind();
        if (ahead == null)
        {
            oldest = behind;
        }
        else
        {
            ahead.linkWaiting(ahead.waitingAhead(), behind);
        }
        if (behind == null)
        {
            newest = ahead;
        }
        else
        {
            behind.linkWaiting(ahead, behind.waitingBehind());
        }
        pending.linkWaiting(null, null);
        size--;
    }

    /**
     * @return the handshake that has waited longest, or null when none waits.
     */
    PendingSession oldest()
    {
        return oldest;
    }

    int size()
    {
        return size;
    }

    void clear()
    {
        while (oldest != null)
        {
            remove(oldest);
        }
    }
}
