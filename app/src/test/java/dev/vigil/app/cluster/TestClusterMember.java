package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One member of a test cluster in this JVM: a clustered media driver (media driver, archive, consensus module) and
 * a service container running a {@link VigilClusteredService}, on loopback, with its directories under a base
 * directory so that a restart on the same directories finds its log, recordings and snapshots. Timeouts are the fast
 * failover ones: leader heartbeat timeout 500 ms, election timeout 300 ms.
 */
final class TestClusterMember implements AutoCloseable
{
    /** Ingress, consensus, log, catch-up and archive endpoints, then the alert stream's control address. */
    static final int PORTS_PER_MEMBER = 6;
    private static final int ENDPOINTS_PER_MEMBER = 5;
    static final long LEADER_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long LEADER_HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);
    static final long STARTUP_CANVASS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    /** What the cluster's parts report goes to the test's output, where a failed run shows it. */
    private static final ErrorHandler ERRORS = ex -> ex.printStackTrace(System.out);
    private static final String LOCAL_CONTROL_CHANNEL = "aeron:ipc?term-length=64k";

    private final int memberId;
    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final VigilClusteredService service;

    private TestClusterMember(
        final int memberId,
        final ClusteredMediaDriver driver,
        final ClusteredServiceContainer container,
        final VigilClusteredService service)
    {
        this.memberId = memberId;
        this.driver = driver;
        this.container = container;
        this.service = service;
    }

    /**
     * @param memberCount members of the cluster.
     * @return UDP ports free now on loopback, {@link #PORTS_PER_MEMBER} per member.
     */
    static int[] freePorts(final int memberCount)
    {
        final DatagramSocket[] sockets = new DatagramSocket[memberCount * PORTS_PER_MEMBER];
        final int[] ports = new int[sockets.length];
        try
        {
            for (int i = 0; i < sockets.length; i++)
            {
                sockets[i] = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * @param ports from {@link #freePorts}.
     * @return the cluster members setting: id, ingress, consensus, log, catch-up and archive endpoints of each.
     */
    static String clusterMembers(final int[] ports)
    {
        final StringBuilder members = new StringBuilder();
        for (int id = 0; id < ports.length / PORTS_PER_MEMBER; id++)
        {
            final int base = id * PORTS_PER_MEMBER;
            members.append(id);
            for (int i = 0; i < ENDPOINTS_PER_MEMBER; i++)
            {
                members.append(",localhost:").append(ports[base + i]);
            }
            members.append('|');
        }
        members.setLength(members.length() - 1);
        return members.toString();
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
     * @param ports    from {@link #freePorts}.
     * @param memberId a member.
     * @return the channel that member publishes alerts on while it leads.
     */
    static String alertsChannel(final int[] ports, final int memberId)
    {
        return "aeron:udp?control=localhost:" + ports[memberId * PORTS_PER_MEMBER + 5] + "|control-mode=dynamic";
    }

    /**
     * @param ports from {@link #freePorts}.
     * @return a subscriber's channel to each member's alert stream.
     */
    static List<String> alertSubscriberChannels(final int[] ports)
    {
        final List<String> channels = new ArrayList<>();
        for (int id = 0; id < ports.length / PORTS_PER_MEMBER; id++)
        {
            channels.add("aeron:udp?endpoint=localhost:0|control=localhost:" + ports[id * PORTS_PER_MEMBER + 5] +
                "|control-mode=dynamic");
        }
        return channels;
    }

    /**
     * Start a member.
     *
     * @param memberId   the member's id.
     * @param ports      from {@link #freePorts}.
     * @param baseDir    the member's directories: cluster, archive; kept for a restart.
     * @param config     the settings the service is built from.
     * @param cleanStart true to start from empty directories.
     * @return the running member.
     */
    static TestClusterMember start(
        final int memberId, final int[] ports, final Path baseDir, final VigilConfig config, final boolean cleanStart)
    {
        final String aeronDir = "/dev/shm/vigil-cluster-test-" + UUID.randomUUID();
        final int archivePort = ports[memberId * PORTS_PER_MEMBER + 4];
        final VigilClusteredService service =
            new VigilClusteredService(config.with("alerts.channel", alertsChannel(ports, memberId)));

        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(ERRORS);

        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveId(memberId)
            .archiveDir(baseDir.resolve("archive").toFile())
            .controlChannel("aeron:udp?endpoint=localhost:" + archivePort)
            .localControlChannel(LOCAL_CONTROL_CHANNEL)
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .deleteArchiveOnStart(cleanStart)
            .errorHandler(ERRORS);

        final AeronArchive.Context archiveClientCtx = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(LOCAL_CONTROL_CHANNEL)
            .controlRequestStreamId(archiveCtx.localControlStreamId())
            .controlResponseChannel(LOCAL_CONTROL_CHANNEL)
            .aeronDirectoryName(aeronDir);

        final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
            .clusterMemberId(memberId)
            .clusterMembers(clusterMembers(ports))
            .clusterDir(baseDir.resolve("cluster").toFile())
            .archiveContext(archiveClientCtx.clone())
            .serviceCount(1)
            .ingressChannel("aeron:udp?term-length=128k")
            .logChannel("aeron:udp?term-length=256k")
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .leaderHeartbeatTimeoutNs(LEADER_HEARTBEAT_TIMEOUT_NS)
            .leaderHeartbeatIntervalNs(LEADER_HEARTBEAT_INTERVAL_NS)
            .electionTimeoutNs(ELECTION_TIMEOUT_NS)
            .startupCanvassTimeoutNs(STARTUP_CANVASS_TIMEOUT_NS)
            .authenticatorSupplier(ClusterAuthenticator.supplierFor(config))
            .deleteDirOnStart(cleanStart)
            .errorHandler(ERRORS);

        final ClusteredServiceContainer.Context containerCtx = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClientCtx.clone())
            .clusterDir(baseDir.resolve("cluster").toFile())
            .clusteredService(service)
            .serviceId(0)
            .errorHandler(ERRORS);

        ClusteredMediaDriver driver = null;
        try
        {
            driver = ClusteredMediaDriver.launch(driverCtx, archiveCtx, consensusCtx);
            final ClusteredServiceContainer container = ClusteredServiceContainer.launch(containerCtx);
            return new TestClusterMember(memberId, driver, container, service);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    int memberId()
    {
        return memberId;
    }

    VigilClusteredService service()
    {
        return service;
    }

    /**
     * Ask this member's consensus module for a snapshot through its control toggle, as {@code ClusterTool snapshot}
     * does.
     *
     * @return true when the toggle took the request.
     */
    boolean requestSnapshot()
    {
        final ConsensusModule.Context ctx = driver.consensusModule().context();
        final AtomicCounter toggle = ClusterControl.findControlToggle(ctx.aeron().countersReader(), ctx.clusterId());
        return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(container, driver);
    }
}
