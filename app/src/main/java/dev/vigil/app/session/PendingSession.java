package dev.vigil.app.session;

import io.aeron.ExclusivePublication;

/**
 * One Connect on its way to becoming a session: waiting for its turn at a reply publication, the publication being
 * added, then connecting, then the authenticator's decision. Owned by the session gate on the ingress thread.
 */
final class PendingSession implements SessionProxy
{
    enum State
    {
        /** Admitted; no reply publication yet, while as many handshakes as the gate allows at once hold one. */
        WAITING,
        /** The reply publication is being added by the media driver. */
        ADDING,
        /** Added; waiting for the client's reply subscription to connect. */
        CONNECTING,
        /** Connected; waiting for the authenticator to decide or challenge. */
        AUTHENTICATING,
        /** Challenged; waiting for the answer and the authenticator's decision. */
        CHALLENGED,
        /** Proven: opens as soon as the ring has room. */
        AUTHENTICATED,
        /** Not proven: answered and dropped. */
        REJECTED
    }

    private final HandshakeReplies replies;
    private final int sessionId;
    private final long clientId;
    private final String sourceIdentity;
    private final String sourceHost;
    private final String replyChannel;
    private final int replyStreamId;
    private final long deadlineNs;
    private long registrationId;
    private ExclusivePublication publication;
    private State state = State.WAITING;
    private int lastTemplateId;
    private PendingSession waitingAhead;
    private PendingSession waitingBehind;

    PendingSession(
        final HandshakeReplies replies,
        final int sessionId,
        final long clientId,
        final String sourceIdentity,
        final String sourceHost,
        final String replyChannel,
        final int replyStreamId,
        final long deadlineNs,
        final int templateId)
    {
        this.replies = replies;
        this.sessionId = sessionId;
        this.clientId = clientId;
        this.sourceIdentity = sourceIdentity;
        this.sourceHost = sourceHost;
        this.replyChannel = replyChannel;
        this.replyStreamId = replyStreamId;
        this.deadlineNs = deadlineNs;
        this.lastTemplateId = templateId;
    }

    @Override
    public int sessionId()
    {
        return sessionId;
    }

    @Override
    public long clientId()
    {
        return clientId;
    }

    @Override
    public String sourceIdentity()
    {
        return sourceIdentity;
    }

    @Override
    public boolean challenge(final byte[] challenge)
    {
        if (state != State.AUTHENTICATING && state != State.CHALLENGED)
        {
            return false;
        }
        if (!replies.challenge(publication, clientId, challenge))
        {
            return false;
        }
        state = State.CHALLENGED;
        return true;
    }

    @Override
    public void authenticate()
    {
        if (state == State.AUTHENTICATING || state == State.CHALLENGED)
        {
            state = State.AUTHENTICATED;
        }
    }

    @Override
    public void reject()
    {
        if (state == State.AUTHENTICATING || state == State.CHALLENGED)
        {
            state = State.REJECTED;
        }
    }

    String sourceHost()
    {
        return sourceHost;
    }

    long deadlineNs()
    {
        return deadlineNs;
    }

    String replyChannel()
    {
        return replyChannel;
    }

    int replyStreamId()
    {
        return replyStreamId;
    }

    long registrationId()
    {
        return registrationId;
    }

    /**
     * Its turn came: the reply publication is being added.
     *
     * @param registrationId of the asynchronous add.
     */
    void adding(final long registrationId)
    {
        this.registrationId = registrationId;
        state = State.ADDING;
    }

    /**
     * @return true once it holds, or is being given, a reply publication.
     */
    boolean hasReplyPath()
    {
        return state != State.WAITING;
    }

    ExclusivePublication publication()
    {
        return publication;
    }

    void added(final ExclusivePublication publication)
    {
        this.publication = publication;
        state = State.CONNECTING;
    }

    void connected()
    {
        state = State.AUTHENTICATING;
    }

    State state()
    {
        return state;
    }

    /**
     * @param templateId the template the client sent last, which a rejection names.
     */
    void received(final int templateId)
    {
        lastTemplateId = templateId;
    }

    int lastTemplateId()
    {
        return lastTemplateId;
    }

    /**
     * The client answered for another id than it connected as: it fails, whatever the authenticator would say.
     */
    void fail()
    {
        state = State.REJECTED;
    }

    PendingSession waitingAhead()
    {
        return waitingAhead;
    }

    PendingSession waitingBehind()
    {
        return waitingBehind;
    }

    /**
     * Its neighbours in {@link WaitingHandshakes}.
     */
    void linkWaiting(final PendingSession ahead, final PendingSession behind)
    {
        waitingAhead = ahead;
        waitingBehind = behind;
    }
}
