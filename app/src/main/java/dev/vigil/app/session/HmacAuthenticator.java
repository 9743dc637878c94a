package dev.vigil.app.session;

import dev.vigil.client.HmacCredentials;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The default authenticator once a credentials file is configured: challenges every {@code Connect} with a fresh
 * 32-byte nonce and accepts the client only when it answers with the HMAC-SHA256 its key gives (see
 * {@link HmacCredentials}). Keys never travel; an unknown client id fails the same way a wrong key does, so a peer
 * cannot tell which ids exist.
 */
public final class HmacAuthenticator implements Authenticator
{
    /** Bytes of each nonce. */
    public static final int CHALLENGE_LENGTH = 32;

    private static final byte[] NO_KEY = new byte[HmacCredentials.MIN_KEY_LENGTH];

    private final CredentialsFile credentials;
    private final SecureRandom random;
    private final Int2ObjectHashMap<byte[]> nonceBySession = new Int2ObjectHashMap<>();
    private final IntHashSet proven = new IntHashSet();
    private final IntHashSet failed = new IntHashSet();

    /**
     * @param credentials each client id's key.
     * @param random      where nonces come from.
     */
    public HmacAuthenticator(final CredentialsFile credentials, final SecureRandom random)
    {
        this.credentials = credentials;
        this.random = random;
    }

    @Override
    public void onConnectRequest(final int sessionId, final long clientId, final byte[] credentials, final long nowNs)
    {
        // Nothing to check yet: what proves the client is its answer to the challenge.
        onSessionEnded(sessionId);
    }

    @Override
    public void onChallengeResponse(final int sessionId, final long clientId, final byte[] response, final long nowNs)
    {
        final byte[] nonce = nonceBySession.get(sessionId);
        if (nonce == null)
        {
            return;
        }
        final byte[] key = credentials.key(clientId);
        // Work the MAC out for unknown ids too, so that they take as long as wrong keys.
        final byte[] expected = HmacCredentials.sign(key == null ? NO_KEY : key, clientId, nonce);
        if (key != null && MessageDigest.isEqual(expected, response))
        {
            proven.add(sessionId);
        }
        else
        {
            failed.add(sessionId);
        }
    }

    @Override
    public void onConnectedSession(final SessionProxy session, final long nowNs)
    {
        byte[] nonce = nonceBySession.get(session.sessionId());
        if (nonce == null)
        {
            nonce = new byte[CHALLENGE_LENGTH];
            random.nextBytes(nonce);
            nonceBySession.put(session.sessionId(), nonce);
        }
        session.challenge(nonce);
    }

    @Override
    public void onChallengedSession(final SessionProxy session, final long nowNs)
    {
        final int sessionId = session.sessionId();
        if (proven.contains(sessionId))
        {
            onSessionEnded(sessionId);
            session.authenticate();
        }
        else if (failed.contains(sessionId))
        {
            onSessionEnded(sessionId);
            session.reject();
        }
    }

    @Override
    public void onSessionEnded(final int sessionId)
    {
        nonceBySession.remove(sessionId);
        proven.remove(sessionId);
        failed.remove(sessionId);
    }

    /**
     * @return sessions with a challenge outstanding, for tests that check nothing is kept after a handshake.
     */
    int outstandingChallenges()
    {
        return nonceBySession.size();
    }
}
