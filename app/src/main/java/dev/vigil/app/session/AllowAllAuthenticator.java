package dev.vigil.app.session;

/**
 * For an engine without a credentials file: every client is who it says it is. Anyone who can reach ingress may then
 * connect under any client id; the session gate still keeps a connected client's id from being taken over from
 * another host.
 */
public final class AllowAllAuthenticator implements Authenticator
{
    /** The one instance; it keeps no state. */
    public static final AllowAllAuthenticator INSTANCE = new AllowAllAuthenticator();

    private AllowAllAuthenticator()
    {
    }

    @Override
    public void onConnectRequest(final int sessionId, final long clientId, final byte[] credentials, final long nowNs)
    {
    }

    @Override
    public void onChallengeResponse(final int sessionId, final long clientId, final byte[] response, final long nowNs)
    {
    }

    @Override
    public void onConnectedSession(final SessionProxy session, final long nowNs)
    {
        session.authenticate();
    }

    @Override
    public void onChallengedSession(final SessionProxy session, final long nowNs)
    {
        session.authenticate();
    }

    @Override
    public void onSessionEnded(final int sessionId)
    {
    }
}
