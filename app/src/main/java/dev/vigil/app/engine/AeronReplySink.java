package dev.vigil.app.engine;

import dev.vigil.core.pipeline.ReplySink;
import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.LangUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.Iterator;

/**
 * Replies over Aeron: one exclusive publication per connected client, on the channel the client named in its
 * Connect, keyed by the transport session its requests arrive on, so a client only ever receives its own replies.
 * Alerts go to one publication that any number of subscribers may join; when it is back-pressured, window results
 * wait in egress's buffer (and the engine's input with them) until it takes them, while rule alerts are offered once.
 * <p>
 * Opening a session never waits for the client's reply channel to connect: until it does, its replies (the
 * Connected first) are held in order, up to a bound, and sent when it connects; if it has not connected within
 * {@code egress.connect.timeout} they are dropped and counted undelivered, and the session closed.
 * <p>
 * A back-pressured reply is retried for a bounded time, during which the engine stops taking input; that is how a
 * slow client's back-pressure reaches the ring rather than replies being silently dropped. Waits keep the
 * transport's own duty cycle running, which matters when the media driver runs on the engine's thread.
 * <p>
 * A session whose reply ran out of that time is stalled: its client stopped reading, or is gone and its reply
 * channel not yet timed out. Further replies to it are offered once and not retried, until one goes through again,
 * so a client that stops reading costs the engine one retry budget rather than one per request, and cannot wedge
 * it for other clients. Its replies meanwhile are counted undelivered; a retried request gets its decision again.
 */
final class AeronReplySink implements ReplySink, AutoCloseable
{
    private static final long UNKNOWN_SESSION = Long.MIN_VALUE;

    private final Aeron aeron;
    private final Publication alertPublication;
    private final NanoClock clock;
    private final long retryTimeoutNs;
    private final long connectTimeoutNs;
    private final Int2ObjectHashMap<ExclusivePublication> publicationBySession = new Int2ObjectHashMap<>();
    private final Long2LongHashMap sessionByClientId = new Long2LongHashMap(UNKNOWN_SESSION);
    private final IntHashSet stalledSessions = new IntHashSet();
    private final Int2ObjectHashMap<PendingSession> pendingBySession = new Int2ObjectHashMap<>();
    private final Agent transportDuty;
    private final AtomicCounter backPressured;
    private final AtomicCounter repliesNotDelivered;
    private boolean alertsBackPressured;

    AeronReplySink(
        final Aeron aeron,
        final Publication alertPublication,
        final NanoClock clock,
        final long retryTimeoutNs,
        final long connectTimeoutNs,
        final Agent transportDuty,
        final AtomicCounter backPressured,
        final AtomicCounter repliesNotDelivered)
    {
        this.backPressured = backPressured;
        this.repliesNotDelivered = repliesNotDelivered;
        this.transportDuty = transportDuty;
        this.aeron = aeron;
        this.alertPublication = alertPublication;
        this.clock = clock;
        this.retryTimeoutNs = retryTimeoutNs;
        this.connectTimeoutNs = connectTimeoutNs;
    }

    @Override
    public boolean openSession(
        final int sessionId, final long clientId, final String responseChannel, final int responseStreamId)
    {
        closeSession(sessionId);
        final long previousSession = sessionByClientId.get(clientId);
        if (previousSession != UNKNOWN_SESSION)
        {
            // The client reconnected on a new session: its old reply path goes.
            closeSession((int)previousSession);
        }

        final ExclusivePublication publication;
        try
        {
            publication = aeron.addExclusivePublication(responseChannel, responseStreamId);
        }
        catch (final RuntimeException ex)
        {
            // A bad channel from a client must not take the engine down; the client gets no Connected reply.
            return false;
        }

        publicationBySession.put(sessionId, publication);
        sessionByClientId.put(clientId, sessionId);
        if (!publication.isConnected())
        {
            // Never wait here: a Connect naming a channel nobody listens on would stall every client.
            pendingBySession.put(
                sessionId, new PendingSession(sessionId, publication, clock.nanoTime() + connectTimeoutNs));
        }
        return true;
    }

    @Override
    public void closeSession(final int sessionId)
    {
        final ExclusivePublication publication = publicationBySession.remove(sessionId);
        stalledSessions.remove(sessionId);
        final PendingSession pending = pendingBySession.remove(sessionId);
        if (pending != null)
        {
            repliesNotDelivered.getAndAdd(pending.heldReplies);
        }
        if (publication != null)
        {
            publication.close();
            sessionByClientId.values().removeIfLong(session -> session == sessionId);
        }
    }

    @Override
    public int send(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExclusivePublication publication = publicationBySession.get(sessionId);
        if (publication == null)
        {
            return NO_SESSION;
        }
        if (!pendingBySession.isEmpty())
        {
            final PendingSession pending = pendingBySession.get(sessionId);
            if (pending != null && !flushIfConnected(pending))
            {
                return pending.hold(buffer, offset, length) ? SENT : FAILED;
            }
        }
        if (stalledSessions.contains(sessionId))
        {
            if (publication.offer(buffer, offset, length) > 0)
            {
                stalledSessions.remove(sessionId);
                return SENT;
            }
            return FAILED;
        }
        final int result = offer(publication, buffer, offset, length);
        if (result == FAILED)
        {
            stalledSessions.add(sessionId);
        }
        return result;
    }

    @Override
    public int doDutyCycle()
    {
        if (pendingBySession.isEmpty())
        {
            return 0;
        }
        int workCount = 0;
        final long nowNs = clock.nanoTime();
        final Iterator<PendingSession> pendingSessions = pendingBySession.values().iterator();
        while (pendingSessions.hasNext())
        {
            final PendingSession pending = pendingSessions.next();
            if (pending.publication.isConnected())
            {
                pendingSessions.remove();
                flush(pending);
                workCount++;
            }
            else if (nowNs > pending.deadlineNs)
            {
                pendingSessions.remove();
                repliesNotDelivered.getAndAdd(pending.heldReplies);
                closeSession(pending.sessionId);
                workCount++;
            }
        }
        return workCount;
    }

    /**
     * One offer, never a wait: a back-pressured alert is the caller's to offer again (window results are, from the
     * next duty cycle) or give up (rule alerts). Back-pressure is counted once per stretch, not once per offer.
     */
    @Override
    public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = alertPublication.offer(buffer, offset, length);
        if (result > 0)
        {
            alertsBackPressured = false;
            return SENT;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            if (!alertsBackPressured)
            {
                alertsBackPressured = true;
                backPressured.incrementOrdered();
            }
            return BACK_PRESSURED;
        }
        alertsBackPressured = false;
        return FAILED;
    }

    /**
     * For a clean stop, once egress is idle: has the media driver sent everything offered to each connected client?
     *
     * @return true when every connected reply publication's sender position has reached its position.
     */
    boolean isFlushed()
    {
        final CountersReader counters = aeron.countersReader();
        for (final ExclusivePublication publication : publicationBySession.values())
        {
            if (publication.isConnected() &&
                senderPosition(counters, publication.registrationId()) < publication.position())
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close()
    {
        publicationBySession.values().forEach(CloseHelper::quietClose);
        publicationBySession.clear();
    }


    private boolean flushIfConnected(final PendingSession pending)
    {
        if (!pending.publication.isConnected())
        {
            return false;
        }
        pendingBySession.remove(pending.sessionId);
        flush(pending);
        return true;
    }

    private void flush(final PendingSession pending)
    {
        final ExpandableArrayBuffer held = pending.held;
        for (int offset = 0; offset < pending.heldLength; )
        {
            final int length = held.getInt(offset);
            if (offer(pending.publication, held, offset + Integer.BYTES, length) != SENT)
            {
                repliesNotDelivered.incrementOrdered();
            }
            offset += Integer.BYTES + length;
        }
    }

    private int offer(final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        long deadlineNs = 0;
        while (true)
        {
            final long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                return SENT;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                return FAILED;
            }
            final long nowNs = clock.nanoTime();
            if (deadlineNs == 0)
            {
                deadlineNs = nowNs + retryTimeoutNs;
                backPressured.incrementOrdered();
            }
            else if (nowNs > deadlineNs)
            {
                return FAILED;
            }
            if (runTransportDuty() == 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * When the driver and client conductor run on the engine's own thread, waiting for the transport must keep
     * them running, or the wait could never end.
     */
    private int runTransportDuty()
    {
        try
        {
            return transportDuty.doWork();
        }
        catch (final Exception ex)
        {
            LangUtil.rethrowUnchecked(ex);
            return 0;
        }
    }

    private static long senderPosition(final CountersReader counters, final long registrationId)
    {
        final long[] position = {Long.MAX_VALUE};
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == AeronCounters.DRIVER_SENDER_POSITION_TYPE_ID && keyBuffer.getLong(0) == registrationId)
            {
                position[0] = counters.getCounterValue(counterId);
            }
        });
        return position[0];
    }

    /**
     * A session whose reply channel has not connected yet: its replies are held, in order and up to a bound, until
     * it connects or its time is up.
     */
    private static final class PendingSession
    {
        private static final int MAX_HELD_BYTES = 64 * 1024;

        private final int sessionId;
        private final ExclusivePublication publication;
        private final long deadlineNs;
        private final ExpandableArrayBuffer held = new ExpandableArrayBuffer(256);
        private int heldLength;
        private int heldReplies;

        PendingSession(final int sessionId, final ExclusivePublication publication, final long deadlineNs)
        {
            this.sessionId = sessionId;
            this.publication = publication;
            this.deadlineNs = deadlineNs;
        }

        boolean hold(final DirectBuffer buffer, final int offset, final int length)
        {
            if (heldLength + Integer.BYTES + length > MAX_HELD_BYTES)
            {
                return false;
            }
            held.putInt(heldLength, length);
            held.putBytes(heldLength + Integer.BYTES, buffer, offset, length);
            heldLength += Integer.BYTES + length;
            heldReplies++;
            return true;
        }
    }
}
