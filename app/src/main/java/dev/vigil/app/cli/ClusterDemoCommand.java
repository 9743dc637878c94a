package dev.vigil.app.cli;

import dev.vigil.app.cluster.ClusterClientDriver;
import dev.vigil.app.cluster.ClusterMembers;
import dev.vigil.app.cluster.LoopbackPorts;
import dev.vigil.app.cluster.MemberStatus;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.client.VigilClientException;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Verdict;
import io.aeron.cluster.service.Cluster;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.AeronException;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil cluster demo}: three members as child processes on loopback, a cluster client sending load, the leader
 * killed with SIGKILL mid-run and started again at once, and a report of what the client saw.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Three members on this host, the leader killed under load: a report of what the client saw.",
        "Starts three member JVMs on loopback (free ports), sends payments from a cluster client at --rate for",
        "--duration, kills the leader with SIGKILL after --kill-after and starts it",
        "again at once, then report requests sent, decisions, the failover gap (longest time without a decision",
        "from the last one before the kill), lost and duplicated requests, and whether the restarted member caught",
        "up (same applied engine seq and state hash as the others). Members stop with SIGTERM at the end.",
        "Exit 0 when nothing was lost or duplicated and every member holds the same state, 1 otherwise."})
final class ClusterDemoCommand implements Callable<Integer>
{
    private static final long CLIENT_ID = 1;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long STOP_TIMEOUT_S = 15;
    private static final String[] DROPPED_JVM_FLAGS = {"-Xms", "-Xmx", "-XX:+AlwaysPreTouch"};

    @Mixin
    private EngineOptions options;

    @Option(names = "--rate", paramLabel = "REQUESTS_PER_S", defaultValue = "3000",
        description = "requests per second (default: ${DEFAULT-VALUE})")
    private int rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "8s",
        description = "how long to send (default: ${DEFAULT-VALUE})")
    private String duration;

    @Option(names = "--kill-after", paramLabel = "DURATION", defaultValue = "3s",
        description = "when, into the sending, the leader is killed (default: ${DEFAULT-VALUE})")
    private String killAfter;

    @Option(names = "--members", paramLabel = "N", defaultValue = "3",
        description = "members, 1 to 5; a kill needs 3 or more (default: ${DEFAULT-VALUE})")
    private int memberCount;

    @Option(names = "--no-kill", description = "kill no member: measure the round trip through three members")
    private boolean noKill;

    @Option(names = "--accounts", defaultValue = "1000",
        description = "payment accounts in the stream (default: ${DEFAULT-VALUE})")
    private int accounts;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final long durationNs = OptionValues.durationNs("--duration", duration);
        final long killAfterNs = OptionValues.durationNs("--kill-after", killAfter);
        if (rate < 1 || rate > 100_000)
        {
            throw new ConfigException("--rate " + rate + ": allowed: 1 to 100000 requests per second");
        }
        if (!noKill && killAfterNs >= durationNs)
        {
            throw new ConfigException("--kill-after " + killAfter + ": allowed: less than --duration " + duration);
        }
        if (accounts < 1)
        {
            throw new ConfigException("--accounts " + accounts + ": allowed: 1 or more");
        }
        if (memberCount < 1 || memberCount > 5 || (!noKill && memberCount < 3))
        {
            throw new ConfigException("--members " + memberCount + ": allowed: 3 to 5, or 1 to 5 with --no-kill");
        }
        final long total = rate * TimeUnit.NANOSECONDS.toMillis(durationNs) / 1000;
        if (total < 1 || total > 10_000_000)
        {
            throw new ConfigException("--rate x --duration: " + total + " requests; allowed: 1 to 10000000");
        }
        final VigilConfig config = options.toConfig();
        final boolean keepData = options.dataDir != null;
        final Path baseDir = keepData ? options.dataDir.toAbsolutePath() : Files.createTempDirectory("vigil-cluster-");
        Files.createDirectories(baseDir);
        final String aeronBase = config.get(Settings.AERON_DIR) + "-cluster-demo-" + ProcessHandle.current().pid();
        final ClusterMembers members = loopbackMembers(memberCount);
        final Path membersFile = baseDir.resolve("members.txt");
        Files.write(membersFile, members.toLines(), StandardCharsets.UTF_8);

        final MemberProcess[] processes = new MemberProcess[memberCount];
        MediaDriver clientDriver = null;
        try
        {
            final long startNs = System.nanoTime();
            out.println("vigil cluster demo: " + memberCount + " members on loopback, data in " + baseDir);
            for (int id = 0; id < memberCount; id++)
            {
                processes[id] = new MemberProcess(id, baseDir, membersFile, aeronBase, options);
                processes[id].start();
            }
            for (final MemberProcess process : processes)
            {
                process.awaitStarted(System.nanoTime() + START_TIMEOUT_NS);
            }
            out.printf(Locale.ROOT, "  members started in %.1f s%n", (System.nanoTime() - startNs) / 1e9);
            clientDriver = ClusterClientDriver.launch("demo-client");
            final Load load = new Load(total, accounts);
            try (VigilClient client = connect(clientDriver.aeronDirectoryName(), members))
            {
                out.printf(Locale.ROOT, "  leader is member %d; sending %,d requests at %,d/s, killing the leader " +
                    "after %s%n", leaderId(processes), total, rate, killAfter);
                load.run(client, processes, durationNs, noKill ? Long.MAX_VALUE : killAfterNs);
            }
            return report(load, processes);
        }
        finally
        {
            // SIGTERM to every member at once, then wait for each.
            final long stopNs = System.nanoTime();
            for (final MemberProcess process : processes)
            {
                if (process != null)
                {
                    process.signalStop();
                }
            }
            for (final MemberProcess process : processes)
            {
                if (process != null)
                {
                    process.awaitStopped();
                }
            }
            out.printf(Locale.ROOT, "  members stopped (SIGTERM) in %.1f s%n", (System.nanoTime() - stopNs) / 1e9);
            CloseHelper.quietClose(clientDriver);
            if (!keepData)
            {
                IoUtil.delete(baseDir.toFile(), true);
            }
        }
    }

    private VigilClient connect(final String aeronDir, final ClusterMembers members)
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            try
            {
                return VigilClient.connect(new VigilClient.Context()
                    .aeronDirectoryName(aeronDir)
                    .clientId(CLIENT_ID)
                    .clusterIngressEndpoints(members.ingressEndpoints())
                    .clusterEgressChannel("aeron:udp?endpoint=127.0.0.1:0"));
            }
            catch (final VigilClientException | AeronException ex)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw ex;
                }
            }
        }
    }

    private int report(final Load load, final MemberProcess[] processes) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + CATCH_UP_TIMEOUT_NS;
        final MemberStatus[] statuses = new MemberStatus[memberCount];
        boolean caughtUp = false;
        while (!caughtUp && System.nanoTime() - deadlineNs < 0)
        {
            caughtUp = true;
            for (int id = 0; id < memberCount; id++)
            {
                final Optional<MemberStatus> status = MemberStatus.read(processes[id].aeronDir);
                statuses[id] = status.orElse(null);
                // Retries take engine sequences too, so members are compared with each other, not with the client.
                caughtUp &= status.isPresent() && status.get().hashIsCurrent() && statuses[0] != null &&
                    status.get().appliedEngineSeq() == statuses[0].appliedEngineSeq() &&
                    status.get().stateHash() == statuses[0].stateHash();
            }
            if (!caughtUp)
            {
                Thread.sleep(100);
            }
        }

        out.println();
        out.printf(Locale.ROOT, "  requests sent      %,d%n", load.total);
        out.printf(Locale.ROOT, "  decisions          %,d  (approve %,d, review %,d, decline %,d), rejects %,d%n",
            load.decidedCount(), load.verdicts[0], load.verdicts[1], load.verdicts[2], load.rejects);
        if (load.killedId >= 0)
        {
            out.printf(Locale.ROOT, "  leader killed      member %d (SIGKILL) after %,d decisions; restarted at " +
                "once%n", load.killedId, load.decidedAtKill);
            out.printf(Locale.ROOT, "  failover gap       %,.0f ms (longest time without a decision, from the last " +
                "one before the kill)%n", load.failoverGapNs / 1e6);
        }
        else
        {
            out.println("  leader killed      none");
        }
        out.printf(Locale.ROOT, "  leader changes     %d seen by the client%n", load.leaderChanges);
        final Histogram rtt = load.roundTrip;
        out.printf(Locale.ROOT, "  round trip         p50 %,d us, p99 %,d us, p99.9 %,d us, max %,d us (send to " +
            "decision, first answers only)%n", rtt.getValueAtPercentile(50) / 1000,
            rtt.getValueAtPercentile(99) / 1000, rtt.getValueAtPercentile(99.9) / 1000, rtt.getMaxValue() / 1000);
        out.printf(Locale.ROOT, "  lost               %,d  (sent, never decided)%n", load.lost());
        final long evaluatedTwice = evaluatedTwice(statuses, load.killedId, load.decidedCount());
        out.printf(Locale.ROOT, "  duplicated         %,d  (requests a member that ran throughout evaluated twice, " +
            "and client seqs answered under two engine seqs)%n", evaluatedTwice + load.duplicated);
        out.printf(Locale.ROOT, "  send time          %.1f s, drained %.1f s later%n",
            load.sendNs / 1e9, load.drainNs / 1e9);
        for (int id = 0; id < memberCount; id++)
        {
            final MemberStatus status = statuses[id];
            out.printf(Locale.ROOT, "  member %d%s  %s%n", id, id == load.killedId ? " (restarted)" : "",
                status == null ? "no status" : String.format(Locale.ROOT,
                "%-9s log position %,d, applied engine seq %,d, state hash %016x at seq %,d, evaluated %,d",
                status.role(), status.logPosition(), status.appliedEngineSeq(), status.stateHash(),
                status.stateHashEngineSeq(), status.eventsEvaluated()));
        }
        out.println("  members            " + (caughtUp ?
            "all at the same engine seq and state hash" : "NOT at the same state within " +
            TimeUnit.NANOSECONDS.toSeconds(CATCH_UP_TIMEOUT_NS) + " s"));
        final boolean ok = load.lost() == 0 && load.duplicated == 0 && evaluatedTwice == 0 && caughtUp;
        out.println(ok ? "vigil cluster demo: OK" : "vigil cluster demo: FAILED");
        return ok ? VigilMain.EXIT_OK : VigilMain.EXIT_PROBLEM;
    }

    private static int leaderId(final MemberProcess[] processes)
    {
        for (final MemberProcess process : processes)
        {
            final Optional<MemberStatus> status = MemberStatus.read(process.aeronDir);
            if (status.isPresent() && status.get().role() == Cluster.Role.LEADER)
            {
                return process.id;
            }
        }
        return -1;
    }

    private static ClusterMembers loopbackMembers(final int memberCount)
    {
        final int[] ports = LoopbackPorts.reserve(memberCount * ClusterMembers.PORTS_PER_MEMBER);
        final List<ClusterMembers.Member> members = new ArrayList<>();
        for (int id = 0; id < memberCount; id++)
        {
            members.add(new ClusterMembers.Member(id, "127.0.0.1", Arrays.copyOfRange(
                ports, id * ClusterMembers.PORTS_PER_MEMBER, (id + 1) * ClusterMembers.PORTS_PER_MEMBER)));
        }
        return ClusterMembers.of(members);
    }

    /**
     * The client hears each answer once, however often the cluster answered; whether a request was decided twice is
     * the members' to say: a member that ran throughout evaluated each request once (a retry answered from the
     * retry table is not evaluated), so its count beyond the requests decided is requests evaluated twice.
     */
    private static long evaluatedTwice(final MemberStatus[] statuses, final int restartedId, final long decided)
    {
        long twice = 0;
        for (int id = 0; id < statuses.length; id++)
        {
            if (id != restartedId && statuses[id] != null)
            {
                twice = Math.max(twice, statuses[id].eventsEvaluated() - decided);
            }
        }
        return twice;
    }

    /**
     * The client's side of the demo: sends at a fixed rate, kills and restarts the leader, and keeps what came back.
     */
    private static final class Load implements ReplyListener
    {
        private final long total;
        private final int accounts;
        private final long[] engineSeqByClientSeq;
        private final long[] verdicts = new long[3];
        private final Histogram roundTrip = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        private long decided;
        private long rejects;
        private long duplicated;
        private long lastDecisionNs;
        private long killNs;
        private long failoverGapNs;
        private long decidedAtKill;
        private long leaderChanges;
        private long sendNs;
        private long drainNs;
        private int killedId = -1;

        Load(final long total, final int accounts)
        {
            this.total = total;
            this.accounts = accounts;
            this.engineSeqByClientSeq = new long[(int)total + 1];
        }

        void run(
            final VigilClient client, final MemberProcess[] processes, final long durationNs, final long killAfterNs)
            throws IOException
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long startNs = System.nanoTime();
            long sent = 0;
            boolean killed = false;
            while (sent < total)
            {
                final long nowNs = System.nanoTime();
                final long due = Math.min(total, (nowNs - startNs) * total / durationNs + 1);
                int work = 0;
                while (sent < due)
                {
                    final long seq = sent + 1;
                    final long result = client.sendTransaction(seq * 1_000_000L, seq, 1 + seq % accounts,
                        1 + seq % (accounts * 2), 1 + seq % 97, 1_000 + (seq * 7_919) % 400_000, "EUR", "DE",
                        PaymentChannel.ECOM);
                    if (result < 0)
                    {
                        break;
                    }
                    sent++;
                    work++;
                }
                if (!killed && nowNs - startNs >= killAfterNs)
                {
                    killed = true;
                    killLeader(processes);
                }
                work += client.poll(this, 256);
                idle.idle(work);
            }
            sendNs = System.nanoTime() - startNs;
            final long drainStartNs = System.nanoTime();
            while (decided + rejects < total && System.nanoTime() - drainStartNs < DRAIN_TIMEOUT_NS)
            {
                idle.idle(client.poll(this, 256));
            }
            drainNs = System.nanoTime() - drainStartNs;
            leaderChanges = client.leaderChanges();
        }

        private void killLeader(final MemberProcess[] processes) throws IOException
        {
            killedId = leaderId(processes);
            if (killedId < 0)
            {
                return;
            }
            decidedAtKill = decided;
            // The gap runs from the last decision before the kill.
            killNs = lastDecisionNs;
            processes[killedId].kill();
            processes[killedId].start();
        }

        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            final long nowNs = System.nanoTime();
            if (killNs != 0 && lastDecisionNs >= killNs)
            {
                failoverGapNs = Math.max(failoverGapNs, nowNs - lastDecisionNs);
            }
            lastDecisionNs = nowNs;
            final long seq = decision.clientSeq();
            if (seq < 1 || seq > total)
            {
                return;
            }
            final long engineSeq = decision.engineSeq();
            if (engineSeqByClientSeq[(int)seq] == 0)
            {
                engineSeqByClientSeq[(int)seq] = engineSeq;
                decided++;
                roundTrip.recordValue(Math.min(roundTrip.getHighestTrackableValue(),
                    Math.max(0, nowNs - decision.clientSendTimeNs())));
                final Verdict verdict = decision.verdict();
                if (verdict == Verdict.APPROVE)
                {
                    verdicts[0]++;
                }
                else if (verdict == Verdict.REVIEW)
                {
                    verdicts[1]++;
                }
                else
                {
                    verdicts[2]++;
                }
            }
            else if (engineSeqByClientSeq[(int)seq] != engineSeq)
            {
                duplicated++;
            }
        }

        @Override
        public void onReject(final RejectDecoder reject)
        {
            rejects++;
        }

        long decidedCount()
        {
            return decided;
        }

        long lost()
        {
            return total - decided - rejects;
        }
    }

    /**
     * One member as a child JVM: the same java, class path and JVM flags as this process (its heap smaller).
     */
    private static final class MemberProcess
    {
        private final int id;
        private final Path dataDir;
        private final Path log;
        private final String aeronDir;
        private final List<String> command = new ArrayList<>();
        private Process process;
        private int starts;

        MemberProcess(
            final int id,
            final Path baseDir,
            final Path membersFile,
            final String aeronBase,
            final EngineOptions options)
        {
            this.id = id;
            this.dataDir = baseDir.resolve("member-" + id);
            this.log = baseDir.resolve("member-" + id + ".log");
            this.aeronDir = aeronBase + "-member-" + id;
            command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
            {
                if (!isDropped(flag))
                {
                    command.add(flag);
                }
            }
            command.addAll(List.of("-Xms64m", "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                VigilMain.class.getName(), "cluster", "run", "--member", Integer.toString(id),
                "--members", membersFile.toString(), "--data-dir", dataDir.toString()));
            if (options.configFile != null)
            {
                command.addAll(List.of("--config", options.configFile.toString()));
            }
            if (options.rulesFile != null)
            {
                command.addAll(List.of("--rules", options.rulesFile.toString()));
            }
            for (final String override : options.overrides)
            {
                command.addAll(List.of("--set", override));
            }
            command.addAll(List.of("--set", "aeron.dir=" + aeronBase));
        }

        private static boolean isDropped(final String flag)
        {
            for (final String dropped : DROPPED_JVM_FLAGS)
            {
                if (flag.startsWith(dropped))
                {
                    return true;
                }
            }
            return false;
        }

        void start() throws IOException
        {
            starts++;
            process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(starts == 1 ?
                    ProcessBuilder.Redirect.to(log.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        }

        void awaitStarted(final long deadlineNs) throws IOException, InterruptedException
        {
            while (true)
            {
                if (Files.exists(log) && Files.readString(log).contains("Ctrl-C to stop."))
                {
                    return;
                }
                if (!process.isAlive() || System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("member " + id + " did not start; its output (" + log + "):\n" +
                        (Files.exists(log) ? Files.readString(log) : ""));
                }
                Thread.sleep(50);
            }
        }

        void kill()
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        void signalStop()
        {
            if (process != null && process.isAlive())
            {
                process.destroy();
            }
        }

        void awaitStopped()
        {
            if (process == null)
            {
                return;
            }
            try
            {
                if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
