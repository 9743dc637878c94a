package dev.vigil.app.engine;

import dev.vigil.app.session.OpenedReplyPath;
import dev.vigil.core.stage.egress.ReplySink;
import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.LangUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.Queue;

/**
 * Replies over Aeron: one exclusive publication per connected client, keyed by the transport session its requests
 * arrive on, so a client only ever receives its own replies. The session gate builds each publication within the
 * reply-channel policy and hands it over connected, just before the session opens.
 * Alerts go to one publication that any number of subscribers may join; when it is back-pressured, window results
 * wait in egress's buffer (and the engine's input with them) until it takes them, while rule alerts are offered once.
 * <p>
 * A reply is encoded in place, in room claimed on the client's publication. A back-pressured claim is retried for a
 * bounded time, during which the engine stops taking input; that is how a slow client's back-pressure reaches the
 * ring rather than replies being silently dropped. Waits keep the transport's own duty cycle running, which matters
 * when the media driver runs on the engine's thread.
 * <p>
 * A session whose reply ran out of that time is stalled: its client stopped reading, or is gone and its reply
 * channel not yet timed out. Further replies to it are claimed once and not retried, until one goes through again,
 * so a client that stops reading costs the engine one retry budget rather than one per request, and cannot wedge
 * it for other clients. Its replies meanwhile are counted undelivered; a retried request gets its decision again.
 */
final class AeronReplySink implements ReplySink, AutoCloseable
{
    private static final long UNKNOWN_SESSION = Long.MIN_VALUE;
    /** Offers again at once after a term rotation; one is enough, a few cover a rotation raced by another publisher. */
    static final int ADMIN_ACTION_RETRIES = 3;

    private final Aeron aeron;
    private final Publication alertPublication;
    private final NanoClock clock;
    private final long retryTimeoutNs;
    /** The reply being encoded in place: claimed, then committed, before egress does anything else. */
    private final BufferClaim replyClaim = new BufferClaim();
    private final Int2ObjectHashMap<ExclusivePublication> publicationBySession = new Int2ObjectHashMap<>();
    private final Long2LongHashMap sessionByClientId = new Long2LongHashMap(UNKNOWN_SESSION);
    private final IntHashSet stalledSessions = new IntHashSet();
    private final Queue<OpenedReplyPath> openedPaths;
    private final Agent transportDuty;
    private final AtomicCounter backPressured;
    private final AtomicCounter repliesNotDelivered;
    private boolean alertsBackPressured;
    /** Written by the stopping thread only. */
    private volatile long flushCheckRequested;
    /** Written by egress only. */
    private volatile long flushCheckPassed;

    AeronReplySink(
        final Aeron aeron,
        final Publication alertPublication,
        final NanoClock clock,
        final long retryTimeoutNs,
        final Queue<OpenedReplyPath> openedPaths,
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
        this.openedPaths = openedPaths;
    }

    @Override
    public boolean openSession(final int sessionId, final long clientId)
    {
        closeSession(sessionId);
        final long previousSession = sessionByClientId.get(clientId);
        if (previousSession != UNKNOWN_SESSION)
        {
            // The client reconnected on a new session: its old reply path goes.
            closeSession((int)previousSession);
        }

        // Paths come in the order their sessions went into the ring, so this session's is at the head.
        OpenedReplyPath opened;
        while ((opened = openedPaths.poll()) != null && opened.sessionId() != sessionId)
        {
            CloseHelper.quietClose(opened.publication());
        }
        if (opened == null)
        {
            return false;
        }
        publicationBySession.put(sessionId, opened.publication());
        sessionByClientId.put(clientId, sessionId);
        return true;
    }

    @Override
    public void closeSession(final int sessionId)
    {
        final ExclusivePublication publication = publicationBySession.remove(sessionId);
        stalledSessions.remove(sessionId);
        if (publication != null)
        {
            publication.close();
            sessionByClientId.values().removeIfLong(session -> session == sessionId);
        }
    }

    @Override
    public int claim(final int sessionId, final int length)
    {
        final ExclusivePublication publication = publicationBySession.get(sessionId);
        if (publication == null)
        {
            return NO_SESSION;
        }
        if (stalledSessions.contains(sessionId))
        {
            if (publication.tryClaim(length, replyClaim) > 0)
            {
                stalledSessions.remove(sessionId);
                return SENT;
            }
            return FAILED;
        }
        final int result = claimWithRetry(publication, length);
        if (result == FAILED)
        {
            stalledSessions.add(sessionId);
        }
        return result;
    }

    @Override
    public MutableDirectBuffer claimedBuffer()
    {
        return replyClaim.buffer();
    }

    @Override
    public int claimedOffset()
    {
        return replyClaim.offset();
    }

    @Override
    public void commit()
    {
        replyClaim.commit();
    }

    /**
     * One offer, never a wait: a back-pressured alert is the caller's to offer again (window results are, from the
     * next duty cycle) or give up (rule alerts). Back-pressure is counted once per stretch, not once per offer.
     */
    @Override
    public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
    {
        long result = alertPublication.offer(buffer, offset, length);
        // A term rotation answers ADMIN_ACTION once and is done by the next offer: not back-pressure, and a rule
        // alert, offered once, would be lost to it.
        for (int retry = 0; result == Publication.ADMIN_ACTION && retry < ADMIN_ACTION_RETRIES; retry++)
        {
            result = alertPublication.offer(buffer, offset, length);
        }
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
     * For a clean stop, from the stopping thread: ask egress to check, on its own thread, whether the media driver has
     * sent everything offered to each connected client. Ask once ingress has stopped and the ring has drained, so the
     * check egress makes for this request sees every reply.
     *
     * @return the request, to pass to {@link #hasFlushed(long)}.
     */
    long requestFlushCheck()
    {
        final long request = flushCheckRequested + 1;
        flushCheckRequested = request;
        return request;
    }

    /**
     * @param request as {@link #requestFlushCheck()} returned it.
     * @return true once egress has found every connected reply publication sent, for that request or a later one.
     */
    boolean hasFlushed(final long request)
    {
        return flushCheckPassed >= request;
    }

    /**
     * The reply publications are egress's alone: a check another thread asked for is made here.
     */
    @Override
    public int doDutyCycle()
    {
        final long request = flushCheckRequested;
        if (request > flushCheckPassed && isFlushed())
        {
            flushCheckPassed = request;
            return 1;
        }
        return 0;
    }

    private boolean isFlushed()
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
        OpenedReplyPath opened;
        while ((opened = openedPaths.poll()) != null)
        {
            CloseHelper.quietClose(opened.publication());
        }
    }


    private int claimWithRetry(final ExclusivePublication publication, final int length)
    {
        long deadlineNs = 0;
        while (true)
        {
            final long result = publication.tryClaim(length, replyClaim);
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

}
