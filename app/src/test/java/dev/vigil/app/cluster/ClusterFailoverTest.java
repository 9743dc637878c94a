package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounter;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitLeader;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitStateHash;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static dev.vigil.app.cluster.ClusterTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three members in this JVM on loopback: every member holds the same state after the same input, and when the leader
 * goes away under load, a new one is elected, the client resends what has no decision yet, and every request is
 * decided exactly once. The leader is closed here, not killed: separate JVMs killed with SIGKILL are the next step.
 */
class ClusterFailoverTest
{
    private static final int MEMBERS = 3;
    private static final int FIRST = 100;
    private static final int TOTAL = 400;
    private static final int CLOSE_LEADER_AFTER = FIRST + 60;
    private static final int IN_FLIGHT = 32;
    /** A client with requests outstanding and no reply for this long asks again (the retry table answers). */
    private static final long QUIET_RESEND_NS = TimeUnit.SECONDS.toNanos(2);

    private final VigilConfig config = VigilConfig.defaults();
    private final TestFrames frames = new TestFrames();
    private long outstandingAtClose;

    @Test
    void membersAgreeAndLeaderLossDecidesEveryRequestExactlyOnce(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(MEMBERS);
        final List<TestClusterMember> members = new ArrayList<>();
        try
        {
            for (int id = 0; id < MEMBERS; id++)
            {
                members.add(TestClusterMember.start(id, ports, dir.resolve("member-" + id), config, true));
            }
            final TestClusterMember leader = awaitLeader(members, deadlineAfterSeconds(20));
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
            {
                // The same input, the same state on every member, and the single-process rules stage's decisions.
                final ClusterTestSupport.OfflineRules offline = new ClusterTestSupport.OfflineRules(config);
                final List<TestClusterClient.Decided> offlineExpected = new ArrayList<>();
                for (long seq = 1; seq <= FIRST; seq++)
                {
                    send(client, seq);
                    offlineExpected.add(offline.apply(frames.buffer(), request(frames, seq)));
                }
                assertTrue(client.awaitDecisions(FIRST, deadlineAfterSeconds(20)), "first decisions");
                for (final TestClusterClient.Decided expected : offlineExpected)
                {
                    assertEquals(List.of(expected), client.decisionsBySeq().get(expected.clientSeq()));
                }
                final long hash = assertSameState(members);
                assertEquals(offline.stateHash(), hash, "members' state is the single-process stage's");

                // Under load: the leader goes away; the client resends what has no decision after the new leader.
                final int oldLeaderId = leader.memberId();
                sendRestClosingLeader(client, members, leader);
                assertNotEquals(oldLeaderId, awaitLeader(members, deadlineAfterSeconds(10)).memberId());
                assertTrue(outstandingAtClose > 0, "the leader went away with requests in flight");
                assertTrue(client.newLeaders() >= 1, "the client was told of the new leader");

                final Set<Long> expectedSeqs = LongStream.rangeClosed(1, TOTAL).boxed().collect(Collectors.toSet());
                assertEquals(expectedSeqs, client.decisionsBySeq().keySet(), "every request decided");
                client.decisionsBySeq().forEach((seq, answers) -> assertEquals(
                    1, new HashSet<>(answers).size(), "one decision, however often answered, for seq " + seq));
                for (final TestClusterMember survivor : members)
                {
                    assertEquals(TOTAL, survivor.service().counters().get(EngineCounter.EVENTS_EVALUATED).get(),
                        "each request evaluated exactly once on member " + survivor.memberId());
                }
                final long survivorsHash = assertSameState(members);

                // A snapshot on the new leader is a snapshot on every member, of the same state.
                final TestClusterMember newLeader = awaitLeader(members, deadlineAfterSeconds(10));
                assertTrue(newLeader.requestSnapshot(), "snapshot toggle");
                for (final TestClusterMember survivor : members)
                {
                    await(() -> survivor.service().snapshotsTaken() == 1, deadlineAfterSeconds(20),
                        "the snapshot on member " + survivor.memberId());
                    assertEquals(survivorsHash, survivor.service().lastSnapshotHash());
                }
            }
        }
        finally
        {
            CloseHelper.closeAll(members);
        }
    }

    private void sendRestClosingLeader(
        final TestClusterClient client, final List<TestClusterMember> members, final TestClusterMember leader)
    {
        final long deadlineNs = deadlineAfterSeconds(40);
        long nextSeq = FIRST + 1;
        int leadersSeen = client.newLeaders();
        boolean leaderClosed = false;
        int lastDecided = client.decisionsBySeq().size();
        long lastProgressNs = System.nanoTime();
        while (client.decisionsBySeq().size() < TOTAL)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("decided " + client.decisionsBySeq().size() + " of " + TOTAL + ", leader closed " +
                    leaderClosed + ", new leaders " + client.newLeaders());
            }
            final int decided = client.decisionsBySeq().size();
            if (!leaderClosed && decided >= CLOSE_LEADER_AFTER)
            {
                outstandingAtClose = nextSeq - 1 - decided;
                members.remove(leader);
                leader.close();
                leaderClosed = true;
            }
            final boolean newLeader = client.newLeaders() != leadersSeen;
            final boolean quiet = decided == lastDecided && System.nanoTime() - lastProgressNs > QUIET_RESEND_NS;
            if (decided != lastDecided)
            {
                lastDecided = decided;
                lastProgressNs = System.nanoTime();
            }
            if (newLeader || quiet)
            {
                // An offer taken is not a request logged: ask again for everything without a decision.
                leadersSeen = client.newLeaders();
                lastProgressNs = System.nanoTime();
                for (long seq = 1; seq < nextSeq; seq++)
                {
                    if (!client.isDecided(seq))
                    {
                        send(client, seq);
                    }
                }
            }
            while (nextSeq <= TOTAL && nextSeq - 1 - decided < IN_FLIGHT)
            {
                send(client, nextSeq++);
            }
            client.poll();
        }
    }

    private void send(final TestClusterClient client, final long seq)
    {
        assertTrue(client.offer(frames.buffer(), 0, request(frames, seq), deadlineAfterSeconds(10)), "offer " + seq);
    }

    /**
     * Wait until every member has applied the same input, then compare their state hashes.
     *
     * @return the hash they share.
     */
    private static long assertSameState(final List<TestClusterMember> members)
    {
        final long deadlineNs = deadlineAfterSeconds(20);
        final long[] hashes = new long[members.size()];
        final long[] seqs = new long[members.size()];
        await(() ->
        {
            final long applied = members.get(0).service().appliedEngineSeq();
            for (final TestClusterMember member : members)
            {
                if (member.service().appliedEngineSeq() != applied)
                {
                    return false;
                }
            }
            for (int i = 0; i < members.size(); i++)
            {
                hashes[i] = awaitStateHash(members.get(i), deadlineNs);
                seqs[i] = members.get(i).service().stateHashEngineSeq();
            }
            for (int i = 1; i < members.size(); i++)
            {
                if (seqs[i] != seqs[0])
                {
                    return false;
                }
            }
            return true;
        }, deadlineNs, "every member at the same engine seq");
        for (int i = 1; i < members.size(); i++)
        {
            assertEquals(hashes[0], hashes[i], "state hash of member " + members.get(i).memberId() + " at engine seq " +
                seqs[0]);
        }
        return hashes[0];
    }
}
