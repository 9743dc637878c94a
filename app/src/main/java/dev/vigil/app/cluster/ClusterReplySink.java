package dev.vigil.app.cluster;

import dev.vigil.core.stage.egress.ReplySink;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.ClientSession;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Replies of the clustered service: each goes to the client session whose message is being applied, the only one
 * egress answers while it handles that message, encoded in place in room claimed on its publication. Aeron Cluster
 * sends from the leader only; on a follower, and while a member replays its log, a claim is granted on a scratch
 * buffer and not sent, so every member runs the same egress code.
 * <p>
 * The service thread applies the replicated log and must not wait on one client: a reply the session's publication
 * has no room for now is claimed again a few times at once and then given up, counted undelivered. The client asks
 * again with the same client sequence and gets the original decision.
 * <p>
 * Alerts, window results and late events go on the alert stream the leader publishes ({@link #alertsTo}); a member
 * that does not lead has nothing to publish them on and takes them as sent, as it takes replies. The log must never
 * wait on a subscriber, so an alert the stream cannot take after a term rotation's retry is given up and counted
 * undelivered, window results included: a single engine holds those back, a cluster cannot.
 */
final class ClusterReplySink implements ReplySink
{
    /** Offers again at once after back-pressure or a term rotation before giving a reply up. */
    static final int OFFER_ATTEMPTS = 4;

    private final AtomicCounter backPressured;
    private final BufferClaim replyClaim = new BufferClaim();
    private ClientSession session;
    private Publication alerts;

    /**
     * @param backPressured counts replies that met back-pressure, sent in the end or not.
     */
    ClusterReplySink(final AtomicCounter backPressured)
    {
        this.backPressured = backPressured;
    }

    /**
     * @param session the client session of the message being applied; null for none.
     */
    void replyTo(final ClientSession session)
    {
        this.session = session;
    }

    /**
     * @param alerts the alert stream this member publishes on while it leads; null while it does not.
     */
    void alertsTo(final Publication alerts)
    {
        this.alerts = alerts;
    }

    @Override
    public boolean openSession(final int sessionId, final long clientId)
    {
        return session != null;
    }

    @Override
    public void closeSession(final int sessionId)
    {
    }

    @Override
    public int claim(final int sessionId, final int length)
    {
        if (session == null)
        {
            return NO_SESSION;
        }
        boolean counted = false;
        for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++)
        {
            final long result = session.tryClaim(length, replyClaim);
            if (result > 0)
            {
                return SENT;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                return FAILED;
            }
            if (!counted && result == Publication.BACK_PRESSURED)
            {
                backPressured.incrementOrdered();
                counted = true;
            }
        }
        return FAILED;
    }

    @Override
    public MutableDirectBuffer claimedBuffer()
    {
        return replyClaim.buffer();
    }

    /**
     * The claim starts with the cluster's session header, which the service container has written.
     */
    @Override
    public int claimedOffset()
    {
        return replyClaim.offset() + AeronCluster.SESSION_HEADER_LENGTH;
    }

    @Override
    public void commit()
    {
        replyClaim.commit();
    }

    @Override
    public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
    {
        if (alerts == null)
        {
            return SENT;
        }
        for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++)
        {
            final long result = alerts.offer(buffer, offset, length);
            if (result > 0)
            {
                return SENT;
            }
            if (result != Publication.ADMIN_ACTION)
            {
                // Nobody subscribed, or subscribers behind: the log goes on without them.
                return FAILED;
            }
        }
        return FAILED;
    }
}
