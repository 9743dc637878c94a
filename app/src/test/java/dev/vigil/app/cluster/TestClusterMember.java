package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * One member of a test cluster in this JVM: the production {@link ClusterMember} on loopback, with its directories
 * under a base directory so that a restart on the same directories finds its log, recordings and snapshots.
 * Timeouts are the settings' fast-failover defaults: leader heartbeat timeout 500 ms, election timeout 300 ms.
 */
final class TestClusterMember implements AutoCloseable
{
    static final int PORTS_PER_MEMBER = ClusterMembers.PORTS_PER_MEMBER;

    /** What the cluster's parts report goes to the test's output, where a failed run shows it. */
    private static final ErrorHandler ERRORS = ex -> ex.printStackTrace(System.out);

    private final int memberId;
    private final ClusterMember member;

    private TestClusterMember(final int memberId, final ClusterMember member)
    {
        this.memberId = memberId;
        this.member = member;
    }

    /**
     * @param memberCount members of the cluster.
     * @return UDP ports free now on loopback, {@link #PORTS_PER_MEMBER} per member.
     */
    static int[] freePorts(final int memberCount)
    {
        return LoopbackPorts.reserve(memberCount * PORTS_PER_MEMBER);
    }

    /**
     * @param ports from {@link #freePorts}.
     * @return the client's ingress endpoints: each member's ingress.
     */
    static String ingressEndpoints(final int[] ports)
    {
        final StringBuilder endpoints = new StringBuilder();
        for (int id = 0; id < ports.length / PORTS_PER_MEMBER; id++)
        {
            endpoints.append(id).append("=localhost:").append(ports[id * PORTS_PER_MEMBER]).append(',');
        }
        endpoints.setLength(endpoints.length() - 1);
        return endpoints.toString();
    }

    /**
     * Start a member: the production {@link ClusterMember}, its directories under {@code baseDir}.
     *
     * @param memberId   the member's id.
     * @param ports      from {@link #freePorts}.
     * @param baseDir    the member's data directory: cluster, archive; kept for a restart.
     * @param config     the settings the service is built from.
     * @param cleanStart true to start from an empty data directory.
     * @return the running member.
     */
    static TestClusterMember start(
        final int memberId, final int[] ports, final Path baseDir, final VigilConfig config, final boolean cleanStart)
    {
        if (cleanStart)
        {
            IoUtil.delete(baseDir.toFile(), true);
        }
        final VigilConfig memberConfig = config
            .with("data.dir", baseDir.toString())
            .with("aeron.dir", "/dev/shm/vigil-cluster-test-" + UUID.randomUUID());
        final ClusterMember member = ClusterMember.launch(memberConfig, members(ports), memberId, ERRORS, () -> { });
        return new TestClusterMember(memberId, member);
    }

    /**
     * @param ports from {@link #freePorts}.
     * @return the members on localhost with those ports.
     */
    static ClusterMembers members(final int[] ports)
    {
        final List<ClusterMembers.Member> members = new ArrayList<>();
        for (int id = 0; id < ports.length / PORTS_PER_MEMBER; id++)
        {
            members.add(new ClusterMembers.Member(
                id, "localhost", Arrays.copyOfRange(ports, id * PORTS_PER_MEMBER, (id + 1) * PORTS_PER_MEMBER)));
        }
        return ClusterMembers.of(members);
    }

    int memberId()
    {
        return memberId;
    }

    VigilClusteredService service()
    {
        return member.service();
    }

    /**
     * Ask this member's consensus module for a snapshot through its control toggle, as {@code ClusterTool snapshot}
     * does.
     *
     * @return true when the toggle took the request.
     */
    boolean requestSnapshot()
    {
        return member.requestSnapshot();
    }

    @Override
    public void close()
    {
        member.close();
    }
}
