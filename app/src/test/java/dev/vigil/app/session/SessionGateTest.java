package dev.vigil.app.session;

import com.lmax.disruptor.RingBuffer;
import dev.vigil.app.config.AddressRanges;
import dev.vigil.client.HmacCredentials;
import dev.vigil.codecs.ChallengeDecoder;
import dev.vigil.codecs.ChallengeResponseEncoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.ingress.RingIngress;
import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.PublisherLimit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session gate driven by hand on a real media driver: its clock is the test's, so handshake timeouts need no
 * waiting, and the source of each Connect is whatever the test says, so other hosts need no other network.
 */
@Timeout(60)
class SessionGateTest
{
    private static final String LOCAL = "127.0.0.1:50001";
    private static final String REMOTE = "10.1.2.3:50001";
    private static final long TIMEOUT_NS = 1_000_000_000L;
    private static final int CONNECTS_PER_SECOND = 10;
    private static final int STREAM = 2002;
    private static final String KEY = "000102030405060708090a0b0c0d0e0f";

    private final CachedNanoClock clock = new CachedNanoClock();
    private final TestFrames frames = new TestFrames(4096);
    private final OneToOneConcurrentArrayQueue<OpenedReplyPath> openedPaths = new OneToOneConcurrentArrayQueue<>(64);
    private final RingBuffer<RingEvent> ring = RingBuffer.createSingleProducer(() -> new RingEvent(512), 64);
    private MediaDriver driver;
    private Aeron aeron;
    private Subscription replies;
    private String replyChannel;
    private RingIngress ingress;
    private SessionCounters counters;
    private long nextRingSequence;

    @BeforeEach
    void start()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-gate-test-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        replies = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", STREAM);
        assertTrue(await(() -> replies.tryResolveChannelEndpointPort() != null));
        replyChannel = replies.tryResolveChannelEndpointPort();
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(new byte[1024 * 1024]), new UnsafeBuffer(new byte[256 * 1024]));
        final EngineCounters engineCounters =
            new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
        ingress = new RingIngress(ring, clock, engineCounters, 0);
        counters = new SessionCounters(engineCounters);
        ring.addGatingSequences();
    }

    @AfterEach
    void stop()
    {
        CloseHelper.quietCloseAll(aeron, driver);
    }

    @Test
    void aConnectOpensOnceItsReplyChannelConnectsAndEgressGetsThePublication()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(8, 8, 8));
        assertTrue(connect(gate, 1, 7, replyChannel, LOCAL));
        assertEquals(1, gate.pendingCount());
        assertEquals(0, ingress.sessionCount());

        assertTrue(driveUntil(gate, () -> ingress.sessionCount() == 1));
        assertEquals(0, gate.pendingCount());
        final OpenedReplyPath opened = openedPaths.poll();
        assertNotNull(opened);
        assertEquals(1, opened.sessionId());
        assertEquals(7, opened.clientId());
        assertTrue(opened.publication().isConnected());
        assertTrue(opened.publication().channel().startsWith("aeron:udp?endpoint=127.0.0.1:"),
            opened.publication().channel());
        final RingEvent open = nextRingEvent();
        assertEquals(FrameKind.CONNECT, open.kind());
        assertEquals(7, open.clientId());
        assertEquals(1, counters.get(SessionCounter.SESSIONS_OPENED).get());
        opened.publication().close();
    }

    @Test
    void boundsOnSessionsAndHandshakesAreCountedByReason()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(3, 2, 1));
        assertTrue(connect(gate, 1, 1, replyChannelNobodyListensOn(), LOCAL));
        assertTrue(connect(gate, 2, 2, replyChannelNobodyListensOn(), LOCAL));
        assertTrue(connect(gate, 3, 3, replyChannelNobodyListensOn(), "10.9.9.9:1"));
        assertTrue(connect(gate, 4, 4, replyChannelNobodyListensOn(), "10.9.9.10:1"));
        assertTrue(connect(gate, 1, 1, replyChannelNobodyListensOn(), LOCAL));
        assertTrue(connect(gate, 5, 0, replyChannel, LOCAL));

        assertEquals(1, refused(ConnectRefusal.TOO_MANY_PENDING_FROM_SOURCE));
        assertEquals(1, refused(ConnectRefusal.TOO_MANY_PENDING));
        assertEquals(1, refused(ConnectRefusal.HANDSHAKE_IN_PROGRESS));
        assertEquals(1, refused(ConnectRefusal.INVALID_CLIENT_ID));
        assertEquals(2, gate.pendingCount());

        // Nobody listens: both expire, and the bounds have room again.
        gate.doWork();
        clock.advance(TIMEOUT_NS + 1);
        gate.doWork();
        assertEquals(2, refused(ConnectRefusal.HANDSHAKE_TIMEOUT));
        assertEquals(0, gate.pendingCount());
        assertEquals(0, counters.get(SessionCounter.SESSIONS_PENDING).get());
        assertTrue(connect(gate, 6, 6, replyChannel, LOCAL));
        assertTrue(driveUntil(gate, () -> ingress.sessionCount() == 1));
        closeOpenedPaths();
    }

    @Test
    void connectsBeyondThoseHoldingAReplyPublicationWaitTheirTurnHoldingNone()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(64, 32, 32, 2, 2));
        for (int session = 1; session <= 5; session++)
        {
            assertTrue(connect(gate, session, session, replyChannelNobodyListensOn(), LOCAL));
        }
        assertEquals(5, gate.pendingCount());
        assertEquals(5, counters.get(SessionCounter.SESSIONS_PENDING).get());
        assertEquals(3, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertTrue(driveUntil(gate, () -> publicationsInDriver() == 2));

        // A real client half a timeout later waits behind them; when the first five expire, its turn comes.
        clock.advance(TIMEOUT_NS / 2);
        assertTrue(connect(gate, 6, 6, replyChannel, LOCAL));
        assertEquals(4, counters.get(SessionCounter.SESSIONS_WAITING).get());
        gate.doWork();
        assertEquals(2, publicationsInDriver());
        assertEquals(0, ingress.sessionCount());
        clock.advance(TIMEOUT_NS / 2 + 1);
        gate.doWork();
        assertEquals(5, refused(ConnectRefusal.HANDSHAKE_TIMEOUT));
        assertEquals(0, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertTrue(driveUntil(gate, () -> ingress.sessionOf(6) == 6));
        assertEquals(0, gate.pendingCount());
        closeOpenedPaths();
        assertTrue(driveUntil(gate, () -> publicationsInDriver() == 0));
    }

    @Test
    void oneHostHoldsNoMoreReplyPublicationsThanItsShareAndAWaitingOneLeavesWithItsSender()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(64, 32, 32, 3, 2));
        assertTrue(connect(gate, 1, 1, replyChannelNobodyListensOn(), LOCAL));
        assertTrue(connect(gate, 2, 2, replyChannelNobodyListensOn(), LOCAL));
        assertTrue(connect(gate, 3, 3, replyChannelNobodyListensOn(), LOCAL));
        // Another host takes the free place that the older Connect from this one may not have; then none is left.
        assertTrue(connect(gate, 5, 5, replyChannelNobodyListensOn(), "127.0.0.2:1"));
        assertTrue(connect(gate, 6, 6, replyChannelNobodyListensOn(), "127.0.0.3:1"));
        assertTrue(connect(gate, 4, 4, replyChannelNobodyListensOn(), LOCAL));
        assertEquals(3, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertTrue(gate.isWaiting(3) && gate.isWaiting(6) && gate.isWaiting(4));
        gate.doWork();
        assertTrue(driveUntil(gate, () -> publicationsInDriver() == 3));

        // A waiting one whose sender goes leaves the line.
        gate.onSessionClosed(4);
        assertEquals(2, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertEquals(5, gate.pendingCount());

        // A place frees: the oldest waiting Connect's host holds its share, so the next one in line takes it.
        gate.onSessionClosed(5);
        gate.doWork();
        assertEquals(1, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertTrue(gate.isWaiting(3));
        assertFalse(gate.isWaiting(6));

        // One of its host's places frees: now it is its turn.
        gate.onSessionClosed(1);
        gate.doWork();
        assertEquals(0, counters.get(SessionCounter.SESSIONS_WAITING).get());
        assertFalse(gate.isWaiting(3));
        assertEquals(3, gate.pendingCount());
        gate.close();
        assertEquals(0, counters.get(SessionCounter.SESSIONS_PENDING).get());
        assertTrue(driveUntil(gate, () -> publicationsInDriver() == 0));
    }

    @Test
    void aSenderFloodingConnectsIsRefusedBeforeTheyAreParsed()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(8, 8, 8));
        for (int i = 0; i < 25; i++)
        {
            // A channel that would be refused if parsed: only the first ten get that far.
            assertTrue(connect(gate, 1, 7, "not a channel", LOCAL));
        }
        assertEquals(10, refused(ConnectRefusal.BAD_REPLY_CHANNEL));
        assertEquals(15, refused(ConnectRefusal.TOO_MANY_CONNECTS));
        // Another sender has its own allowance, and the flooding one gets a new one a second later.
        assertTrue(connect(gate, 2, 8, "not a channel", LOCAL));
        assertEquals(11, refused(ConnectRefusal.BAD_REPLY_CHANNEL));
        clock.advance(1_000_000_000L);
        assertTrue(connect(gate, 1, 7, "not a channel", LOCAL));
        assertEquals(12, refused(ConnectRefusal.BAD_REPLY_CHANNEL));
        assertEquals(15, refused(ConnectRefusal.TOO_MANY_CONNECTS));
    }

    @Test
    void noMoreSessionsThanTheBoundOpenOrConnect()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(1, 8, 8));
        assertTrue(connect(gate, 1, 7, replyChannel, LOCAL));
        assertTrue(driveUntil(gate, () -> ingress.sessionCount() == 1));

        assertTrue(connect(gate, 2, 8, replyChannel, LOCAL));
        assertEquals(1, refused(ConnectRefusal.TOO_MANY_SESSIONS));
        // The open session's own client may still reconnect on it.
        assertTrue(connect(gate, 1, 7, replyChannel, LOCAL));
        assertEquals(1, gate.pendingCount());
        closeOpenedPaths();
    }

    @Test
    void withoutAuthenticationAClientIdIsNotTakenOverFromAnotherHost()
    {
        final SessionGate gate = gate(AllowAllAuthenticator.INSTANCE, limits(8, 8, 8));
        assertTrue(connect(gate, 1, 7, replyChannel, LOCAL));
        assertTrue(driveUntil(gate, () -> ingress.sessionCount() == 1));

        assertTrue(connect(gate, 2, 7, replyChannel, REMOTE));
        assertEquals(1, refused(ConnectRefusal.CLIENT_ID_IN_USE));
        assertEquals(0, gate.pendingCount());
        assertEquals(1, ingress.sessionOf(7));

        // A session open for one client cannot reconnect as another.
        assertTrue(connect(gate, 1, 8, replyChannel, LOCAL));
        assertEquals(1, refused(ConnectRefusal.CLIENT_ID_MISMATCH));

        // The same host may take it over, e.g. a restarted client.
        assertTrue(connect(gate, 3, 7, replyChannel, LOCAL));
        assertTrue(driveUntil(gate, () -> ingress.sessionOf(7) == 3));
        closeOpenedPaths();
    }

    @Test
    void hmacChallengeProvesTheClientAndAWrongAnswerIsRefusedAndAnswered() throws Exception
    {
        final Path file = Files.createTempFile("credentials", "");
        try
        {
            Files.writeString(file, "7 " + KEY + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            final HmacAuthenticator authenticator =
                new HmacAuthenticator(CredentialsFile.load("auth.credentials.file", file), new SecureRandom());
            final SessionGate gate = gate(authenticator, limits(8, 8, 8));
            final List<String> received = new ArrayList<>();
            final byte[][] nonce = new byte[1][];

            assertTrue(connect(gate, 1, 7, replyChannel, LOCAL));
            assertTrue(driveUntil(gate, () -> pollReplies(received, nonce) && nonce[0] != null));
            assertEquals(HmacAuthenticator.CHALLENGE_LENGTH, nonce[0].length);
            assertEquals(0, ingress.sessionCount());

            // An answer for another id fails, whatever it holds.
            answer(gate, 1, 8, HmacCredentials.ofHex(KEY).onChallenge(7, nonce[0]));
            assertTrue(driveUntil(gate, () -> pollReplies(received, nonce) &&
                received.contains("reject AUTHENTICATION_FAILED")));
            assertEquals(1, refused(ConnectRefusal.AUTHENTICATION_FAILED));
            assertEquals(0, authenticator.outstandingChallenges());

            // Again, with the right answer: a fresh nonce, and the session opens.
            final byte[] firstNonce = nonce[0];
            nonce[0] = null;
            assertTrue(connect(gate, 2, 7, replyChannel, LOCAL));
            assertTrue(driveUntil(gate, () -> pollReplies(received, nonce) && nonce[0] != null));
            assertFalse(Arrays.equals(firstNonce, nonce[0]));
            answer(gate, 2, 7, HmacCredentials.ofHex(KEY).onChallenge(7, nonce[0]));
            assertTrue(driveUntil(gate, () -> ingress.sessionOf(7) == 2));
            assertEquals(0, authenticator.outstandingChallenges());

            // A response nobody asked for.
            answer(gate, 3, 7, new byte[32]);
            assertEquals(1, refused(ConnectRefusal.UNEXPECTED_CHALLENGE_RESPONSE));
            closeOpenedPaths();
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void policyBuildsTheChannelFromTheSourceAndRefusesWhatItDoesNotAllow()
    {
        final ReplyChannelPolicy policy = new ReplyChannelPolicy(
            AddressRanges.parse("192.168.7.0/24"), 1 << 24, Set.of(40123, 40124), Set.of(1010),
            List.of(new byte[] {10, 0, 0, 5}));

        assertEquals("aeron:udp?endpoint=10.1.2.3:5555",
            policy.replyChannel("aeron:udp?endpoint=client.example:5555", 1, REMOTE).channel());
        assertEquals("aeron:udp?endpoint=192.168.7.9:5555|term-length=65536|mtu=8192",
            policy.replyChannel("aeron:udp?endpoint=192.168.7.9:5555|term-length=64k|mtu=8k", 1, REMOTE).channel());
        assertEquals("aeron:ipc?term-length=1048576",
            policy.replyChannel("aeron:ipc?term-length=1m", 5, LOCAL).channel());
        assertEquals("aeron:udp?endpoint=[0:0:0:0:0:0:0:1]:5555",
            policy.replyChannel("aeron:udp?endpoint=localhost:5555", 1, "[::1]:40000").channel());

        assertRefused(policy, "aeron:udp?endpoint=10.1.2.4:5555", REMOTE, ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:udp?endpoint=239.1.1.1:5555", REMOTE, ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:ipc", REMOTE, ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:udp?endpoint=x:1|term-length=32m", REMOTE,
            ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:udp?endpoint=x:1|term-length=100000", REMOTE,
            ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:udp?endpoint=x:1|interface=10.0.0.1", REMOTE,
            ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED);
        assertRefused(policy, "aeron:udp?endpoint=localhost:40123", LOCAL, ConnectRefusal.REPLY_CHANNEL_RESERVED);
        assertRefused(policy, "aeron:udp?endpoint=x:40124", "10.0.0.5:7", ConnectRefusal.REPLY_CHANNEL_RESERVED);
        assertRefused(policy, "aeron:ipc", "aeron:ipc", ConnectRefusal.REPLY_CHANNEL_RESERVED);
        assertRefused(policy, "aeron:udp?endpoint=x:70000", REMOTE, ConnectRefusal.BAD_REPLY_CHANNEL);
        assertRefused(policy, "aeron:udp?endpoint=x", REMOTE, ConnectRefusal.BAD_REPLY_CHANNEL);
        assertRefused(policy, "udp://x:1", REMOTE, ConnectRefusal.BAD_REPLY_CHANNEL);
        // Another host's port 40123 is that host's business.
        assertEquals("aeron:udp?endpoint=10.1.2.3:40123",
            policy.replyChannel("aeron:udp?endpoint=x:40123", 1, REMOTE).channel());
    }

    private static void assertRefused(
        final ReplyChannelPolicy policy, final String channel, final String source, final ConnectRefusal refusal)
    {
        final int stream = channel.startsWith("aeron:ipc") ? 1010 : 1;
        final ReplyChannelPolicy.Result result = policy.replyChannel(channel, stream, source);
        assertFalse(result.isAllowed(), () -> channel + " allowed as " + result.channel());
        assertEquals(refusal, result.refusal(), () -> channel + ": " + result.detail());
    }

    private SessionGate gate(final Authenticator authenticator, final SessionGate.Limits limits)
    {
        final ReplyChannelPolicy policy = new ReplyChannelPolicy(
            AddressRanges.parse(""), 1 << 24, Set.of(), Set.of(), List.of());
        return new SessionGate(aeron, ingress, policy, authenticator, limits, clock, counters, openedPaths, 512);
    }

    private static SessionGate.Limits limits(final int sessions, final int pending, final int perSource)
    {
        return limits(sessions, pending, perSource, pending, perSource);
    }

    private static SessionGate.Limits limits(
        final int sessions, final int pending, final int perSource, final int connecting, final int connectingPerSource)
    {
        // Looked at on every call: the test's clock only moves when the test moves it.
        return new SessionGate.Limits(sessions, pending, perSource, connecting, connectingPerSource, TIMEOUT_NS,
            CONNECTS_PER_SECOND, 0);
    }

    /**
     * @return publications the media driver holds, counted by their publisher-limit counters.
     */
    private int publicationsInDriver()
    {
        final int[] count = {0};
        aeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == PublisherLimit.PUBLISHER_LIMIT_TYPE_ID)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    private boolean connect(
        final SessionGate gate, final int sessionId, final long clientId, final String channel, final String source)
    {
        final int length = frames.connect(clientId, STREAM, channel);
        return gate.onFrame(frames.buffer(), 0, length, sessionId, source);
    }

    private void answer(final SessionGate gate, final int sessionId, final long clientId, final byte[] response)
    {
        final ChallengeResponseEncoder encoder = new ChallengeResponseEncoder()
            .wrapAndApplyHeader(frames.buffer(), 0, new MessageHeaderEncoder())
            .clientId(clientId)
            .putResponse(response, 0, response.length);
        assertTrue(gate.onFrame(frames.buffer(), 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(),
            sessionId, LOCAL));
    }

    private boolean pollReplies(final List<String> received, final byte[][] nonce)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        replies.poll((buffer, offset, length, h) ->
        {
            header.wrap(buffer, offset);
            switch (header.templateId())
            {
                case ChallengeDecoder.TEMPLATE_ID:
                {
                    final ChallengeDecoder challenge =
                        new ChallengeDecoder().wrapAndApplyHeader(buffer, offset, header);
                    nonce[0] = new byte[challenge.challengeLength()];
                    challenge.getChallenge(nonce[0], 0, nonce[0].length);
                    received.add("challenge");
                    break;
                }
                case RejectDecoder.TEMPLATE_ID:
                    received.add("reject " + new RejectDecoder().wrapAndApplyHeader(buffer, offset, header).reason());
                    break;
                case ConnectedDecoder.TEMPLATE_ID:
                    received.add("connected");
                    break;
                default:
                    received.add("template " + header.templateId());
            }
        }, 10);
        return true;
    }

    private boolean driveUntil(final SessionGate gate, final BooleanSupplier condition)
    {
        return await(() ->
        {
            gate.doWork();
            return condition.getAsBoolean();
        });
    }

    private static boolean await(final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    private RingEvent nextRingEvent()
    {
        assertTrue(ring.getCursor() >= nextRingSequence);
        return ring.get(nextRingSequence++);
    }

    private long refused(final ConnectRefusal refusal)
    {
        return counters.refused(refusal).get();
    }

    private void closeOpenedPaths()
    {
        OpenedReplyPath opened;
        while ((opened = openedPaths.poll()) != null)
        {
            opened.publication().close();
        }
    }

    private static String replyChannelNobodyListensOn()
    {
        // A host name: the reply goes to the Connect's source at this port, where nothing listens.
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return "aeron:udp?endpoint=localhost:" + socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
