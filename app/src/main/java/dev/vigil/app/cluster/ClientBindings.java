package dev.vigil.app.cluster;

import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import org.agrona.collections.Long2LongHashMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which client id each cluster session speaks for: the id its principal names ({@link ClusterAuthenticator}), so a
 * session's frames are decided only when they carry that id. One session per client id at a time: with
 * authentication a new session that proved the id takes it over and the old one is closed; without, the session
 * that holds the id keeps it and the newcomer is closed, as a single engine keeps a connected id from being taken.
 * <p>
 * Built only from what the replicated log says (sessions opening and closing, in log order), so every member binds
 * the same sessions; after a snapshot, from the sessions the cluster restored.
 */
final class ClientBindings
{
    private static final long NONE = 0;

    private final boolean authenticated;
    private final Long2LongHashMap clientIdBySession = new Long2LongHashMap(NONE);
    private final Long2LongHashMap sessionByClientId = new Long2LongHashMap(NONE);
    private volatile long sessionsClosed;

    /**
     * @param authenticated whether sessions prove their client id (a credentials file is configured).
     */
    ClientBindings(final boolean authenticated)
    {
        this.authenticated = authenticated;
    }

    /**
     * A session opened: bind it to its principal's client id, closing whichever session loses that id.
     *
     * @param session the new session.
     * @param cluster to close a session with.
     */
    void onOpen(final ClientSession session, final Cluster cluster)
    {
        final long loser = bind(session.id(), ClusterAuthenticator.clientIdOf(session.encodedPrincipal()));
        if (loser != NONE)
        {
            // The binding is decided above, from the log alone; the close is the leader's to carry out.
            cluster.closeClientSession(loser);
            sessionsClosed++;
        }
    }

    /**
     * A session closed: its client id is free again.
     *
     * @param sessionId the closed session.
     */
    void onClose(final long sessionId)
    {
        final long clientId = clientIdBySession.remove(sessionId);
        if (clientId != NONE && sessionByClientId.get(clientId) == sessionId)
        {
            sessionByClientId.remove(clientId);
        }
    }

    /**
     * Bind the sessions a member restored from a snapshot, in the order they opened.
     *
     * @param cluster whose sessions to bind.
     */
    void restore(final Cluster cluster)
    {
        final List<ClientSession> sessions = new ArrayList<>(cluster.clientSessions());
        sessions.sort(Comparator.comparingLong(ClientSession::id));
        for (final ClientSession session : sessions)
        {
            if (!session.isClosing())
            {
                bind(session.id(), ClusterAuthenticator.clientIdOf(session.encodedPrincipal()));
            }
        }
    }

    /**
     * @param sessionId a session.
     * @param clientId  the client id one of its frames carries.
     * @return true when the session speaks for that client.
     */
    boolean speaksFor(final long sessionId, final long clientId)
    {
        return clientId != NONE && clientIdBySession.get(sessionId) == clientId;
    }

    /**
     * @return sessions closed because another held or took their client id, since start.
     */
    long sessionsClosed()
    {
        return sessionsClosed;
    }

    /**
     * @return the session that lost the id, to close, or {@link #NONE}.
     */
    private long bind(final long sessionId, final long clientId)
    {
        if (clientId == NONE)
        {
            return NONE;
        }
        final long holder = sessionByClientId.get(clientId);
        if (holder != NONE && holder != sessionId && !authenticated)
        {
            return sessionId;
        }
        if (holder != NONE && holder != sessionId)
        {
            clientIdBySession.remove(holder);
        }
        clientIdBySession.put(sessionId, clientId);
        sessionByClientId.put(clientId, sessionId);
        return holder == sessionId ? NONE : holder;
    }
}
