package dev.vigil.app.cluster;

import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.client.HmacCredentials;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RulesUpdateOutcome;
import dev.vigil.codecs.RulesUpdateResultDecoder;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.Header;
import io.aeron.security.CredentialsSupplier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * An operator's session with a cluster, as {@code cluster.admin.client.id}: sends a rules file through the log as
 * one {@code RulesUpdate} message and waits for the cluster's answer. It brings its own media driver, so it runs on
 * any host that reaches the members. A leader change before the answer sends the update again, under a new update
 * id: the old leader may have taken it without replicating it, and applying the same rules twice changes nothing.
 */
public final class ClusterAdminClient implements AutoCloseable, EgressListener
{
    private final MediaDriver driver;
    private final AeronCluster cluster;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RulesUpdateResultDecoder result = new RulesUpdateResultDecoder();
    private final IdleStrategy idle = new BackoffIdleStrategy();
    private long awaitedUpdateId;
    private RulesUpdateOutcome outcome;
    private boolean newLeader;

    private ClusterAdminClient(
        final String ingressEndpoints, final String egressChannel, final long clientId, final byte[] key,
        final long timeoutNs)
    {
        driver = ClusterClientDriver.launch("admin");
        try
        {
            cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .egressListener(this)
                .credentialsSupplier(new AdminCredentials(clientId, key))
                .ingressEndpoints(ingressEndpoints)
                .ingressChannel("aeron:udp")
                .egressChannel(egressChannel)
                .messageTimeoutNs(timeoutNs));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * Open an admin session with a cluster's leader.
     *
     * @param ingressEndpoints the members' ingress endpoints, {@code id=host:port,...}.
     * @param egressChannel    where this session hears the cluster, e.g. {@code aeron:udp?endpoint=localhost:0}.
     * @param clientId         the cluster's {@code cluster.admin.client.id}.
     * @param key              its key when the members authenticate clients; null when they do not.
     * @param timeoutNs        how long to wait for the cluster to answer the connect.
     * @return the open session.
     * @throws io.aeron.security.AuthenticationException when the cluster refuses the key.
     * @throws io.aeron.exceptions.TimeoutException      when no leader answers in time.
     */
    public static ClusterAdminClient connect(
        final String ingressEndpoints, final String egressChannel, final long clientId, final byte[] key,
        final long timeoutNs)
    {
        return new ClusterAdminClient(ingressEndpoints, egressChannel, clientId, key, timeoutNs);
    }

    /**
     * Replace the cluster's rules with a rules file, through the log.
     *
     * @param rulesText       the rules file's text.
     * @param maxUpdateLength the longest update the members take ({@link VigilClusteredService#maxRulesUpdateLength}).
     * @param deadlineNs      when to give up ({@link System#nanoTime()}).
     * @return the cluster's answer; null when none came in time or the cluster closed the session.
     * @throws IllegalArgumentException when the rules text does not fit one update.
     */
    public RulesUpdateOutcome reloadRules(final String rulesText, final int maxUpdateLength, final long deadlineNs)
    {
        outcome = null;
        while (System.nanoTime() - deadlineNs < 0 && !cluster.isClosed())
        {
            newLeader = false;
            awaitedUpdateId = System.nanoTime();
            final List<byte[]> frames = RulesUpdateFrames.encode(rulesText, awaitedUpdateId, maxUpdateLength);
            if (frames.size() != 1)
            {
                throw new IllegalArgumentException("a rules file of " + rulesText.length() + " characters does not " +
                    "fit one cluster message of " + maxUpdateLength + " bytes (cluster.log.term.length / 8)");
            }
            final byte[] frame = frames.get(0);
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            while (outcome == null && !newLeader && cluster.offer(buffer, 0, frame.length) < 0 &&
                System.nanoTime() - deadlineNs < 0 && !cluster.isClosed())
            {
                idle.idle(cluster.pollEgress());
            }
            while (outcome == null && !newLeader && System.nanoTime() - deadlineNs < 0 && !cluster.isClosed())
            {
                idle.idle(cluster.pollEgress());
            }
            if (outcome != null)
            {
                return outcome;
            }
        }
        return null;
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
        if (this.header.templateId() != RulesUpdateResultDecoder.TEMPLATE_ID)
        {
            return;
        }
        result.wrapAndApplyHeader(buffer, offset, this.header);
        if (result.updateId() != awaitedUpdateId)
        {
            return;
        }
        outcome = result.outcome();
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final String ingressEndpoints)
    {
        newLeader = true;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(cluster, driver);
    }

    /**
     * The admin's credentials for the members' authenticator: its client id, and to a challenge the HMAC its key
     * gives, as any client answers ({@link ClusterAuthenticator}).
     */
    private record AdminCredentials(long clientId, byte[] key) implements CredentialsSupplier
    {
        @Override
        public byte[] encodedCredentials()
        {
            return ClusterAuthenticator.principalOf(clientId);
        }

        @Override
        public byte[] onChallenge(final byte[] encodedChallenge)
        {
            return key == null ? new byte[0] : HmacCredentials.sign(key, clientId, encodedChallenge);
        }
    }
}
