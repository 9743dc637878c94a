package dev.vigil.client;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.exceptions.TimeoutException;
import io.aeron.logbuffer.Header;
import io.aeron.security.AuthenticationException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * A session with a cluster of engines replicated on Aeron Cluster: requests go to the leader's ingress, replies come
 * on the cluster's egress, and {@link AeronCluster} follows a new leader by itself as long as the client polls. A new
 * leader may not have every request the old one took, so the client is told to send again what is unanswered; the
 * cluster answers a request it already decided with that decision, so each is decided once.
 */
final class ClusterTransport implements ClientTransport, EgressListener
{
    private final AeronCluster cluster;
    private final NanoClock clock;
    private final long keepAliveIntervalNs;
    private final Replies replies;
    private long lastSendNs;
    private long sends;
    private long sendsAtLastPoll;

    private ClusterTransport(final VigilClient.Context context, final Replies replies)
    {
        this.replies = replies;
        this.clock = context.clock();
        this.keepAliveIntervalNs = context.clusterKeepAliveIntervalNs();
        final AeronCluster.Context clusterContext = new AeronCluster.Context()
            .egressListener(this)
            .credentialsSupplier(new ClusterCredentials(context.clientId(), context.credentials()))
            .ingressEndpoints(context.clusterIngressEndpoints())
            .ingressChannel(context.clusterIngressChannel())
            .egressChannel(context.clusterEgressChannel())
            .messageTimeoutNs(context.connectTimeoutNs());
        if (context.aeron() != null)
        {
            clusterContext.aeron(context.aeron()).ownsAeronClient(false);
        }
        else
        {
            clusterContext.aeronDirectoryName(context.aeronDirectoryName()).ownsAeronClient(true);
        }
        this.cluster = AeronCluster.connect(clusterContext);
        this.lastSendNs = clock.nanoTime();
    }

    /**
     * Open a session with the cluster's leader.
     *
     * @param context where the cluster is.
     * @param replies where replies go.
     * @return the open session.
     */
    static ClusterTransport connect(final VigilClient.Context context, final Replies replies)
    {
        try
        {
            return new ClusterTransport(context, replies);
        }
        catch (final AuthenticationException ex)
        {
            throw new VigilClientException("the cluster refused to authenticate client " + context.clientId() +
                ": check its key against the members' credentials file");
        }
        catch (final TimeoutException ex)
        {
            throw new VigilClientException("no cluster leader answered at " + context.clusterIngressEndpoints() +
                " within " + context.connectTimeoutNs() / 1_000_000 + "ms: " + ex.getMessage());
        }
    }

    @Override
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = cluster.offer(buffer, offset, length);
        if (result > 0)
        {
            sends++;
        }
        return result;
    }

    /**
     * Poll the egress, which also moves the session to a new leader; keeps the session alive while the client sends
     * nothing.
     */
    @Override
    public int poll(final int fragmentLimit)
    {
        final int fragments = cluster.pollEgress();
        // One clock read per poll: a send since the last poll counts as heard from now.
        final long nowNs = clock.nanoTime();
        if (sends != sendsAtLastPoll)
        {
            sendsAtLastPoll = sends;
            lastSendNs = nowNs;
        }
        else if (nowNs - lastSendNs > keepAliveIntervalNs && cluster.sendKeepAlive())
        {
            lastSendNs = nowNs;
        }
        return fragments;
    }

    @Override
    public boolean isConnected()
    {
        return !cluster.isClosed() && cluster.ingressPublication() != null &&
            cluster.ingressPublication().isConnected();
    }

    @Override
    public boolean failsOver()
    {
        return true;
    }

    /**
     * @return the member that leads the cluster, as this session last heard.
     */
    int leaderMemberId()
    {
        return cluster.leaderMemberId();
    }

    @Override
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        replies.onReply(buffer, offset, length);
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final String ingressEndpoints)
    {
        replies.onNewEngine();
    }

    @Override
    public void close()
    {
        cluster.close();
    }
}
