package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitLeader;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitStateHash;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static dev.vigil.app.cluster.ClusterTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules stage as a clustered service in a one-member cluster, with a real clustered media driver and a real
 * cluster client on loopback: the same decisions as the single-process rules stage, retries answered once, bad frames
 * refused, and a snapshot that a restarted member loads to the same state.
 */
class VigilClusteredServiceTest
{
    private static final int REQUESTS = 120;
    private static final int RETRIES = 15;
    private static final int HOSTILE_FRAMES = 400;

    private final VigilConfig config = VigilConfig.defaults();
    private final TestFrames frames = new TestFrames();

    @Test
    void decidesAsTheSingleProcessRulesStageAndAnswersRetriesOnce(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(1);
        final ClusterTestSupport.OfflineRules offline = new ClusterTestSupport.OfflineRules(config);
        try (TestClusterMember member = TestClusterMember.start(0, ports, dir, config, true))
        {
            awaitLeader(List.of(member), deadlineAfterSeconds(20));
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
            {
                final List<TestClusterClient.Decided> expected = new ArrayList<>();
                for (long seq = 1; seq <= REQUESTS; seq++)
                {
                    send(client, request(frames, seq));
                    expected.add(offline.apply(frames.buffer(), request(frames, seq)));
                }
                assertTrue(client.awaitDecisions(REQUESTS, deadlineAfterSeconds(20)), () -> "decisions " +
                    client.decisionCount() + " applied " + member.service().appliedEngineSeq() + " frames " +
                    member.service().counters().get(EngineCounter.FRAMES_RECEIVED).get() + " undelivered " +
                    member.service().counters().get(EngineCounter.REPLIES_NOT_DELIVERED).get());
                assertDecisions(expected, client.decisionsBySeq());
                assertTrue(expected.stream().anyMatch(d -> d.verdict() == Verdict.DECLINE), "some declined");
                assertTrue(expected.stream().anyMatch(d -> d.verdict() == Verdict.REVIEW), "some reviewed");

                // Retries: the original decision again, no rule run, no state changed.
                for (long seq = 1; seq <= RETRIES; seq++)
                {
                    send(client, request(frames, seq));
                    assertEquals(expected.get((int)seq - 1), offline.apply(frames.buffer(), request(frames, seq)));
                }
                final long next = REQUESTS + 1;
                send(client, request(frames, next));
                final TestClusterClient.Decided nextExpected = offline.apply(frames.buffer(), request(frames, next));
                assertTrue(client.awaitDecisions(REQUESTS + RETRIES + 1, deadlineAfterSeconds(20)), "retries");
                for (long seq = 1; seq <= RETRIES; seq++)
                {
                    final List<TestClusterClient.Decided> answers = client.decisionsBySeq().get(seq);
                    assertEquals(List.of(expected.get((int)seq - 1), expected.get((int)seq - 1)), answers);
                }
                assertEquals(List.of(nextExpected), client.decisionsBySeq().get(next));

                final EngineCounters counters = member.service().counters();
                assertEquals(REQUESTS + 1, counters.get(EngineCounter.EVENTS_EVALUATED).get());
                assertEquals(RETRIES, counters.get(EngineCounter.RETRIES_ANSWERED).get());
                assertEquals(0, counters.get(EngineCounter.ERRORS).get());
                // Every reply went out; alerts, which have no stream in the cluster yet, count as undelivered. The
                // service counts the last request's alerts after it has sent that request's decision, so wait for it.
                await(() -> counters.get(EngineCounter.ALERTS_RAISED).get() ==
                    counters.get(EngineCounter.REPLIES_NOT_DELIVERED).get(), deadlineAfterSeconds(10),
                    () -> "alerts raised " + counters.get(EngineCounter.ALERTS_RAISED).get() + " undelivered " +
                    counters.get(EngineCounter.REPLIES_NOT_DELIVERED).get());
                assertEquals(offline.engineSeq(), member.service().appliedEngineSeq());
                assertEquals(offline.stateHash(), awaitStateHash(member, deadlineAfterSeconds(10)));
            }
        }
    }

    @Test
    void refusesBadFramesWithRejectsAndCountsThem(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(1);
        try (TestClusterMember member = TestClusterMember.start(0, ports, dir, config, true))
        {
            awaitLeader(List.of(member), deadlineAfterSeconds(20));
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
            {
                send(client, new UnsafeBuffer(new byte[] {1, 2, 3}), 3);
                final long clientId = ClusterTestSupport.CLIENT_ID;
                final long startNs = ClusterTestSupport.START_NS;
                send(client, frames.order(clientId, 1, startNs, 1, 100, 0, Side.BUY, OrderType.LIMIT));
                send(client, frames.connect(clientId, 1001, "aeron:udp?endpoint=localhost:1"));
                send(client, request(frames, 2));
                assertTrue(client.awaitRejects(3, deadlineAfterSeconds(20)), "rejects");
                assertTrue(client.awaitDecisions(1, deadlineAfterSeconds(20)), "the good request's decision");

                assertEquals(List.of(
                    RejectReason.FRAME_TOO_SHORT, RejectReason.INVALID_FIELD, RejectReason.NOT_ACCEPTED_HERE),
                    client.rejects().stream().map(TestClusterClient.Rejected::reason).toList());
                assertEquals(1, client.rejects().get(1).clientSeq());
                final EngineCounters counters = member.service().counters();
                assertEquals(1, counters.rejects(RejectReason.FRAME_TOO_SHORT).get());
                assertEquals(1, counters.rejects(RejectReason.INVALID_FIELD).get());
                assertEquals(1, counters.rejects(RejectReason.NOT_ACCEPTED_HERE).get());
                assertEquals(1, member.service().appliedEngineSeq(), "only the good request took an engine seq");
            }
        }
    }

    @Test
    void hostileFramesNeverStopTheService(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(1);
        final Random random = new Random(17);
        final UnsafeBuffer hostile = new UnsafeBuffer(new byte[1024]);
        try (TestClusterMember member = TestClusterMember.start(0, ports, dir, config, true))
        {
            awaitLeader(List.of(member), deadlineAfterSeconds(20));
            final long good = 1_000_003L;
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports), good))
            {
                for (int i = 0; i < HOSTILE_FRAMES; i++)
                {
                    final int length;
                    if (random.nextBoolean())
                    {
                        // A valid request with a few bits flipped anywhere.
                        length = request(frames, 1 + random.nextInt(50));
                        hostile.putBytes(0, frames.buffer(), 0, length);
                        for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
                        {
                            final int at = random.nextInt(length);
                            hostile.putByte(at, (byte)(hostile.getByte(at) ^ (1 << random.nextInt(8))));
                        }
                    }
                    else
                    {
                        // Random bytes, some longer than the longest frame accepted.
                        length = 1 + random.nextInt(hostile.capacity() - 1);
                        for (int b = 0; b < length; b++)
                        {
                            hostile.putByte(b, (byte)random.nextInt(256));
                        }
                    }
                    send(client, hostile, length);
                    client.poll();
                }
                // From the session's own client id, which no few bit flips of the hostile frames' id reach.
                final long goodSeq = 1_000_000_007L;
                send(client, frames.transaction(good, goodSeq, ClusterTestSupport.START_NS, 1, 100));
                await(() ->
                {
                    client.poll();
                    return client.isDecided(goodSeq);
                }, deadlineAfterSeconds(20), "the good request's decision");

                final EngineCounters counters = member.service().counters();
                assertEquals(HOSTILE_FRAMES + 1, counters.get(EngineCounter.FRAMES_RECEIVED).get());
                assertEquals(0, counters.get(EngineCounter.ERRORS).get());
                assertTrue(counters.totalRejects() > HOSTILE_FRAMES / 2, "most hostile frames refused");
            }
        }
    }

    @Test
    void restartedMemberLoadsItsSnapshotAndReplaysTheLogToTheSameState(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(1);
        final long hashBefore;
        final long snapshotHash;
        final List<TestClusterClient.Decided> firstAnswers = new ArrayList<>();
        try (TestClusterMember member = TestClusterMember.start(0, ports, dir, config, true))
        {
            awaitLeader(List.of(member), deadlineAfterSeconds(20));
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
            {
                sendAndAwait(client, 1, 60);
                assertTrue(member.requestSnapshot(), "snapshot toggle");
                await(() -> member.service().snapshotsTaken() == 1, deadlineAfterSeconds(20), "the snapshot");
                snapshotHash = member.service().lastSnapshotHash();
                sendAndAwait(client, 61, 90);
                firstAnswers.addAll(client.decisionsBySeq().get(5L));
                await(() -> member.service().appliedEngineSeq() == 90, deadlineAfterSeconds(10), "90 applied");
                hashBefore = awaitStateHash(member, deadlineAfterSeconds(10));
            }
        }
        assertNotEquals(snapshotHash, hashBefore, "input after the snapshot changed the state");

        try (TestClusterMember member = TestClusterMember.start(0, ports, dir, config, false))
        {
            final VigilClusteredService service = member.service();
            await(() -> service.appliedEngineSeq() == 90, deadlineAfterSeconds(20), "snapshot and log replayed");
            assertEquals(1, service.snapshotsLoaded());
            assertEquals(snapshotHash, service.loadedSnapshotHash(), "the snapshot loaded as it was taken");
            assertEquals(hashBefore, awaitStateHash(member, deadlineAfterSeconds(10)), "state after log replay");

            awaitLeader(List.of(member), deadlineAfterSeconds(20));
            try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
            {
                send(client, request(frames, 5));
                assertTrue(client.awaitDecisions(1, deadlineAfterSeconds(20)), "retry after restart");
                assertEquals(firstAnswers, client.decisionsBySeq().get(5L), "the retry table survived");
            }
        }
    }

    private void sendAndAwait(final TestClusterClient client, final long fromSeq, final long toSeq)
    {
        final int before = client.decisionCount();
        for (long seq = fromSeq; seq <= toSeq; seq++)
        {
            send(client, request(frames, seq));
        }
        assertTrue(client.awaitDecisions(before + (int)(toSeq - fromSeq + 1), deadlineAfterSeconds(20)));
    }

    private void send(final TestClusterClient client, final int length)
    {
        send(client, frames.buffer(), length);
    }

    private static void send(final TestClusterClient client, final UnsafeBuffer buffer, final int length)
    {
        assertTrue(client.offer(buffer, 0, length, deadlineAfterSeconds(10)), "offer");
    }

    private static void assertDecisions(
        final List<TestClusterClient.Decided> expected, final Map<Long, List<TestClusterClient.Decided>> received)
    {
        for (final TestClusterClient.Decided decision : expected)
        {
            assertEquals(List.of(decision), received.get(decision.clientSeq()), "client seq " + decision.clientSeq());
        }
    }
}
