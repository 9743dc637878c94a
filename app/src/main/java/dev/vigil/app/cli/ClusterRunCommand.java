package dev.vigil.app.cli;

import dev.vigil.app.cluster.ClusterMember;
import dev.vigil.app.cluster.ClusterMembers;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vigil cluster run}: one member of a Vigil cluster, until SIGINT or SIGTERM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run one member of a Vigil cluster.",
        "A member is an Aeron Cluster node: media driver, archive, consensus module and Vigil's rules stage as the",
        "clustered service. Every member gets the same members file and its own --member id;",
        "its log, recordings and snapshots live in the data directory (cluster/, archive/). Stops cleanly on",
        "SIGINT or SIGTERM, exit 0; starts again at once after a kill -9. Exit 2 for a bad members file or",
        "setting, naming the file and line or the setting."})
final class ClusterRunCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--member", paramLabel = "N",
        description = "this member's id in the members file (setting cluster.member.id)")
    private Integer member;

    @Option(names = "--members", paramLabel = "FILE",
        description = "the members file: '<id> <host> <base-port>' per line (setting cluster.members.file)")
    private Path membersFile;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "serve Prometheus metrics at http://127.0.0.1:PORT/metrics (setting metrics.port; 0: off)")
    private Integer metricsPort;

    @Override
    public Integer call() throws InterruptedException
    {
        final VigilConfig config = config(options, member, membersFile, metricsPort);
        final ClusterMembers members = members(config);
        final int memberId = config.getInt(Settings.CLUSTER_MEMBER_ID);
        final PrintStream out = System.out;
        final StopSignals signals = StopSignals.install();
        final ClusterMember running = ClusterMember.launch(
            config, members, memberId, Throwable::printStackTrace, () -> signals.stopFor("cluster termination"));
        try
        {
            final ClusterMembers.Member self = members.member(memberId);
            out.println("vigil: cluster member " + memberId + " of " + members.size() + " running on " +
                self.host());
            out.println("  ingress   " + self.endpoint(ClusterMembers.INGRESS) + ", consensus " +
                self.endpoint(ClusterMembers.CONSENSUS) + ", log " + self.endpoint(ClusterMembers.LOG) +
                ", catchup " + self.endpoint(ClusterMembers.CATCHUP) + ", archive " +
                self.endpoint(ClusterMembers.ARCHIVE) + ", alerts " + self.endpoint(ClusterMembers.ALERTS));
            out.println("  clients   clusterIngressEndpoints " + members.ingressEndpoints());
            out.println("  aeron dir " + running.aeronDirectoryName());
            out.println("  data dir  " + Path.of(config.get(Settings.DATA_DIR)).toAbsolutePath());
            if (running.metricsPort() != 0)
            {
                out.println("  metrics   http://127.0.0.1:" + running.metricsPort() + "/metrics");
            }
            out.println("Ctrl-C to stop.");
            out.flush();
            out.println("vigil: stopping on " + signals.await());
            out.flush();
        }
        finally
        {
            running.close();
        }
        out.println("vigil: cluster member " + memberId + " stopped");
        return VigilMain.EXIT_OK;
    }

    /**
     * @return the configuration with the command's options applied.
     */
    static VigilConfig config(
        final EngineOptions options, final Integer member, final Path membersFile, final Integer metricsPort)
    {
        VigilConfig config = options.toConfig();
        if (member != null)
        {
            config = config.with(Settings.CLUSTER_MEMBER_ID.name(), member.toString());
        }
        if (membersFile != null)
        {
            config = config.with(Settings.CLUSTER_MEMBERS_FILE.name(), membersFile.toString());
        }
        if (metricsPort != null)
        {
            config = config.with(Settings.METRICS_PORT.name(), metricsPort.toString());
        }
        return config;
    }

    /**
     * @return the members the configuration names, this member among them.
     * @throws ConfigException when the members file or member id is missing or wrong.
     */
    static ClusterMembers members(final VigilConfig config)
    {
        final String file = config.get(Settings.CLUSTER_MEMBERS_FILE);
        if (file.isEmpty())
        {
            throw new ConfigException("no members file: give --members FILE (or the setting " +
                Settings.CLUSTER_MEMBERS_FILE.name() + ")");
        }
        final int memberId = config.getInt(Settings.CLUSTER_MEMBER_ID);
        if (memberId < 0)
        {
            throw new ConfigException("no member id: give --member N (or the setting " +
                Settings.CLUSTER_MEMBER_ID.name() + ")");
        }
        final ClusterMembers members = ClusterMembers.read(Path.of(file));
        if (memberId >= members.size())
        {
            throw new ConfigException("--member " + memberId + ": " + file + " has members 0 to " +
                (members.size() - 1));
        }
        return members;
    }
}
