package dev.vigil.app.session;

/**
 * A connecting session as an {@link Authenticator} sees it: who it claims to be, where it comes from, and the three
 * decisions it may make about it.
 */
public interface SessionProxy
{
    /**
     * @return transport session of the client's frames.
     */
    int sessionId();

    /**
     * @return the id the client claims.
     */
    long clientId();

    /**
     * @return where the client's frames come from, as Aeron names an image's source, e.g. {@code 127.0.0.1:40555}.
     */
    String sourceIdentity();

    /**
     * Send the client a {@code Challenge}; its answer comes to {@link Authenticator#onChallengeResponse}.
     *
     * @param challenge what to send, at most 512 bytes.
     * @return true when sent; false when the reply channel could not take it now (try again on a later call).
     */
    boolean challenge(byte[] challenge);

    /**
     * The client is who it claims to be: open its session.
     */
    void authenticate();

    /**
     * The client did not prove who it claims to be: answer {@code AUTHENTICATION_FAILED} and drop the attempt. An
     * existing session of the same client id is not touched.
     */
    void reject();
}
