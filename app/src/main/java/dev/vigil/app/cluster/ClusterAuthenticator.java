package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.session.Authenticator;
import dev.vigil.app.session.ConfiguredAuthenticator;
import dev.vigil.app.session.SessionProxy;
import io.aeron.security.AuthenticatorSupplier;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Vigil's client authentication for a cluster's sessions: Aeron Cluster's consensus module asks this authenticator
 * about each connecting session, and it asks the engine's own {@link Authenticator} (HMAC challenge-response over
 * the credentials file, or accept-all without one), so a client proves its id to a cluster as it does to one engine.
 * <p>
 * A client's credentials are its client id (8 bytes, little-endian) followed by what the engine's authenticator
 * expects in a {@code Connect}; its answer to a challenge is what it would answer the engine. An authenticated
 * session's principal is the client id, which every member's service reads from the log and binds the session to
 * ({@link ClientBindings}). Credentials too short to hold an id are rejected.
 * <p>
 * Runs on the consensus module's thread, only while sessions connect. Aeron does not say when a session it asked
 * about gives up; what is kept for one is dropped once it has not been asked about for {@link #FORGET_AFTER_MS}.
 */
final class ClusterAuthenticator implements io.aeron.security.Authenticator
{
    /** A session not asked about for this long has been given up by the consensus module. */
    static final long FORGET_AFTER_MS = TimeUnit.SECONDS.toMillis(60);
    private static final long NO_CLIENT = 0;

    private final Authenticator authenticator;
    private final Long2LongHashMap clientIdBySession = new Long2LongHashMap(NO_CLIENT);
    private final Long2LongHashMap lastAskedMsBySession = new Long2LongHashMap(0);
    /** Sessions authenticated whose confirmation the consensus module could not send yet: sent again when asked. */
    private final LongHashSet authenticatedUnsent = new LongHashSet();
    private final Proxy proxy = new Proxy();

    /**
     * @param authenticator the engine's authenticator, owned by this one from now on.
     */
    ClusterAuthenticator(final Authenticator authenticator)
    {
        this.authenticator = authenticator;
    }

    /**
     * What a member's consensus module authenticates sessions with.
     *
     * @param config the member's configuration: {@code auth.credentials.file}, when set, makes authentication
     *               mandatory, as on a single engine.
     * @return a supplier of a fresh authenticator per consensus module.
     * @throws dev.vigil.app.config.ConfigException when the credentials file cannot be used.
     */
    public static AuthenticatorSupplier supplierFor(final VigilConfig config)
    {
        // Read once now, so that a bad file stops the member before anything starts.
        ConfiguredAuthenticator.of(config);
        return () -> new ClusterAuthenticator(ConfiguredAuthenticator.of(config));
    }

    /**
     * @param clientId an id.
     * @return the principal a session authenticated as that client carries.
     */
    static byte[] principalOf(final long clientId)
    {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(clientId).array();
    }

    /**
     * @param principal a session's encoded principal.
     * @return the client id it names, or 0 when it names none.
     */
    static long clientIdOf(final byte[] principal)
    {
        return principal == null || principal.length != Long.BYTES ?
            NO_CLIENT : ByteBuffer.wrap(principal).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public void onConnectRequest(final long sessionId, final byte[] encodedCredentials, final long nowMs)
    {
        forgetAbandoned(nowMs);
        final long clientId = encodedCredentials == null || encodedCredentials.length < Long.BYTES ?
            NO_CLIENT : clientIdOf(Arrays.copyOf(encodedCredentials, Long.BYTES));
        clientIdBySession.put(sessionId, clientId);
        lastAskedMsBySession.put(sessionId, nowMs);
        if (clientId != NO_CLIENT)
        {
            authenticator.onConnectRequest(localId(sessionId), clientId,
                Arrays.copyOfRange(encodedCredentials, Long.BYTES, encodedCredentials.length), nowMs * 1_000_000L);
        }
    }

    @Override
    public void onChallengeResponse(final long sessionId, final byte[] encodedCredentials, final long nowMs)
    {
        final long clientId = clientIdBySession.get(sessionId);
        if (clientId != NO_CLIENT)
        {
            lastAskedMsBySession.put(sessionId, nowMs);
            authenticator.onChallengeResponse(localId(sessionId), clientId, encodedCredentials, nowMs * 1_000_000L);
        }
    }

    @Override
    public void onConnectedSession(final io.aeron.security.SessionProxy sessionProxy, final long nowMs)
    {
        if (proxy.wrap(sessionProxy, nowMs))
        {
            authenticator.onConnectedSession(proxy, nowMs * 1_000_000L);
        }
    }

    @Override
    public void onChallengedSession(final io.aeron.security.SessionProxy sessionProxy, final long nowMs)
    {
        if (proxy.wrap(sessionProxy, nowMs))
        {
            authenticator.onChallengedSession(proxy, nowMs * 1_000_000L);
        }
    }

    /**
     * @return sessions this authenticator keeps something for.
     */
    int sessionsKept()
    {
        return clientIdBySession.size();
    }

    private void ended(final long sessionId)
    {
        authenticatedUnsent.remove(sessionId);
        clientIdBySession.remove(sessionId);
        lastAskedMsBySession.remove(sessionId);
        authenticator.onSessionEnded(localId(sessionId));
    }

    private void forgetAbandoned(final long nowMs)
    {
        final Long2LongHashMap.KeyIterator sessions = lastAskedMsBySession.keySet().iterator();
        while (sessions.hasNext())
        {
            final long sessionId = sessions.nextValue();
            if (nowMs - lastAskedMsBySession.get(sessionId) > FORGET_AFTER_MS)
            {
                sessions.remove();
                clientIdBySession.remove(sessionId);
                authenticatedUnsent.remove(sessionId);
                authenticator.onSessionEnded(localId(sessionId));
            }
        }
    }

    /**
     * The engine's authenticator knows sessions by an int: a cluster's session ids count up from 1, so the low 32
     * bits tell apart every session that can be connecting at once.
     */
    private static int localId(final long sessionId)
    {
        return (int)sessionId;
    }

    /**
     * A connecting cluster session as the engine's authenticator sees one; one instance, rewrapped per call.
     */
    private final class Proxy implements SessionProxy
    {
        private io.aeron.security.SessionProxy session;
        private long clientId;

        boolean wrap(final io.aeron.security.SessionProxy session, final long nowMs)
        {
            final long sessionId = session.sessionId();
            final long clientId = clientIdBySession.get(sessionId);
            if (authenticatedUnsent.contains(sessionId))
            {
                if (session.authenticate(principalOf(clientId)))
                {
                    ended(sessionId);
                }
                return false;
            }
            if (clientId == NO_CLIENT)
            {
                ended(sessionId);
                session.reject();
                return false;
            }
            lastAskedMsBySession.put(sessionId, nowMs);
            this.session = session;
            this.clientId = clientId;
            return true;
        }

        @Override
        public int sessionId()
        {
            return localId(session.sessionId());
        }

        @Override
        public long clientId()
        {
            return clientId;
        }

        @Override
        public String sourceIdentity()
        {
            return "cluster session " + session.sessionId();
        }

        @Override
        public boolean challenge(final byte[] challenge)
        {
            return session.challenge(challenge);
        }

        @Override
        public void authenticate()
        {
            if (session.authenticate(principalOf(clientId)))
            {
                ended(session.sessionId());
            }
            else
            {
                authenticatedUnsent.add(session.sessionId());
            }
        }

        @Override
        public void reject()
        {
            ended(session.sessionId());
            session.reject();
        }
    }
}
