package dev.vigil.app;

import dev.vigil.app.session.ConnectRefusal;
import dev.vigil.client.HmacCredentials;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.client.VigilClientException;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.CounterMetric;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.status.PublisherLimit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may connect as whom, and where replies may go, over the real Aeron path: authentication by HMAC challenge,
 * attempts to take over a client's session, replies forged into another client's channel, hostile reply channels.
 */
@Timeout(180)
class SessionSecurityTest
{
    private static final long VICTIM = 7;
    private static final long OTHER = 8;
    private static final String VICTIM_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String OTHER_KEY = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
    private static final String WRONG_KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dataDir;

    private final TestFrames frames = new TestFrames(8192);
    private final List<String> decided = new ArrayList<>();
    private final ReplyListener listener = new ReplyListener()
    {
        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            decided.add(decision.clientId() + ":" + decision.clientSeq());
        }

        @Override
        public void onReject(final RejectDecoder reject)
        {
            decided.add(reject.clientId() + ":" + reject.clientSeq() + " " + reject.reason());
        }
    };

    @Test
    void clientsWithTheirKeyConnectAndOthersAreRefusedWithAReason() throws IOException
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, credentials()))
        {
            try (VigilClient victim = VigilClient.connect(harness.clientContext(VICTIM)
                .credentials(HmacCredentials.ofHex(VICTIM_KEY))))
            {
                sendAndAwait(victim, 1);
                assertEquals(List.of("7:1"), decided);
            }

            final VigilClientException wrongKey = assertThrows(VigilClientException.class,
                () -> VigilClient.connect(harness.clientContext(VICTIM).credentials(HmacCredentials.ofHex(WRONG_KEY))));
            assertTrue(wrongKey.getMessage().contains("refused to authenticate client 7"), wrongKey.getMessage());
            // An id the file does not know fails the same way, and so does a client with no key at all.
            assertThrows(VigilClientException.class,
                () -> VigilClient.connect(harness.clientContext(99).credentials(HmacCredentials.ofHex(VICTIM_KEY))));
            assertThrows(VigilClientException.class, () -> VigilClient.connect(harness.clientContext(OTHER)));

            assertEquals(3, refused(harness, ConnectRefusal.AUTHENTICATION_FAILED));
            assertEquals(1, sessionsOpened(harness));
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void aPeerWithoutTheKeyCannotTakeOverAConnectedClient() throws IOException
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, credentials());
            VigilClient victim = VigilClient.connect(harness.clientContext(VICTIM)
                .credentials(HmacCredentials.ofHex(VICTIM_KEY)));
            RawClient attacker = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            for (long seq = 1; seq <= 3; seq++)
            {
                sendAndAwait(victim, seq);
            }

            // The attacker claims the victim's id: challenged, it cannot answer, and is told so.
            final RawClient.Reply outcome = attacker.connect(VICTIM, HmacCredentials.ofHex(WRONG_KEY));
            assertEquals("reject AUTHENTICATION_FAILED seq=0", outcome.toString());
            // Replaying the victim's sequences gets nothing back: it has no session, so no decision leaks.
            for (long seq = 1; seq <= 5; seq++)
            {
                attacker.send(frames.buffer(), 0, frames.transaction(VICTIM, seq, seq * 1_000_000L, 5, 1_000));
            }
            final EngineCounters counters = harness.engine().counters();
            assertTrue(EngineHarness.await(() -> counters.rejects(RejectReason.NOT_CONNECTED).get() >= 5,
                attacker::poll, 10_000));
            assertEquals(2, attacker.replies().size(), () -> "attacker got " + attacker.replies());

            // The victim's session was never touched.
            for (long seq = 4; seq <= 6; seq++)
            {
                sendAndAwait(victim, seq);
            }
            assertEquals(List.of("7:1", "7:2", "7:3", "7:4", "7:5", "7:6"), decided);
            assertEquals(1, refused(harness, ConnectRefusal.AUTHENTICATION_FAILED));

            // The victim itself, reconnecting with its key, takes its session over.
            try (VigilClient again = VigilClient.connect(harness.clientContext(VICTIM)
                .credentials(HmacCredentials.ofHex(VICTIM_KEY)).firstClientSeq(7)))
            {
                sendAndAwait(again, 7);
            }
            assertEquals(2, sessionsOpened(harness));
        }
    }

    @Test
    void withoutAuthenticationAReconnectFromTheSameHostTakesOver()
    {
        // From another host it would be refused (SessionGateTest): on loopback every peer is the same host.
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient victim = harness.connect(VICTIM);
            RawClient sameHost = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            sendAndAwait(victim, 1);

            sameHost.connect(VICTIM);
            sameHost.send(frames.buffer(), 0, frames.transaction(VICTIM, 2, 2_000_000L, 5, 1_000));
            assertTrue(sameHost.awaitReplies(2, 10_000), () -> "replies " + sameHost.replies());
            assertEquals("decision APPROVE seq=2", sameHost.replies().get(1).toString());
            assertEquals(2, sessionsOpened(harness));
        }
    }

    @Test
    void repliesForgedIntoAClientsChannelAreDroppedAndCounted()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient victim = harness.connect(VICTIM);
            RawClient forger = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            sendAndAwait(victim, 1);
            final String victimReplies = victimReplyChannel(harness, victim);

            // The forger connects as itself but names the victim's reply channel: the engine's replies to it, its
            // Connected and its decisions, land in the victim's subscription, from another publication.
            forger.sendConnect(OTHER, victimReplies, 1002);
            assertTrue(EngineHarness.await(() -> sessionsOpened(harness) == 2, () -> victim.poll(listener, 10),
                10_000));
            for (long seq = 1; seq <= 5; seq++)
            {
                forger.send(frames.buffer(), 0, frames.transaction(OTHER, seq, seq * 1_000_000L, 5, 1_000));
            }
            assertTrue(EngineHarness.await(() -> victim.foreignReplies() >= 6, () -> victim.poll(listener, 10),
                10_000), () -> "foreign replies: " + victim.foreignReplies());

            sendAndAwait(victim, 2);
            assertEquals(List.of("7:1", "7:2"), decided);
            assertEquals(6, victim.foreignReplies());
        }
    }

    @Test
    void hostileReplyChannelsAreRefusedByReasonAndCreateNothing()
    {
        // Twelve Connects from one sender: more than the default ten a second.
        try (EngineHarness harness = EngineHarness.start(dataDir, "sessions.connects.per.second=100");
            RawClient hostile = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002);
            Aeron observer =
                Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName())))
        {
            final int port = EngineHarness.freeUdpPort();
            final int publicationsBefore = publications(observer);
            final String[][] cases = {
                {"aeron:udp?endpoint=localhost:" + port + "|term-length=1g", "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron:udp?endpoint=localhost:" + port + "|mtu=70000", "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron:udp?endpoint=224.0.1.1:" + port, "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron:udp?endpoint=10.255.255.1:" + port, "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron:udp?endpoint=localhost:" + port + "|control-mode=dynamic", "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron-spy:aeron:udp?endpoint=localhost:" + port, "REPLY_CHANNEL_NOT_ALLOWED"},
                {"aeron:udp?endpoint=localhost:" + harness.ingressPort(), "REPLY_CHANNEL_RESERVED"},
                {"aeron:ipc", "REPLY_CHANNEL_RESERVED"},
                {"this is not a channel", "BAD_REPLY_CHANNEL"},
                {"aeron:udp?endpoint=localhost:0", "BAD_REPLY_CHANNEL"},
                {"aeron:udp?control=localhost:" + port, "REPLY_CHANNEL_NOT_ALLOWED"},
            };
            for (final String[] hostileCase : cases)
            {
                // The admin channel's IPC stream for the IPC case; any stream for the rest.
                hostile.sendConnect(12, hostileCase[0], hostileCase[0].equals("aeron:ipc") ? 1010 : 1002);
            }
            assertTrue(EngineHarness.await(() -> refusedInAll(harness) == cases.length, hostile::poll, 10_000),
                () -> "refused: " + refusedInAll(harness));
            final List<String> expected = new ArrayList<>();
            final List<String> actual = new ArrayList<>();
            for (final ConnectRefusal refusal : ConnectRefusal.values())
            {
                long count = 0;
                for (final String[] hostileCase : cases)
                {
                    count += hostileCase[1].equals(refusal.name()) ? 1 : 0;
                }
                expected.add(refusal + "=" + count);
                actual.add(refusal + "=" + refused(harness, refusal));
            }
            assertEquals(expected, actual);
            assertEquals(List.of(), hostile.replies());
            // Nothing was added for them: the driver holds the same publications as before.
            assertEquals(publicationsBefore, publications(observer));

            // The same peer, naming its own channel, is served.
            hostile.connect(12);
            hostile.send(frames.buffer(), 0, frames.transaction(12, 1, 1_000_000L, 5, 1_000));
            assertTrue(hostile.awaitReplies(2, 10_000), () -> "replies: " + hostile.replies());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void aConnectedClientIsServedWhileHundredsOfBogusHandshakesWaitAndANewOneGetsItsTurnWhenTheyGo()
        throws Exception
    {
        final int bogus = 200;
        final int connectingPerSource = 4;
        final List<ExclusivePublication> storm = new ArrayList<>();
        try (EngineHarness harness = EngineHarness.start(dataDir, "sessions.pending.per.source=300",
            "sessions.pending.max=300", "session.handshake.timeout=60s",
            "sessions.connecting.per.source=" + connectingPerSource);
            VigilClient client = harness.connect(VICTIM);
            Aeron stormer =
                Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName())))
        {
            sendAndAwait(client, 1);
            for (int i = 0; i < bogus; i++)
            {
                storm.add(stormer.addExclusivePublication(harness.ingressChannel() + "|term-length=64k", 1001));
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            for (int i = 0; i < bogus; i++)
            {
                final ExclusivePublication publication = storm.get(i);
                final int length = frames.connect(
                    1000 + i, 1002, "aeron:udp?endpoint=localhost:" + EngineHarness.freeUdpPort());
                buffer.putBytes(0, frames.buffer(), 0, length);
                assertTrue(EngineHarness.await(() -> publication.offer(buffer, 0, length) > 0, () -> { }, 10_000));
            }
            assertTrue(EngineHarness.await(() -> pending(harness) == bogus, () -> { }, 20_000),
                () -> "pending " + pending(harness));
            // All from one host: it holds its share of reply publications, the rest wait holding none.
            assertEquals(bogus - connectingPerSource, metric(harness, "vigil_sessions_waiting", null));

            for (long seq = 2; seq <= 20; seq++)
            {
                sendAndAwait(client, seq);
            }
            assertEquals(bogus, pending(harness));
            assertEquals(1, sessionsOpened(harness));

            // A new client from the same host waits its turn behind them; their senders gone, their handshakes go
            // with them, long before their timeout, and its turn comes.
            final CompletableFuture<VigilClient> other = CompletableFuture.supplyAsync(() -> VigilClient.connect(
                harness.clientContext(OTHER).connectTimeoutNs(TimeUnit.SECONDS.toNanos(30))));
            assertTrue(EngineHarness.await(() -> pending(harness) == bogus + 1, () -> { }, 10_000),
                () -> "pending " + pending(harness));
            assertEquals(bogus + 1 - connectingPerSource, metric(harness, "vigil_sessions_waiting", null));
            CloseHelper.quietCloseAll(storm);
            try (VigilClient connected = other.get(30, TimeUnit.SECONDS))
            {
                sendAndAwait(connected, 1);
            }
            assertEquals(0, pending(harness));
            assertEquals(0, metric(harness, "vigil_sessions_waiting", null));
            assertEquals(2, sessionsOpened(harness));
            assertEquals(0, refused(harness, ConnectRefusal.HANDSHAKE_TIMEOUT));
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
        finally
        {
            CloseHelper.quietCloseAll(storm);
        }
    }

    private String[] credentials() throws IOException
    {
        final Path file = dataDir.resolve("credentials");
        Files.writeString(file, "# client  key\n" + VICTIM + " " + VICTIM_KEY + "\n" + OTHER + " " + OTHER_KEY + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new String[] {"auth.credentials.file=" + file};
    }

    private void sendAndAwait(final VigilClient client, final long seq)
    {
        final int before = decided.size();
        final long sent = client.sendTransaction(
            seq * 1_000_000L, seq, 100 + seq, 200, 300, 1_000, "EUR", "DE", PaymentChannel.ECOM);
        assertEquals(seq, sent);
        assertTrue(EngineHarness.await(() -> decided.size() > before, () -> client.poll(listener, 10), 10_000),
            () -> "no reply to " + client.clientId() + ":" + seq);
    }

    private static String victimReplyChannel(final EngineHarness harness, final VigilClient victim)
    {
        // The engine's reply publication to the victim names the address and port the victim listens on.
        try (Aeron observer =
            Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName())))
        {
            final String[] channel = new String[1];
            observer.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == PublisherLimit.PUBLISHER_LIMIT_TYPE_ID && label.contains("endpoint=127.0.0.1:"))
                {
                    channel[0] = label.substring(label.indexOf("aeron:udp"));
                }
            });
            assertTrue(channel[0] != null, "no reply publication found for client " + victim.clientId());
            return channel[0];
        }
    }

    private static int publications(final Aeron observer)
    {
        final int[] found = new int[1];
        observer.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == PublisherLimit.PUBLISHER_LIMIT_TYPE_ID)
            {
                found[0]++;
            }
        });
        return found[0];
    }

    static long refused(final EngineHarness harness, final ConnectRefusal refusal)
    {
        return metric(harness, "vigil_connects_refused_total", refusal.label());
    }

    static long pending(final EngineHarness harness)
    {
        return metric(harness, "vigil_sessions_pending", null);
    }

    static long sessionsOpened(final EngineHarness harness)
    {
        return metric(harness, "vigil_sessions_opened_total", null);
    }

    private static long refusedInAll(final EngineHarness harness)
    {
        long total = 0;
        for (final ConnectRefusal refusal : ConnectRefusal.values())
        {
            total += refused(harness, refusal);
        }
        return total;
    }

    static long metric(final EngineHarness harness, final String family, final String labelValue)
    {
        for (final CounterMetric metric : harness.engine().counters().metrics())
        {
            if (metric.family().equals(family) &&
                (labelValue == null || labelValue.equals(metric.labelValue())))
            {
                return metric.value();
            }
        }
        throw new AssertionError("no metric " + family + " " + labelValue);
    }
}
