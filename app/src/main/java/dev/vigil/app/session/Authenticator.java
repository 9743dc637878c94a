package dev.vigil.app.session;

/**
 * Decides who a connecting client is, in the shape of Aeron Cluster's authenticator: told of each {@code Connect}
 * and {@code ChallengeResponse}, then asked, on the ingress thread's duty cycle, to decide each session waiting on it
 * through its {@link SessionProxy}: authenticate it, reject it, or challenge it and wait for the answer. A session
 * left undecided expires after {@code session.handshake.timeout}.
 * <p>
 * Called only on the ingress thread, and only while connecting: never on the per-event path. The reply channel is
 * connected before the authenticator is first asked, so a challenge and a rejection can always be sent.
 */
public interface Authenticator
{
    /**
     * A {@code Connect} arrived.
     *
     * @param sessionId   transport session it arrived on.
     * @param clientId    the id it claims.
     * @param credentials what it carried, possibly empty.
     * @param nowNs       the ingress clock.
     */
    void onConnectRequest(int sessionId, long clientId, byte[] credentials, long nowNs);

    /**
     * A {@code ChallengeResponse} arrived for a session this authenticator challenged.
     *
     * @param sessionId transport session it arrived on.
     * @param clientId  the id it claims.
     * @param response  the client's answer.
     * @param nowNs     the ingress clock.
     */
    void onChallengeResponse(int sessionId, long clientId, byte[] response, long nowNs);

    /**
     * A session whose reply channel is connected waits for a decision; asked on every duty cycle until one is made.
     *
     * @param session the session, to authenticate, reject or challenge.
     * @param nowNs   the ingress clock.
     */
    void onConnectedSession(SessionProxy session, long nowNs);

    /**
     * A challenged session waits for a decision; asked on every duty cycle until one is made.
     *
     * @param session the session, to authenticate or reject.
     * @param nowNs   the ingress clock.
     */
    void onChallengedSession(SessionProxy session, long nowNs);

    /**
     * A session this authenticator was told of is done with, decided or expired: forget what is kept for it.
     *
     * @param sessionId transport session.
     */
    void onSessionEnded(int sessionId);
}
