package dev.vigil.app.cluster;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.client.AlertListener;
import dev.vigil.client.AlertSubscriber;
import dev.vigil.client.HmacCredentials;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.client.VigilClientException;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounter;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitLeader;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link VigilClient} connected to a cluster: it follows a new leader by itself and every request is decided, and
 * heard, exactly once; a session speaks only for the client id it proved, and with a credentials file only a client
 * that knows its key connects.
 */
class ClusterClientTest
{
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final long CLIENT_ID = ClusterTestSupport.CLIENT_ID;
    private static final int TOTAL = 400;
    private static final int CLOSE_LEADER_AFTER = 160;

    private final List<TestClusterMember> members = new ArrayList<>();
    private MediaDriver clientDriver;

    @BeforeEach
    void startClientDriver()
    {
        clientDriver = ClusterClientDriver.launch("vigil-client-test");
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(members);
        CloseHelper.close(clientDriver);
    }

    @Test
    void theClientFollowsANewLeaderAndEveryRequestIsDecidedAndHeardExactlyOnce(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(3);
        for (int id = 0; id < 3; id++)
        {
            members.add(TestClusterMember.start(id, ports, dir.resolve("member-" + id), VigilConfig.defaults(), true));
        }
        final TestClusterMember leader = awaitLeader(members, deadlineAfterSeconds(20));
        final Answers answers = new Answers();
        final Alerts alerts = new Alerts();
        final List<String> alertChannels = TestClusterMember.members(ports).alertSubscriberChannels("localhost");
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(clientDriver.aeronDirectoryName()));
            AlertSubscriber alertSubscriber =
                new AlertSubscriber(aeron, alertChannels, AlertSubscriber.DEFAULT_STREAM_ID);
            VigilClient client = connect(ports, CLIENT_ID, null))
        {
            await(alertSubscriber::isConnected, deadlineAfterSeconds(20), "the leader's alert stream");
            long nextToSend = 1;
            boolean leaderClosed = false;
            final long deadlineNs = deadlineAfterSeconds(60);
            while (answers.decided.size() < TOTAL)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("decided " + answers.decided.size() + " of " + TOTAL + ", leader changes " +
                        client.leaderChanges() + ", unanswered " + client.unansweredRequests());
                }
                if (!leaderClosed && answers.decided.size() >= CLOSE_LEADER_AFTER)
                {
                    members.remove(leader);
                    leader.close();
                    leaderClosed = true;
                }
                // Keep requests in flight: the leader goes away with some not yet decided.
                while (nextToSend <= TOTAL && nextToSend - answers.decided.size() <= 32 && send(client, nextToSend))
                {
                    nextToSend++;
                }
                client.poll(answers, 16);
                alertSubscriber.poll(alerts, 16);
            }
            assertTrue(client.leaderChanges() >= 1, "the client heard of the new leader");
            // Alerts are published once, to whoever listens then: the new leader's stream reaches the subscriber
            // within a second or so of the election. Requests over the amount limit, each ten minutes of event time
            // after the last, so that each also closes a window of the default rules' 10-minute merchant turnover,
            // until an alert and a window result of the new leader's arrive.
            final long[] overLimit = {TOTAL};
            await(() ->
            {
                if (client.unansweredRequests() == 0)
                {
                    overLimit[0]++;
                    client.sendTransaction(
                        ClusterTestSupport.START_NS + (overLimit[0] - TOTAL) * TimeUnit.MINUTES.toNanos(10),
                        overLimit[0], 1, 5, 6, 2_000_000, "EUR", "DE", PaymentChannel.ECOM);
                }
                client.poll(answers, 16);
                alertSubscriber.poll(alerts, 16);
                return alerts.clientSeqs.stream().anyMatch((seq) -> seq > TOTAL) && alerts.windowResults > 0;
            }, deadlineAfterSeconds(20), "an alert and a window result from the new leader");
            await(() -> client.poll(answers, 16) >= 0 && client.unansweredRequests() == 0, deadlineAfterSeconds(20),
                "the answers to the last requests");
            assertTrue(alerts.clientSeqs.contains(17L), "the first leader's alerts");
        }
        for (long seq = 1; seq <= TOTAL; seq++)
        {
            assertEquals(1, answers.heard.get(seq), "answers heard for client seq " + seq);
        }
        final long requests = answers.heard.size();
        for (final TestClusterMember survivor : members)
        {
            await(() -> survivor.service().counters().get(EngineCounter.EVENTS_EVALUATED).get() == requests,
                deadlineAfterSeconds(20), "each request evaluated once on member " + survivor.memberId());
        }
    }

    @Test
    void aSessionSpeaksOnlyForItsClientIdAndAnotherSessionCannotTakeItWithoutCredentials(@TempDir final Path dir)
    {
        final int[] ports = TestClusterMember.freePorts(1);
        members.add(TestClusterMember.start(0, ports, dir, VigilConfig.defaults(), true));
        awaitLeader(members, deadlineAfterSeconds(20));
        final TestFrames frames = new TestFrames();
        try (TestClusterClient session = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports), 8))
        {
            // A frame for client 7 from the session of client 8.
            assertTrue(session.offer(frames.buffer(), 0, ClusterTestSupport.request(frames, 1),
                deadlineAfterSeconds(10)));
            assertTrue(session.awaitRejects(1, deadlineAfterSeconds(20)), "the reject");
            assertEquals(RejectReason.CLIENT_ID_MISMATCH, session.rejects().get(0).reason());

            // Client 8 again, from a second session: the first keeps the id, the newcomer is closed.
            try (TestClusterClient impostor = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports), 8))
            {
                final VigilClusteredService service = members.get(0).service();
                await(() -> service.sessionsClosedForTheirClientId() == 1, deadlineAfterSeconds(20),
                    "the second session of client 8 closed");
                assertTrue(session.offer(frames.buffer(), 0, frames.transaction(8, 1, ClusterTestSupport.START_NS,
                    1, 100), deadlineAfterSeconds(10)));
                assertTrue(session.awaitDecisions(1, deadlineAfterSeconds(20)), "client 8's first session decides");
            }
        }
    }

    @Test
    void withCredentialsOnlyAClientThatKnowsItsKeyConnectsAndItTakesItsSessionOver(@TempDir final Path dir)
        throws IOException
    {
        final Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, CLIENT_ID + " " + KEY + "\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        final VigilConfig config = VigilConfig.defaults().with("auth.credentials.file", credentials.toString());
        final int[] ports = TestClusterMember.freePorts(1);
        members.add(TestClusterMember.start(0, ports, dir.resolve("member"), config, true));
        awaitLeader(members, deadlineAfterSeconds(20));

        final String wrongKey = KEY.replace('0', '1');
        final VigilClientException refused =
            assertThrows(VigilClientException.class, () -> connect(ports, CLIENT_ID, wrongKey));
        assertTrue(refused.getMessage().contains("refused to authenticate client " + CLIENT_ID), refused.getMessage());

        final Answers first = new Answers();
        final Answers second = new Answers();
        try (VigilClient client = connect(ports, CLIENT_ID, KEY))
        {
            assertTrue(send(client, 1));
            await(() -> client.poll(first, 16) >= 0 && first.decided.size() == 1, deadlineAfterSeconds(20),
                "the authenticated client's decision");
            try (VigilClient again = connect(ports, CLIENT_ID, KEY))
            {
                final VigilClusteredService service = members.get(0).service();
                await(() -> service.sessionsClosedForTheirClientId() == 1, deadlineAfterSeconds(20),
                    "the older session closed");
                assertTrue(send(again, 2));
                await(() -> again.poll(second, 16) >= 0 && second.decided.size() == 1, deadlineAfterSeconds(20),
                    "the new session's decision");
            }
        }
    }

    private VigilClient connect(final int[] ports, final long clientId, final String key)
    {
        final VigilClient.Context context = new VigilClient.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .clusterIngressEndpoints(TestClusterMember.ingressEndpoints(ports))
            .clientId(clientId)
            .connectTimeoutNs(10_000_000_000L);
        if (key != null)
        {
            context.credentials(HmacCredentials.ofHex(key));
        }
        return VigilClient.connect(context);
    }

    private static boolean send(final VigilClient client, final long seq)
    {
        final long amount = seq % 17 == 0 ? 2_000_000 : 1_000 + (seq * 7_919) % 400_000;
        return client.sendTransaction(ClusterTestSupport.START_NS + seq * ClusterTestSupport.STEP_NS, seq,
            1 + seq % 4, 5, 6, amount, "EUR", "DE", PaymentChannel.ECOM) > 0;
    }

    /**
     * What the alert stream carried: the client seqs alerted, and how many window results.
     */
    private static final class Alerts implements AlertListener
    {
        final Set<Long> clientSeqs = new HashSet<>();
        int windowResults;

        @Override
        public void onAlert(final AlertDecoder alert)
        {
            clientSeqs.add(alert.clientSeq());
        }

        @Override
        public void onWindowResult(final WindowResultDecoder result)
        {
            windowResults++;
        }
    }

    /**
     * What the listener heard: how often each request was answered, and the requests decided.
     */
    private static final class Answers implements ReplyListener
    {
        final Map<Long, Integer> heard = new HashMap<>();
        final Map<Long, Long> decided = new HashMap<>();

        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            heard.merge(decision.clientSeq(), 1, Integer::sum);
            decided.put(decision.clientSeq(), decision.engineSeq());
        }

        @Override
        public void onReject(final RejectDecoder reject)
        {
            heard.merge(reject.clientSeq(), 1, Integer::sum);
        }
    }
}
