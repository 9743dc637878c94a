package dev.vigil.app.session;

import dev.vigil.codecs.ChallengeResponseDecoder;
import dev.vigil.codecs.ConnectDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.core.stage.ingress.RingIngress;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Iterator;
import java.util.Queue;

/**
 * Turns {@code Connect}s into sessions, on the ingress thread, without ever waiting: checks the bounds on sessions,
 * builds the reply channel from the {@link ReplyChannelPolicy}, adds its publication asynchronously when its turn
 * comes, waits (across duty cycles) for it to connect, has the {@link Authenticator} decide (with a challenge if it
 * wants one), and only then opens the session in {@link RingIngress} and hands the connected publication to egress.
 * Until then the client's events are refused as not connected, and an existing session of the same client id is
 * not touched.
 * <p>
 * A Connect that breaks a bound, names a channel the policy refuses, or does not finish within
 * {@code session.handshake.timeout} is counted by reason; only a failed authentication is answered, on the reply
 * channel the engine built and saw connect.
 * <p>
 * Only a few handshakes at a time hold a reply publication ({@link Limits#maxConnecting}, at most
 * {@link Limits#maxConnectingPerSource} of them from one host); the others wait their turn, oldest first, holding
 * nothing but their place. A reply publication that never connects costs the media driver work on every duty cycle
 * until it times out, which in the shared profile is the engine's own thread: so hundreds of bogus Connects
 * hold no more publications than a few do.
 */
public final class SessionGate implements AutoCloseable
{
    /**
     * Bounds on what connecting clients may hold, and how often handshakes under way are looked at.
     *
     * @param maxSessions            sessions open or connecting.
     * @param maxPending             handshakes under way, waiting for a reply publication or holding one.
     * @param maxPendingPerSource    handshakes under way from one source address.
     * @param maxConnecting          handshakes holding a reply publication at once.
     * @param maxConnectingPerSource of those, from one source address, so one host cannot hold them all.
     * @param handshakeTimeoutNs  how long a handshake may take.
     * @param connectsPerSecond   Connects and ChallengeResponses one transport session may send per second.
     * @param scanIntervalNs      least time between two looks at the handshakes under way: a handshake needs no
     *                            microseconds, and hundreds of them looked at on every duty cycle would cost the
     *                            clients that are connected.
     */
    public record Limits(
        int maxSessions,
        int maxPending,
        int maxPendingPerSource,
        int maxConnecting,
        int maxConnectingPerSource,
        long handshakeTimeoutNs,
        int connectsPerSecond,
        long scanIntervalNs)
    {
    }

    private static final String IPC_SOURCE = "aeron:ipc";
    /** Least time a waiting handshake must have left to be given a reply publication: less cannot connect. */
    private static final long LEAST_TIME_FOR_A_TURN_NS = 10_000_000L;

    private final Aeron aeron;
    private final RingIngress ringIngress;
    private final ReplyChannelPolicy policy;
    private final Authenticator authenticator;
    private final boolean authenticates;
    private final Limits limits;
    private final NanoClock clock;
    private final SessionCounters counters;
    private final AtomicCounter framesReceived;
    private final AtomicCounter sessionsOpened;
    private final AtomicCounter sessionsOpen;
    private final AtomicCounter sessionsPending;
    private final AtomicCounter sessionsWaiting;
    private final Queue<OpenedReplyPath> openedPaths;
    private final InboundFrameValidator validator;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ConnectDecoder connect = new ConnectDecoder();
    private final ChallengeResponseDecoder challengeResponse = new ChallengeResponseDecoder();
    private final HandshakeReplies replies = new HandshakeReplies();
    private final Int2ObjectHashMap<PendingSession> pendingBySession = new Int2ObjectHashMap<>();
    private final PendingBySource pendingBySource = new PendingBySource();
    private final WaitingHandshakes waiting = new WaitingHandshakes();
    private final PendingBySource connectingBySource = new PendingBySource();
    private int connecting;
    private boolean turnsDue;
    private final ConnectRateLimit connectRate;
    private final Int2ObjectHashMap<String> sourceHostByOpenSession = new Int2ObjectHashMap<>();
    private int lastOpenSessions;
    private long lastScanNs = Long.MIN_VALUE / 2;

    /**
     * @param aeron          adds the reply publications.
     * @param ringIngress    where sessions open.
     * @param policy         what reply channels are allowed.
     * @param authenticator  decides who a client is; with {@link AllowAllAuthenticator} nothing proves a client id,
     *                       so one connected from a host may not be taken over from another.
     * @param limits         bounds on sessions and handshakes.
     * @param clock          for handshake deadlines.
     * @param counters       where refusals and sessions are counted.
     * @param openedPaths    where connected reply publications go to egress; bounded, single consumer.
     * @param maxFrameLength longest inbound frame.
     */
    public SessionGate(
        final Aeron aeron,
        final RingIngress ringIngress,
        final ReplyChannelPolicy policy,
        final Authenticator authenticator,
        final Limits limits,
        final NanoClock clock,
        final SessionCounters counters,
        final Queue<OpenedReplyPath> openedPaths,
        final int maxFrameLength)
    {
        this.aeron = aeron;
        this.ringIngress = ringIngress;
        this.policy = policy;
        this.authenticator = authenticator;
        this.authenticates = authenticator != AllowAllAuthenticator.INSTANCE;
        this.limits = limits;
        this.clock = clock;
        this.counters = counters;
        this.framesReceived = counters.framesReceived();
        this.sessionsOpened = counters.get(SessionCounter.SESSIONS_OPENED);
        this.sessionsOpen = counters.get(SessionCounter.SESSIONS_OPEN);
        this.sessionsPending = counters.get(SessionCounter.SESSIONS_PENDING);
        this.sessionsWaiting = counters.get(SessionCounter.SESSIONS_WAITING);
        this.openedPaths = openedPaths;
        this.validator = new InboundFrameValidator(maxFrameLength);
        this.connectRate = new ConnectRateLimit(limits.connectsPerSecond());
    }

    /**
     * Take a frame if it is a well-formed {@code Connect} or {@code ChallengeResponse}.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @param header of its last fragment; its context is the image it came from.
     * @return true when taken; false for any other frame, which the caller gives to {@link RingIngress}.
     */
    public boolean onFrame(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return isSessionOpening(buffer, offset, length) &&
            take(buffer, offset, length, header.sessionId(), ((Image)header.context()).sourceIdentity());
    }

    /**
     * Take a frame if it is a well-formed {@code Connect} or {@code ChallengeResponse}.
     *
     * @param buffer         holding the frame.
     * @param offset         of the frame.
     * @param length         of the frame.
     * @param sessionId      transport session it arrived on.
     * @param sourceIdentity where it came from, as Aeron names an image's source, e.g. {@code 127.0.0.1:40555}.
     * @return true when taken; false for any other frame, which the caller gives to {@link RingIngress}.
     */
    public boolean onFrame(
        final DirectBuffer buffer, final int offset, final int length, final int sessionId, final String sourceIdentity)
    {
        return isSessionOpening(buffer, offset, length) && take(buffer, offset, length, sessionId, sourceIdentity);
    }

    /**
     * A session-opening frame, its header wrapped: handled unless malformed.
     */
    private boolean take(
        final DirectBuffer buffer, final int offset, final int length, final int sessionId, final String sourceIdentity)
    {
        if (validator.validate(buffer, offset, length) != null)
        {
            // Events, and malformed frames of any template, are refused and counted by ingress as ever.
            return false;
        }
        framesReceived.incrementOrdered();
        if (!connectRate.tryAcquire(sessionId, clock.nanoTime()))
        {
            refuse(ConnectRefusal.TOO_MANY_CONNECTS);
            return true;
        }
        if (header.templateId() == ConnectDecoder.TEMPLATE_ID)
        {
            connect.wrapAndApplyHeader(buffer, offset, header);
            onConnect(sessionId, sourceIdentity);
        }
        else
        {
            challengeResponse.wrapAndApplyHeader(buffer, offset, this.header);
            onChallengeResponse(sessionId);
        }
        return true;
    }

    private boolean isSessionOpening(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        header.wrap(buffer, offset);
        return InboundFrameValidator.isSessionOpeningTemplate(header.templateId());
    }

    /**
     * Move every handshake under way on: publications added, connected, authenticated, opened, or expired.
     *
     * @return work done.
     */
    public int doWork()
    {
        final int openSessions = ringIngress.sessionCount();
        if (openSessions != lastOpenSessions)
        {
            // Disconnects and closed images end sessions too.
            lastOpenSessions = openSessions;
            sessionsOpen.setOrdered(openSessions);
        }
        if (pendingBySession.isEmpty())
        {
            return 0;
        }
        final long nowNs = clock.nanoTime();
        if (nowNs - lastScanNs < limits.scanIntervalNs())
        {
            return 0;
        }
        lastScanNs = nowNs;
        int workCount = 0;
        final Iterator<PendingSession> iterator = pendingBySession.values().iterator();
        while (iterator.hasNext())
        {
            final PendingSession pending = iterator.next();
            final PendingSession.State before = pending.state();
            if (advance(pending, nowNs))
            {
                iterator.remove();
                release(pending);
                workCount++;
            }
            else if (pending.state() != before)
            {
                workCount++;
            }
            else if (nowNs - pending.deadlineNs() > 0 && before != PendingSession.State.AUTHENTICATED)
            {
                iterator.remove();
                closeReplyPath(pending);
                release(pending);
                refuse(ConnectRefusal.HANDSHAKE_TIMEOUT);
                workCount++;
            }
        }
        if (turnsDue)
        {
            workCount += giveTurns(nowNs);
        }
        updatePendingGauges();
        return workCount;
    }

    /**
     * The transport lost a sender: drop its handshake, if one is under way, and forget where it came from.
     *
     * @param sessionId the transport session that closed.
     */
    public void onSessionClosed(final int sessionId)
    {
        sourceHostByOpenSession.remove(sessionId);
        connectRate.forget(sessionId);
        final PendingSession pending = pendingBySession.remove(sessionId);
        if (pending != null)
        {
            closeReplyPath(pending);
            release(pending);
            updatePendingGauges();
        }
    }

    /**
     * @return handshakes under way.
     */
    public int pendingCount()
    {
        return pendingBySession.size();
    }

    /**
     * @param sessionId a transport session.
     * @return true when a handshake of that session waits its turn at a reply publication.
     */
    boolean isWaiting(final int sessionId)
    {
        final PendingSession pending = pendingBySession.get(sessionId);
        return pending != null && !pending.hasReplyPath();
    }

    /**
     * Drop every handshake under way, for a stop.
     */
    @Override
    public void close()
    {
        for (final PendingSession pending : pendingBySession.values())
        {
            closeReplyPath(pending);
            authenticator.onSessionEnded(pending.sessionId());
        }
        pendingBySession.clear();
        pendingBySource.clear();
        waiting.clear();
        connectingBySource.clear();
        connecting = 0;
        turnsDue = false;
        updatePendingGauges();
    }

    private void onConnect(final int sessionId, final String sourceIdentity)
    {
        final long clientId = connect.clientId();
        final int responseStreamId = connect.responseStreamId();
        final String responseChannel = connect.responseChannel();
        final byte[] credentials = new byte[connect.credentialsLength()];
        connect.getCredentials(credentials, 0, credentials.length);

        final String sourceHost = sourceHost(sourceIdentity);
        final ConnectRefusal refusal = check(sessionId, clientId, sourceHost);
        if (refusal != null)
        {
            refuse(refusal);
            return;
        }
        final ReplyChannelPolicy.Result replyChannel =
            policy.replyChannel(responseChannel, responseStreamId, sourceIdentity);
        if (!replyChannel.isAllowed())
        {
            refuse(replyChannel.refusal());
            return;
        }

        final PendingSession pending = new PendingSession(replies, sessionId, clientId, sourceIdentity, sourceHost,
            replyChannel.channel(), responseStreamId, clock.nanoTime() + limits.handshakeTimeoutNs(),
            ConnectDecoder.TEMPLATE_ID);
        // With no turns due, no handshake waits that could start now: this one goes ahead if it may.
        if (!turnsDue && mayConnect(sourceHost))
        {
            startReplyPath(pending);
        }
        else
        {
            waiting.add(pending);
        }
        pendingBySession.put(sessionId, pending);
        pendingBySource.add(sourceHost);
        updatePendingGauges();
        authenticator.onConnectRequest(sessionId, clientId, credentials, clock.nanoTime());
    }

    private boolean mayConnect(final String sourceHost)
    {
        return connecting < limits.maxConnecting() &&
            connectingBySource.count(sourceHost) < limits.maxConnectingPerSource();
    }

    /**
     * Give reply publications to waiting handshakes, oldest first, as far as the bounds on those held allow.
     */
    private int giveTurns(final long nowNs)
    {
        turnsDue = false;
        int started = 0;
        PendingSession pending = waiting.oldest();
        while (pending != null && connecting < limits.maxConnecting())
        {
            final PendingSession behind = pending.waitingBehind();
            // One about to expire would only have its publication added and removed again: it waits out its time.
            if (pending.deadlineNs() - nowNs >= LEAST_TIME_FOR_A_TURN_NS && mayConnect(pending.sourceHost()))
            {
                startReplyPath(pending);
                waiting.remove(pending);
                started++;
            }
            pending = behind;
        }
        return started;
    }

    private void startReplyPath(final PendingSession pending)
    {
        // The add first: should the client refuse the command, nothing of the gate's has changed.
        final long registrationId = aeron.asyncAddExclusivePublication(pending.replyChannel(), pending.replyStreamId());
        pending.adding(registrationId);
        connecting++;
        connectingBySource.add(pending.sourceHost());
    }

    private void updatePendingGauges()
    {
        // Waiting first: a reader that sees the pending count of a change sees its waiting count too.
        sessionsWaiting.setOrdered(waiting.size());
        sessionsPending.setOrdered(pendingBySession.size());
    }

    private ConnectRefusal check(final int sessionId, final long clientId, final String sourceHost)
    {
        if (clientId == 0)
        {
            return ConnectRefusal.INVALID_CLIENT_ID;
        }
        if (pendingBySession.containsKey(sessionId))
        {
            return ConnectRefusal.HANDSHAKE_IN_PROGRESS;
        }
        final long openClientId = ringIngress.clientOf(sessionId);
        if (openClientId != 0 && openClientId != clientId)
        {
            return ConnectRefusal.CLIENT_ID_MISMATCH;
        }
        if (isHeldFromAnotherHost(sessionId, clientId, sourceHost))
        {
            return ConnectRefusal.CLIENT_ID_IN_USE;
        }
        if (pendingBySession.size() >= limits.maxPending())
        {
            return ConnectRefusal.TOO_MANY_PENDING;
        }
        if (pendingBySource.count(sourceHost) >= limits.maxPendingPerSource())
        {
            return ConnectRefusal.TOO_MANY_PENDING_FROM_SOURCE;
        }
        if (openClientId == 0 && ringIngress.sessionCount() + pendingBySession.size() >= limits.maxSessions())
        {
            return ConnectRefusal.TOO_MANY_SESSIONS;
        }
        return null;
    }

    /**
     * Without authentication nothing proves a client id, so one connected from a host stays with that host until
     * its session ends: a reconnect from the same host takes it over, a Connect from elsewhere does not.
     */
    private boolean isHeldFromAnotherHost(final int sessionId, final long clientId, final String sourceHost)
    {
        if (authenticates)
        {
            return false;
        }
        final int heldOn = ringIngress.sessionOf(clientId);
        if (heldOn == Integer.MIN_VALUE || heldOn == sessionId)
        {
            return false;
        }
        final String heldFrom = sourceHostByOpenSession.get(heldOn);
        return heldFrom != null && !heldFrom.equals(sourceHost);
    }

    private void onChallengeResponse(final int sessionId)
    {
        final PendingSession pending = pendingBySession.get(sessionId);
        if (pending == null || pending.state() != PendingSession.State.CHALLENGED)
        {
            refuse(ConnectRefusal.UNEXPECTED_CHALLENGE_RESPONSE);
            return;
        }
        pending.received(ChallengeResponseDecoder.TEMPLATE_ID);
        final long clientId = challengeResponse.clientId();
        if (clientId != pending.clientId())
        {
            pending.fail();
            return;
        }
        final byte[] response = new byte[challengeResponse.responseLength()];
        challengeResponse.getResponse(response, 0, response.length);
        authenticator.onChallengeResponse(sessionId, clientId, response, clock.nanoTime());
    }

    /**
     * @return true when the handshake is over, opened or refused, and the pending session goes.
     */
    private boolean advance(final PendingSession pending, final long nowNs)
    {
        switch (pending.state())
        {
            case ADDING:
                return poll(pending);
            case CONNECTING:
                if (pending.publication().isConnected())
                {
                    pending.connected();
                }
                return false;
            case AUTHENTICATING:
                authenticator.onConnectedSession(pending, nowNs);
                return false;
            case CHALLENGED:
                authenticator.onChallengedSession(pending, nowNs);
                return false;
            case AUTHENTICATED:
                return open(pending);
            case REJECTED:
                replies.authenticationFailed(pending.publication(), pending.clientId(), pending.lastTemplateId());
                closeReplyPath(pending);
                refuse(ConnectRefusal.AUTHENTICATION_FAILED);
                return true;
            default:
                return false;
        }
    }

    private boolean poll(final PendingSession pending)
    {
        final ExclusivePublication publication;
        try
        {
            publication = aeron.getExclusivePublication(pending.registrationId());
        }
        catch (final RegistrationException ex)
        {
            // The driver would not add it: counted, and nothing is left to close.
            refuse(ConnectRefusal.REPLY_CHANNEL_FAILED);
            return true;
        }
        if (publication != null)
        {
            pending.added(publication);
        }
        return false;
    }

    private boolean open(final PendingSession pending)
    {
        final int sessionId = pending.sessionId();
        if (isHeldFromAnotherHost(sessionId, pending.clientId(), pending.sourceHost()))
        {
            // Another host connected this id while this handshake was under way.
            closeReplyPath(pending);
            refuse(ConnectRefusal.CLIENT_ID_IN_USE);
            return true;
        }
        if (ringIngress.remainingCapacity() == 0 ||
            !openedPaths.offer(new OpenedReplyPath(sessionId, pending.clientId(), pending.publication())))
        {
            // Egress has not caught up: open on a later duty cycle.
            return false;
        }
        ringIngress.openSession(sessionId, pending.clientId());
        sourceHostByOpenSession.put(sessionId, pending.sourceHost());
        sessionsOpened.incrementOrdered();
        return true;
    }

    private void closeReplyPath(final PendingSession pending)
    {
        if (!pending.hasReplyPath())
        {
            return;
        }
        if (pending.publication() != null)
        {
            CloseHelper.quietClose(pending.publication());
        }
        else
        {
            aeron.asyncRemovePublication(pending.registrationId());
        }
    }

    private void release(final PendingSession pending)
    {
        pendingBySource.remove(pending.sourceHost());
        if (pending.hasReplyPath())
        {
            // Opened, refused or expired: its place among those holding a reply publication is free.
            connecting--;
            connectingBySource.remove(pending.sourceHost());
            turnsDue = waiting.size() > 0;
        }
        else
        {
            // A handshake is waiting exactly while it is in the line: one whose add failed never got further.
            waiting.remove(pending);
        }
        authenticator.onSessionEnded(pending.sessionId());
    }

    private void refuse(final ConnectRefusal refusal)
    {
        counters.refused(refusal).incrementOrdered();
    }

    private static String sourceHost(final String sourceIdentity)
    {
        if (sourceIdentity.startsWith(IPC_SOURCE))
        {
            return IPC_SOURCE;
        }
        final int portColon = sourceIdentity.lastIndexOf(':');
        return portColon > 0 ? sourceIdentity.substring(0, portColon) : sourceIdentity;
    }
}
