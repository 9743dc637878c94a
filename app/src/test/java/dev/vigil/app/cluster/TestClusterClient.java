package dev.vigil.app.cluster;

import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.aeron.security.CredentialsSupplier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A cluster client for tests: its own media driver and an {@link AeronCluster} session, which follows leader changes
 * as long as it is polled. Records every Decision and Reject that comes back, and each new leader announced.
 */
final class TestClusterClient implements EgressListener, AutoCloseable
{
    static final long MESSAGE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final MediaDriver driver;
    private final AeronCluster cluster;
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final DecisionDecoder decision = new DecisionDecoder();
    private final RejectDecoder reject = new RejectDecoder();
    private final Map<Long, List<Decided>> decisionsBySeq = new HashMap<>();
    private final List<Rejected> rejects = new ArrayList<>();
    private int decisionCount;
    private int newLeaders;

    /** One Decision as received. */
    record Decided(long clientSeq, long engineSeq, Verdict verdict, long firedRules)
    {
    }

    /** One Reject as received. */
    record Rejected(long clientSeq, RejectReason reason, int receivedTemplateId)
    {
    }

    private TestClusterClient(final String ingressEndpoints, final long clientId)
    {
        final String aeronDir = "/dev/shm/vigil-cluster-client-" + UUID.randomUUID();
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        try
        {
            cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .egressListener(this)
                .credentialsSupplier(new NoSecretCredentials(clientId))
                .ingressChannel("aeron:udp?term-length=128k")
                .ingressEndpoints(ingressEndpoints)
                .egressChannel("aeron:udp?endpoint=localhost:0|term-length=128k")
                .messageTimeoutNs(MESSAGE_TIMEOUT_NS));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * @param ingressEndpoints every member's ingress.
     * @return a client connected to the cluster's leader as {@link ClusterTestSupport#CLIENT_ID}.
     */
    static TestClusterClient connect(final String ingressEndpoints)
    {
        return connect(ingressEndpoints, ClusterTestSupport.CLIENT_ID);
    }

    /**
     * @param ingressEndpoints every member's ingress.
     * @param clientId         the client id the session claims, with no secret: for members without credentials.
     * @return a client connected to the cluster's leader.
     */
    static TestClusterClient connect(final String ingressEndpoints, final long clientId)
    {
        return new TestClusterClient(ingressEndpoints, clientId);
    }

    /**
     * Offer one request, polling egress while the ingress is back-pressured or between leaders.
     *
     * @param buffer     holding the frame.
     * @param offset     of the frame.
     * @param length     of the frame.
     * @param deadlineNs when to give up.
     * @return true when the client's publication took it (which does not yet mean the cluster logged it).
     */
    boolean offer(final DirectBuffer buffer, final int offset, final int length, final long deadlineNs)
    {
        while (true)
        {
            final long result = cluster.offer(buffer, offset, length);
            if (result > 0)
            {
                return true;
            }
            if (result == Publication.CLOSED && cluster.isClosed())
            {
                throw new IllegalStateException("the cluster client closed");
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            poll();
        }
    }

    /**
     * @return fragments polled from egress; also lets the client follow a new leader.
     */
    int poll()
    {
        final int polled = cluster.pollEgress();
        idle.idle(polled);
        return polled;
    }

    /**
     * Poll until at least this many decisions in all have come, or the deadline passes.
     *
     * @param count      decisions to wait for, retried requests' included.
     * @param deadlineNs when to give up.
     * @return true when they came.
     */
    boolean awaitDecisions(final int count, final long deadlineNs)
    {
        while (decisionCount < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            poll();
        }
        return true;
    }

    /**
     * Poll until at least this many rejects have come, or the deadline passes.
     *
     * @param count      rejects to wait for.
     * @param deadlineNs when to give up.
     * @return true when they came.
     */
    boolean awaitRejects(final int count, final long deadlineNs)
    {
        while (rejects.size() < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            poll();
        }
        return true;
    }

    Map<Long, List<Decided>> decisionsBySeq()
    {
        return decisionsBySeq;
    }

    boolean isDecided(final long clientSeq)
    {
        return decisionsBySeq.containsKey(clientSeq);
    }

    int decisionCount()
    {
        return decisionCount;
    }

    List<Rejected> rejects()
    {
        return rejects;
    }

    int newLeaders()
    {
        return newLeaders;
    }

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
        this.header.wrap(buffer, offset);
        switch (this.header.templateId())
        {
            case DecisionDecoder.TEMPLATE_ID:
                decision.wrapAndApplyHeader(buffer, offset, this.header);
                decisionsBySeq.computeIfAbsent(decision.clientSeq(), seq -> new ArrayList<>()).add(new Decided(
                    decision.clientSeq(), decision.engineSeq(), decision.verdict(), decision.firedRules()));
                decisionCount++;
                break;

            case RejectDecoder.TEMPLATE_ID:
                reject.wrapAndApplyHeader(buffer, offset, this.header);
                rejects.add(new Rejected(reject.clientSeq(), reject.reason(), reject.receivedTemplateId()));
                break;

            default:
                break;
        }
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
        final String ingressEndpoints)
    {
        newLeaders++;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(cluster, driver);
    }

    /**
     * Claims a client id with nothing to prove it, as a cluster without a credentials file accepts.
     */
    private record NoSecretCredentials(long clientId) implements CredentialsSupplier
    {
        @Override
        public byte[] encodedCredentials()
        {
            return ClusterAuthenticator.principalOf(clientId);
        }

        @Override
        public byte[] onChallenge(final byte[] encodedChallenge)
        {
            return new byte[0];
        }
    }
}
