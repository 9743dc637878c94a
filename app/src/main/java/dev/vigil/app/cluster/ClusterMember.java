package dev.vigil.app.cluster;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.EngineInfo;
import dev.vigil.app.metrics.MetricsServer;
import dev.vigil.app.metrics.RoundTripHistogram;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.RethrowingErrorHandler;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusterMarkFile;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One member of a Vigil cluster: a clustered media driver (media driver, archive, consensus module) and a service
 * container running a {@link VigilClusteredService}, with its directories under the data directory
 * ({@code cluster/}, {@code archive/}) so that a restart finds its log, recordings and snapshots.
 * <p>
 * The member binds on its host in the members file, keeps its counters (the rules stage's and
 * {@link MemberCounter}) in its media driver's counters file, writes {@code engine.info} into the data directory
 * like the engine does, so that {@code vigil stat} finds it, and runs a status thread that every 100 ms updates the
 * member counters, hashes the state when the member is idle, asks for a snapshot on the leader every
 * {@code snapshot.interval.events} requests, and applies log retention ({@link LogRetention}) after each snapshot.
 * <p>
 * A member killed with SIGKILL leaves its archive and cluster mark files looking alive for 10 s, which Aeron's
 * start refuses. When {@code engine.info} names a process that is provably gone (not running, or a reused pid),
 * those mark files are marked terminated, as a clean stop marks them, and the member starts at once.
 */
public final class ClusterMember implements AutoCloseable
{
    /** Idle time of the status thread. */
    static final long STATUS_INTERVAL_MS = 100;

    private static final String LOCAL_CONTROL_CHANNEL = "aeron:ipc?term-length=64k";
    private static final int PUBLICATION_TERM_LENGTH = 1 << 20;
    private static final long MARK_FILE_OPEN_TIMEOUT_MS = 500;
    private static final Consumer<String> NO_LOG = message ->
    {
    };

    private final int memberId;
    private final Path dataDir;
    private final String aeronDir;
    private final ClusteredMediaDriver driver;
    private final Aeron aeron;
    private final EngineCounters counters;
    private final VigilClusteredService service;
    private final ClusteredServiceContainer container;
    private final MetricsServer metrics;
    private final EngineInfo info;
    private final MemberStatusThread status;

    private ClusterMember(final Builder builder)
    {
        this.memberId = builder.memberId;
        this.dataDir = builder.dataDir;
        this.aeronDir = builder.aeronDir;
        this.driver = builder.driver;
        this.aeron = builder.aeron;
        this.counters = builder.counters;
        this.service = builder.service;
        this.container = builder.container;
        this.metrics = builder.metrics;
        this.info = builder.info;
        this.status = builder.status;
    }

    /**
     * Start a member.
     *
     * @param config      the settings: the rules stage's, {@code cluster.*}, {@code data.dir}, {@code aeron.dir}
     *                    (the member's Aeron directory is {@code <aeron.dir>-member-<id>}), {@code idle.strategy},
     *                    {@code snapshot.interval.events}, {@code metrics.port}.
     * @param members     the cluster's members.
     * @param memberId    which of them this is.
     * @param errors      where the cluster's parts report errors.
     * @param onTerminate called when the cluster terminates this member (e.g. {@code ClusterTool shutdown}).
     * @return the running member.
     * @throws ConfigException when the settings do not fit, or the member already runs on this data directory.
     */
    public static ClusterMember launch(
        final VigilConfig config,
        final ClusterMembers members,
        final int memberId,
        final ErrorHandler errors,
        final Runnable onTerminate)
    {
        if (memberId < 0 || memberId >= members.size())
        {
            throw new ConfigException("member id " + memberId + ": the members file has ids 0 to " +
                (members.size() - 1));
        }
        final long termLength = config.getLong(Settings.CLUSTER_LOG_TERM_LENGTH);
        final long segmentSize = config.getLong(Settings.CLUSTER_ARCHIVE_SEGMENT_SIZE);
        if (segmentSize < termLength)
        {
            throw new ConfigException(config.sourceOf(Settings.CLUSTER_ARCHIVE_SEGMENT_SIZE) + ": setting '" +
                Settings.CLUSTER_ARCHIVE_SEGMENT_SIZE.name() + "' has value '" + segmentSize + "'; allowed: at " +
                "least cluster.log.term.length (" + termLength + ")");
        }
        final Builder builder = new Builder();
        builder.memberId = memberId;
        builder.dataDir = Path.of(config.get(Settings.DATA_DIR)).toAbsolutePath();
        builder.aeronDir = config.get(Settings.AERON_DIR) + "-member-" + memberId;
        prepareDataDir(builder.dataDir, memberId);
        try
        {
            builder.start(config, members, errors, onTerminate);
            return new ClusterMember(builder);
        }
        catch (final RuntimeException ex)
        {
            builder.closeAll();
            throw ex;
        }
    }

    private static void prepareDataDir(final Path dataDir, final int memberId)
    {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir))
        {
            throw new ConfigException("data.dir=" + dataDir + ": is a file, not a directory");
        }
        try
        {
            Files.createDirectories(dataDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, ex);
        }
        final Optional<EngineInfo> previous = EngineInfo.read(dataDir);
        if (previous.isPresent())
        {
            if (previous.get().isRunning())
            {
                throw new ConfigException("data.dir=" + dataDir + ": member " + memberId + " already runs there " +
                    "(pid " + previous.get().pid() + ")");
            }
            releaseMarkFiles(dataDir);
        }
    }

    /**
     * Mark the archive's and cluster's mark files of a member whose process is gone as terminated, as a clean stop
     * does, so that a start need not wait for them to look stale. Their contents (the cluster's candidate term among
     * them) are kept.
     *
     * @param dataDir the dead member's data directory.
     */
    static void releaseMarkFiles(final Path dataDir)
    {
        final File archiveDir = dataDir.resolve("archive").toFile();
        if (new File(archiveDir, ArchiveMarkFile.FILENAME).isFile())
        {
            try (ArchiveMarkFile markFile = new ArchiveMarkFile(
                archiveDir, ArchiveMarkFile.FILENAME, SystemEpochClock.INSTANCE, MARK_FILE_OPEN_TIMEOUT_MS, NO_LOG))
            {
                markFile.signalTerminated();
            }
            catch (final RuntimeException ex)
            {
                // Never marked ready (killed while starting): Aeron finds it inactive by itself.
            }
        }
        final File clusterDir = dataDir.resolve("cluster").toFile();
        final String[] names = clusterDir.list((dir, name) ->
            name.equals(ClusterMarkFile.FILENAME) ||
            (name.startsWith(ClusterMarkFile.SERVICE_FILENAME_PREFIX) &&
            name.endsWith(ClusterMarkFile.FILE_EXTENSION)));
        if (names != null)
        {
            for (final String name : names)
            {
                try (ClusterMarkFile markFile = new ClusterMarkFile(
                    clusterDir, name, SystemEpochClock.INSTANCE, MARK_FILE_OPEN_TIMEOUT_MS, NO_LOG))
                {
                    markFile.signalTerminated();
                }
                catch (final RuntimeException ex)
                {
                    // Never marked ready (killed while starting): Aeron finds it inactive by itself.
                }
            }
        }
    }

    /**
     * @param config the settings.
     * @return the idle strategy of the member's agents: {@code idle.strategy}, where {@code profile} means backoff
     * (members of a cluster share cores; none of them may spin).
     */
    static Supplier<IdleStrategy> idleStrategy(final VigilConfig config)
    {
        switch (config.get(Settings.IDLE_STRATEGY))
        {
            case "yield":
                return YieldingIdleStrategy::new;
            case "sleep":
                return () -> new SleepingMillisIdleStrategy(1);
            case "busy":
                return BusySpinIdleStrategy::new;
            default:
                return BackoffIdleStrategy::new;
        }
    }

    /**
     * @return this member's id.
     */
    public int memberId()
    {
        return memberId;
    }

    /**
     * @return the service this member runs.
     */
    public VigilClusteredService service()
    {
        return service;
    }

    /**
     * @return the member's Aeron directory, where its counters are.
     */
    public String aeronDirectoryName()
    {
        return aeronDir;
    }

    /**
     * @return the loopback port metrics are served on, 0 for none.
     */
    public int metricsPort()
    {
        return metrics == null ? 0 : metrics.port();
    }

    /**
     * Ask this member's consensus module for a snapshot through its control toggle, as {@code ClusterTool snapshot}
     * does; the leader acts on it, and every member takes the snapshot at the same log position.
     *
     * @return true when the toggle took the request.
     */
    public boolean requestSnapshot()
    {
        final ConsensusModule.Context ctx = driver.consensusModule().context();
        final AtomicCounter toggle = ClusterControl.findControlToggle(ctx.aeron().countersReader(), ctx.clusterId());
        return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /**
     * Stop the member: the status thread, metrics, the service container, then the consensus module, archive and
     * media driver, and remove {@code engine.info}.
     */
    @Override
    public void close()
    {
        CloseHelper.closeAll(status, metrics, container, counters, aeron, driver);
        info.delete(dataDir);
    }

    /**
     * What a start has built so far, so that a failed start closes exactly that.
     */
    private static final class Builder
    {
        private int memberId;
        private Path dataDir;
        private String aeronDir;
        private ClusteredMediaDriver driver;
        private Aeron aeron;
        private EngineCounters counters;
        private VigilClusteredService service;
        private ClusteredServiceContainer container;
        private MetricsServer metrics;
        private EngineInfo info;
        private MemberStatusThread status;

        void start(
            final VigilConfig config,
            final ClusterMembers members,
            final ErrorHandler errors,
            final Runnable onTerminate)
        {
            final ClusterMembers.Member self = members.member(memberId);
            final Supplier<IdleStrategy> idle = idleStrategy(config);
            final String replicationChannel = "aeron:udp?endpoint=" + self.host() + ":0";

            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idle.get())
                .termBufferSparseFile(true)
                .publicationTermBufferLength(PUBLICATION_TERM_LENGTH)
                .ipcTermBufferLength(PUBLICATION_TERM_LENGTH)
                // The member's own directory: engine.info proved no process of this member holds it.
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .errorHandler(errors);

            final Archive.Context archiveCtx = new Archive.Context()
                .aeronDirectoryName(aeronDir)
                .archiveId(memberId)
                .archiveDir(dataDir.resolve("archive").toFile())
                .controlChannel("aeron:udp?endpoint=" + self.endpoint(ClusterMembers.ARCHIVE))
                .localControlChannel(LOCAL_CONTROL_CHANNEL)
                .replicationChannel(replicationChannel)
                .recordingEventsEnabled(false)
                .segmentFileLength((int)config.getLong(Settings.CLUSTER_ARCHIVE_SEGMENT_SIZE))
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(idle)
                .errorHandler(errors);

            final AeronArchive.Context archiveClientCtx = new AeronArchive.Context()
                .lock(NoOpLock.INSTANCE)
                .controlRequestChannel(LOCAL_CONTROL_CHANNEL)
                .controlRequestStreamId(archiveCtx.localControlStreamId())
                .controlResponseChannel(LOCAL_CONTROL_CHANNEL)
                .aeronDirectoryName(aeronDir);

            final ConsensusModule.Context consensusCtx = consensusContext(
                config, members, archiveClientCtx, replicationChannel, idle, errors, onTerminate);

            driver = ClusteredMediaDriver.launch(driverCtx, archiveCtx, consensusCtx);
            // Shared with the service container, which needs subscriber errors thrown to it.
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .errorHandler(errors)
                .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE));
            final Aeron client = aeron;
            counters = new EngineCounters(client::addCounter);
            final AtomicCounter[] memberCounters = counters.addExported(MemberCounter.values());
            memberCounters[MemberCounter.MEMBER_ID.ordinal()].setOrdered(memberId);
            // The alert stream's control address is the member's own, from the members file.
            service = new VigilClusteredService(
                config.with(Settings.ALERTS_CHANNEL.name(), members.alertsChannel(memberId)), counters);

            final ClusteredServiceContainer.Context containerCtx = new ClusteredServiceContainer.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .aeronDirectoryName(aeronDir)
                .archiveContext(archiveClientCtx.clone())
                .clusterDir(dataDir.resolve("cluster").toFile())
                .clusteredService(service)
                .serviceId(0)
                .idleStrategySupplier(idle)
                .terminationHook(onTerminate)
                .errorHandler(errors);
            container = ClusteredServiceContainer.launch(containerCtx);

            final int metricsPort = config.getInt(Settings.METRICS_PORT);
            if (metricsPort != 0)
            {
                metrics = MetricsServer.start(metricsPort, counters.metrics(), new RoundTripHistogram());
            }
            info = EngineInfo.ofThisProcess(aeronDir, metrics == null ? 0 : metrics.port());
            info.write(dataDir);

            final LogRetention retention = config.getBoolean(Settings.CLUSTER_LOG_PURGE) ?
                new LogRetention(dataDir.resolve("cluster").toFile(), aeron, archiveClientCtx.clone(),
                    config.getInt(Settings.CLUSTER_LOG_RETAINED_SNAPSHOTS)) : null;
            status = new MemberStatusThread(
                driver.consensusModule().context(),
                service,
                memberCounters,
                config.getLong(Settings.SNAPSHOT_INTERVAL_EVENTS),
                retention,
                errors);
            status.start();
        }

        private ConsensusModule.Context consensusContext(
            final VigilConfig config,
            final ClusterMembers members,
            final AeronArchive.Context archiveClientCtx,
            final String replicationChannel,
            final Supplier<IdleStrategy> idle,
            final ErrorHandler errors,
            final Runnable onTerminate)
        {
            return new ConsensusModule.Context()
                .clusterMemberId(memberId)
                .clusterMembers(members.clusterMembers())
                .clusterDir(dataDir.resolve("cluster").toFile())
                .archiveContext(archiveClientCtx.clone())
                .serviceCount(1)
                .ingressChannel("aeron:udp?term-length=" + PUBLICATION_TERM_LENGTH)
                .logChannel("aeron:udp?term-length=" + config.getLong(Settings.CLUSTER_LOG_TERM_LENGTH))
                .replicationChannel(replicationChannel)
                .leaderHeartbeatTimeoutNs(config.getDurationNs(Settings.CLUSTER_LEADER_HEARTBEAT_TIMEOUT))
                .leaderHeartbeatIntervalNs(config.getDurationNs(Settings.CLUSTER_LEADER_HEARTBEAT_INTERVAL))
                .electionTimeoutNs(config.getDurationNs(Settings.CLUSTER_ELECTION_TIMEOUT))
                .startupCanvassTimeoutNs(config.getDurationNs(Settings.CLUSTER_STARTUP_CANVASS_TIMEOUT))
                .sessionTimeoutNs(config.getDurationNs(Settings.CLUSTER_SESSION_TIMEOUT))
                .authenticatorSupplier(ClusterAuthenticator.supplierFor(config))
                .idleStrategySupplier(idle)
                .terminationHook(onTerminate)
                .errorHandler(errors);
        }

        void closeAll()
        {
            final List<AutoCloseable> started = new ArrayList<>();
            started.add(status);
            started.add(metrics);
            started.add(container);
            started.add(counters);
            started.add(aeron);
            started.add(driver);
            CloseHelper.quietCloseAll(started);
            if (info != null)
            {
                // A start that failed leaves no claim on the data directory behind it.
                info.delete(dataDir);
            }
        }
    }
}
