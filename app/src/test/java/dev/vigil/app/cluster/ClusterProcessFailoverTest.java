package dev.vigil.app.cluster;

import dev.vigil.app.cli.VigilMain;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import io.aeron.CncFileDescriptor;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.service.Cluster;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three members as separate JVMs ({@code vigil cluster run}) on loopback: the leader killed with SIGKILL under load
 * and started again at once, then a follower the same way, every request decided exactly once, the restarted members
 * caught up to the others' state, log retention deleting segments after snapshots, and a whole-cluster SIGTERM and
 * restart that recovers the same state from snapshots and log.
 */
@Tag("slow") // three member JVMs started twice, two killed
class ClusterProcessFailoverTest
{
    private static final int MEMBERS = 3;
    private static final int TOTAL = 6_000;
    private static final int KILL_LEADER_AFTER = 2_000;
    private static final int KILL_FOLLOWER_AFTER = 4_000;
    /**
     * Requests sent while the killed member restarts and catches up, then the load waits until it has: within what
     * log retention keeps (three snapshots of 1,500).
     */
    private static final int CATCH_UP_WINDOW = 1_000;
    private static final int IN_FLIGHT = 256;

    private final long[] engineSeqByClientSeq = new long[TOTAL + 1];
    private int decided;
    private int duplicated;

    @Test
    void leaderThenFollowerKilledUnderLoadDecideEveryRequestOnceAndMembersEndInTheSameState(@TempDir final Path dir)
        throws IOException, InterruptedException
    {
        final int[] ports = TestClusterMember.freePorts(MEMBERS);
        final ClusterMembers members = TestClusterMember.members(ports);
        final Path membersFile = dir.resolve("members.txt");
        Files.write(membersFile, members.toLines(), StandardCharsets.UTF_8);
        final String aeronBase = "/dev/shm/vigil-cluster-proc-" + UUID.randomUUID();
        final List<MemberProcess> processes = new ArrayList<>();
        MediaDriver driver = null;
        try
        {
            for (int id = 0; id < MEMBERS; id++)
            {
                processes.add(new MemberProcess(id, dir, membersFile, aeronBase));
            }
            for (final MemberProcess process : processes)
            {
                process.start();
            }
            for (final MemberProcess process : processes)
            {
                process.awaitStarted();
            }
            driver = ClusterClientDriver.launch("test-client");

            final MemberProcess leader;
            final MemberProcess follower;
            try (VigilClient client = connect(driver.aeronDirectoryName(), members))
            {
                leader = awaitLeader(processes);
                leader.assertNotKilledYet();
                follower = send(client, processes, leader);
                assertTrue(client.leaderChanges() >= 1, "the client followed a new leader");
            }
            for (int seq = 1; seq <= TOTAL; seq++)
            {
                assertNotEquals(0, engineSeqByClientSeq[seq], "request " + seq + " decided");
            }
            assertEquals(TOTAL, decided, "every request decided");
            assertEquals(0, duplicated, "no request decided twice");

            // The restarted members (the old leader, then a follower) catch up with the one that ran throughout: the
            // same input applied, the same state.
            final MemberStatus[] caughtUp = awaitSameState(processes, 0);
            final MemberProcess ranThroughout = processes.get(3 - leader.id - follower.id);
            final MemberStatus throughout = caughtUp[ranThroughout.id];
            assertTrue(throughout.snapshots() >= 1, "snapshots taken: " + throughout);
            awaitLogRetention(processes, ranThroughout, throughout);
            // The client's listener hears each answer once; the member says each request was decided once.
            assertEquals(TOTAL, throughout.eventsEvaluated(), "requests evaluated: " + throughout);

            // A clean stop of the whole cluster, then a start from snapshots and log: the same state.
            for (final MemberProcess process : processes)
            {
                process.signalStop();
            }
            for (final MemberProcess process : processes)
            {
                assertEquals(0, process.awaitExit(), "member " + process.id + " stopped cleanly on SIGTERM");
            }
            for (final MemberProcess process : processes)
            {
                process.start();
            }
            for (final MemberProcess process : processes)
            {
                process.awaitStarted();
            }
            // Members agree on their snapshot's state too, before they have replayed the log after it: wait for all.
            final MemberStatus[] restarted = awaitSameState(processes, caughtUp[0].appliedEngineSeq());
            assertEquals(caughtUp[0].appliedEngineSeq(), restarted[0].appliedEngineSeq());
            assertEquals(caughtUp[0].stateHash(), restarted[0].stateHash(), "state after the whole cluster restarted");
        }
        finally
        {
            for (final MemberProcess process : processes)
            {
                process.kill();
                // Killed members leave their Aeron directories (tens of MB each, in shared memory) behind.
                IoUtil.delete(new File(process.aeronDir), true);
            }
            CloseHelper.quietClose(driver);
        }
    }

    /**
     * Send the load, killing the leader, then a follower, each started again at once.
     *
     * @return the follower killed: neither the first leader nor the one elected after it.
     */
    private MemberProcess send(
        final VigilClient client, final List<MemberProcess> processes, final MemberProcess leader) throws IOException
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        final ReplyListener listener = this::onDecision;
        final long deadlineNs = deadlineAfterSeconds(90);
        final MemberProcess[] victims = {leader, null};
        final int[] killAfter = {KILL_LEADER_AFTER, KILL_FOLLOWER_AFTER};
        int sent = 0;
        int killed = 0;
        boolean caughtUp = true;
        while (decided < TOTAL)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("decided " + decided + " of " + TOTAL + ", sent " + sent + ", members killed " + killed +
                    ", client leader changes " + client.leaderChanges() + memberLogTails(processes));
            }
            if (caughtUp && killed < victims.length && decided >= killAfter[killed])
            {
                if (victims[killed] == null)
                {
                    victims[killed] = followerOtherThan(processes, leader);
                }
                victims[killed].kill();
                // Straight back: the archive's and cluster's mark files of the killed process must not stop it.
                victims[killed].start();
                killed++;
                caughtUp = false;
            }
            if (!caughtUp && decided >= killAfter[killed - 1] + CATCH_UP_WINDOW)
            {
                // A member catches up only from log the others still keep: on a slow host its restart and catch-up
                // may take longer than the load takes to fill that, so the load waits for it, after the kill.
                caughtUp = victims[killed - 1].hasCaughtUpWith(processes);
                if (!caughtUp)
                {
                    idle.idle(client.poll(listener, 256));
                    continue;
                }
            }
            int work = 0;
            while (sent < TOTAL && sent - decided < IN_FLIGHT)
            {
                final long seq = sent + 1;
                if (client.sendTransaction(seq * 1_000_000L, seq, 1 + seq % 500, 1 + seq % 700, 1 + seq % 97,
                    1_000 + (seq * 7_919) % 400_000, "EUR", "DE", PaymentChannel.ECOM) < 0)
                {
                    break;
                }
                sent++;
                work++;
            }
            work += client.poll(listener, 256);
            idle.idle(work);
        }
        assertEquals(victims.length, killed, "the leader, then a follower, killed under load");
        return victims[1];
    }

    /**
     * The end of each member's output and its status, so a failure under load says what the members were doing.
     */
    private static String memberLogTails(final List<MemberProcess> processes)
    {
        final StringBuilder tails = new StringBuilder();
        for (final MemberProcess process : processes)
        {
            final String output = process.output();
            tails.append(System.lineSeparator()).append("member ").append(process.id).append(", status ")
                .append(MemberStatus.read(process.aeronDir).map(Object::toString).orElse("unreadable"))
                .append(", output ends:").append(System.lineSeparator())
                .append(output.substring(Math.max(0, output.length() - 3_000)));
        }
        return tails.toString();
    }

    private static MemberProcess followerOtherThan(final List<MemberProcess> processes, final MemberProcess firstLeader)
    {
        for (final MemberProcess process : processes)
        {
            final Optional<MemberStatus> status = MemberStatus.read(process.aeronDir);
            if (process != firstLeader && status.isPresent() && status.get().role() == Cluster.Role.FOLLOWER)
            {
                return process;
            }
        }
        throw new AssertionError("no follower besides the first leader");
    }

    private void onDecision(final DecisionDecoder decision)
    {
        final int seq = (int)decision.clientSeq();
        if (engineSeqByClientSeq[seq] == 0)
        {
            engineSeqByClientSeq[seq] = decision.engineSeq();
            decided++;
        }
        else if (engineSeqByClientSeq[seq] != decision.engineSeq())
        {
            duplicated++;
        }
    }

    private static VigilClient connect(final String aeronDir, final ClusterMembers members)
    {
        final long deadlineNs = deadlineAfterSeconds(30);
        while (true)
        {
            try
            {
                return VigilClient.connect(new VigilClient.Context()
                    .aeronDirectoryName(aeronDir)
                    .clientId(ClusterTestSupport.CLIENT_ID)
                    .clusterIngressEndpoints(members.ingressEndpoints()));
            }
            catch (final RuntimeException ex)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw ex;
                }
            }
        }
    }

    /**
     * Retention follows each snapshot on the member's status thread, a moment after it. How many snapshots the load
     * brought depends on when leadership changed, so more are asked for until retention has three to keep and log
     * before them to delete.
     */
    private static void awaitLogRetention(
        final List<MemberProcess> processes, final MemberProcess ranThroughout, final MemberStatus throughout)
    {
        final MemberStatus[] purged = {throughout};
        final long[] lastRequestNs = {System.nanoTime()};
        await(() ->
        {
            purged[0] = MemberStatus.read(ranThroughout.aeronDir).orElse(purged[0]);
            if (purged[0].logPurgedBytes() > 0)
            {
                return true;
            }
            if (System.nanoTime() - lastRequestNs[0] > TimeUnit.SECONDS.toNanos(1))
            {
                // Only the leader acts on its toggle, and leadership may have moved since the last try.
                lastRequestNs[0] = System.nanoTime();
                for (final MemberProcess process : processes)
                {
                    final Optional<MemberStatus> status = MemberStatus.read(process.aeronDir);
                    if (status.isPresent() && status.get().role() == Cluster.Role.LEADER)
                    {
                        requestSnapshot(process.aeronDir);
                    }
                }
            }
            return false;
        }, deadlineAfterSeconds(30), () -> "log retention deleted segments: " + purged[0]);
    }

    /**
     * Ask a member's consensus module for a snapshot through the control toggle in its counters file, from outside
     * its process, as Aeron's {@code ClusterTool snapshot} does.
     *
     * @return true when the toggle took the request; false while another is under way.
     */
    private static boolean requestSnapshot(final String aeronDir)
    {
        final File cncFile = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.isFile())
        {
            return false;
        }
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData),
                StandardCharsets.US_ASCII);
            final AtomicCounter toggle = ClusterControl.findControlToggle(counters, 0);
            return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    private static MemberProcess awaitLeader(final List<MemberProcess> processes)
    {
        final MemberProcess[] leader = new MemberProcess[1];
        await(() ->
        {
            for (final MemberProcess process : processes)
            {
                final Optional<MemberStatus> status = MemberStatus.read(process.aeronDir);
                if (status.isPresent() && status.get().role() == Cluster.Role.LEADER)
                {
                    leader[0] = process;
                    return true;
                }
            }
            return false;
        }, deadlineAfterSeconds(30), "a leader");
        return leader[0];
    }

    /**
     * Wait until every member has applied the same input, at least up to an engine seq, and hashed its state there,
     * and the hashes agree.
     */
    private static MemberStatus[] awaitSameState(final List<MemberProcess> processes, final long atLeastEngineSeq)
    {
        final MemberStatus[] statuses = new MemberStatus[processes.size()];
        await(() ->
        {
            for (int i = 0; i < statuses.length; i++)
            {
                final Optional<MemberStatus> status = MemberStatus.read(processes.get(i).aeronDir);
                if (status.isEmpty() || !status.get().hashIsCurrent() || status.get().appliedEngineSeq() == 0 ||
                    status.get().appliedEngineSeq() < atLeastEngineSeq)
                {
                    return false;
                }
                statuses[i] = status.get();
            }
            for (final MemberStatus status : statuses)
            {
                if (status.appliedEngineSeq() != statuses[0].appliedEngineSeq() ||
                    status.stateHash() != statuses[0].stateHash())
                {
                    return false;
                }
            }
            return true;
        }, deadlineAfterSeconds(40), () -> "every member at the same engine seq and state hash: " +
            Arrays.toString(statuses));
        return statuses;
    }

    /**
     * One member as {@code vigil cluster run} in a JVM of its own.
     */
    private static final class MemberProcess
    {
        private final int id;
        private final Path log;
        private final String aeronDir;
        private final List<String> command;
        private Process process;
        private int starts;

        MemberProcess(final int id, final Path dir, final Path membersFile, final String aeronBase)
        {
            this.id = id;
            this.log = dir.resolve("member-" + id + ".log");
            this.aeronDir = aeronBase + "-member-" + id;
            command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx256m", "-XX:+UseSerialGC",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
                "-cp", System.getProperty("java.class.path"),
                VigilMain.class.getName(), "cluster", "run",
                "--member", Integer.toString(id),
                "--members", membersFile.toString(),
                "--data-dir", dir.resolve("member-" + id).toString(),
                "--set", "aeron.dir=" + aeronBase,
                "--set", "rules.max.keys=4096",
                // Small terms and segments, frequent snapshots: retention has segments to delete within the test.
                "--set", "cluster.log.term.length=65536",
                "--set", "cluster.archive.segment.size=131072",
                "--set", "snapshot.interval.events=1500",
                "--set", "cluster.log.retained.snapshots=3"));
            if (Runtime.version().feature() >= 24)
            {
                command.add(1, "--enable-native-access=ALL-UNNAMED");
                command.add(2, "--sun-misc-unsafe-memory-access=allow");
            }
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

        void awaitStarted()
        {
            final long deadlineNs = deadlineAfterSeconds(40);
            final int startsBefore = starts;
            await(() ->
            {
                if (!process.isAlive())
                {
                    fail("member " + id + " exited: " + output());
                }
                return output().split("Ctrl-C to stop\\.", -1).length - 1 >= startsBefore;
            }, deadlineNs, "member " + id + " to start");
        }

        String output()
        {
            try
            {
                return Files.exists(log) ? Files.readString(log) : "";
            }
            catch (final IOException ex)
            {
                return ex.toString();
            }
        }

        /**
         * Asked while the load waits: every member, this one started again among them, applied the same input
         * and hashed its state since the last request, so no status read is older than the input.
         *
         * @param processes every member.
         * @return true once this member follows and has applied what the others have.
         */
        boolean hasCaughtUpWith(final List<MemberProcess> processes)
        {
            final Optional<MemberStatus> status = MemberStatus.read(aeronDir);
            if (status.isEmpty() || status.get().role() != Cluster.Role.FOLLOWER || !status.get().hashIsCurrent())
            {
                return false;
            }
            for (final MemberProcess other : processes)
            {
                final Optional<MemberStatus> otherStatus = MemberStatus.read(other.aeronDir);
                if (otherStatus.isEmpty() || !otherStatus.get().hashIsCurrent() ||
                    otherStatus.get().appliedEngineSeq() != status.get().appliedEngineSeq())
                {
                    return false;
                }
            }
            return true;
        }

        void assertNotKilledYet()
        {
            assertEquals(1, starts);
        }

        void kill()
        {
            if (process != null && process.isAlive())
            {
                process.destroyForcibly();
                try
                {
                    process.waitFor(20, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void signalStop()
        {
            process.destroy();
        }

        int awaitExit() throws InterruptedException
        {
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                fail("member " + id + " did not stop within 30 s of SIGTERM: " + output());
            }
            return process.exitValue();
        }
    }
}
