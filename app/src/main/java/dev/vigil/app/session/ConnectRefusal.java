package dev.vigil.app.session;

import java.util.Locale;

/**
 * Why the engine did not open a session for a {@code Connect}. Each is counted in
 * {@code vigil_connects_refused_total{reason=...}}; only {@link #AUTHENTICATION_FAILED} is answered, because only
 * then is there a reply channel the engine built and saw connect.
 */
public enum ConnectRefusal
{
    /** The reply channel is not an Aeron URI, or lacks an endpoint with a port. */
    BAD_REPLY_CHANNEL,
    /** The reply channel names a host, medium or parameter the reply-channel policy does not allow. */
    REPLY_CHANNEL_NOT_ALLOWED,
    /** The reply channel is one of the engine's own: its ingress, admin or alerts. */
    REPLY_CHANNEL_RESERVED,
    /** The media driver could not add the reply publication. */
    REPLY_CHANNEL_FAILED,
    /** As many sessions as {@code sessions.max} are open or connecting. */
    TOO_MANY_SESSIONS,
    /** As many handshakes as {@code sessions.pending.max} are under way. */
    TOO_MANY_PENDING,
    /** The Connect's source host has {@code sessions.pending.per.source} handshakes under way. */
    TOO_MANY_PENDING_FROM_SOURCE,
    /** The transport session sent more Connects and ChallengeResponses than {@code sessions.connects.per.second}. */
    TOO_MANY_CONNECTS,
    /** The session already has a handshake under way. */
    HANDSHAKE_IN_PROGRESS,
    /** The session is open for another client id. */
    CLIENT_ID_MISMATCH,
    /** Without authentication: the client id is connected from another host, which may not take it over. */
    CLIENT_ID_IN_USE,
    /** Client id 0, which no client may have. */
    INVALID_CLIENT_ID,
    /** The authenticator rejected the client, or its ChallengeResponse named another client id. */
    AUTHENTICATION_FAILED,
    /**
     * Within the handshake time the Connect got no reply publication (it waited its turn), its reply channel did not
     * connect, or the client did not answer its challenge.
     */
    HANDSHAKE_TIMEOUT,
    /** A ChallengeResponse on a session that was not challenged. */
    UNEXPECTED_CHALLENGE_RESPONSE;

    /**
     * @return the reason as a metric label, e.g. {@code reply_channel_not_allowed}.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
