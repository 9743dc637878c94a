package dev.vigil.app;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.SnapshotRequestEncoder;
import dev.vigil.core.TestFrames;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.status.PublisherLimit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that misbehave at the session and frame-size level, over the real Aeron path: one that vanishes without
 * Disconnect, one that sends admin commands to ingress, frames at and around the size limit.
 */
@Timeout(180)
class HostileClientTest
{
    /**
     * For the tests of freeing a gone client: with Aeron's defaults (10 s image liveness, 5 s linger, timeouts
     * checked every second) they would wait out ~16 s. Short ones cannot time out a healthy client: the engine's
     * one thread runs its driver's sender, receiver and conductor, so a host that stalls it stalls them together.
     */
    private static final Map<String, String> SHORT_DRIVER_TIMEOUTS = Map.of(
        "aeron.image.liveness.timeout", "2s",
        "aeron.publication.linger.timeout", "500ms",
        "aeron.timer.interval", "100ms");

    @TempDir
    Path dataDir;

    private final TestFrames frames = new TestFrames(1 << 21);
    private final List<Long> decided = new ArrayList<>();
    private final ReplyListener listener = new ReplyListener()
    {
        @Override
        public void onDecision(final DecisionDecoder decision)
        {
            decided.add(decision.clientSeq());
        }
    };

    @Test
    void clientThatVanishesWithoutDisconnectIsFreedAndOthersAreUnaffected()
    {
        try (EngineHarness harness = EngineHarness.startWithDriverProperties(dataDir, SHORT_DRIVER_TIMEOUTS);
            VigilClient other = harness.connect(8);
            RawClient vanishing = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            vanishing.connect(9);
            for (int seq = 1; seq <= 50; seq++)
            {
                vanishing.send(frames.buffer(), 0, frames.transaction(9, seq, seq * 1_000_000L, 900 + seq, 1_000));
                sendAndAwaitDecision(other, seq);
            }
            assertTrue(vanishing.awaitReplies(51, 10_000));
            assertEquals(1, vanishing.replySubscription().imageCount());

            // Gone mid-stream, no Disconnect: its publication closes under it.
            vanishing.publication().close();
            for (int seq = 51; seq <= 100; seq++)
            {
                sendAndAwaitDecision(other, seq);
            }
            // The engine freed the session: it closed its reply path to the vanished client.
            assertTrue(EngineHarness.await(() -> vanishing.replySubscription().imageCount() == 0, vanishing::poll,
                20_000), "the engine kept the vanished client's reply publication");
            for (int seq = 101; seq <= 150; seq++)
            {
                sendAndAwaitDecision(other, seq);
            }
            assertEquals(150, decided.size());
            assertEquals(0, harness.engine().counters().get(REPLIES_NOT_DELIVERED).get());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void clientWhoseHostStopsIsFreedAfterAeronsLivenessTimeout() throws InterruptedException
    {
        // The client runs on a media driver of its own, driven by one thread: stopping that thread is the client's
        // host going dark mid-stream, no Disconnect, no end of stream, nothing more on the wire.
        final MediaDriver.Context clientHostContext = new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-test-client-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.INVOKER)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        try (EngineHarness harness = EngineHarness.startWithDriverProperties(dataDir, SHORT_DRIVER_TIMEOUTS);
            VigilClient other = harness.connect(8);
            Aeron observer =
                Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            MediaDriver clientHost = MediaDriver.launch(clientHostContext))
        {
            final ClientHostThread hostThread = new ClientHostThread(clientHost);
            final Aeron clientAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(clientHostContext.aeronDirectoryName())
                .driverTimeoutMs(120_000));
            final RawClient dying = new RawClient(
                clientAeron, harness.ingressChannel(), "aeron:udp?endpoint=localhost:0", 1002);
            try
            {
                dying.connect(9);
                final String replyEndpoint = dying.replySubscription().tryResolveChannelEndpointPort();
                for (int seq = 1; seq <= 20; seq++)
                {
                    dying.send(frames.buffer(), 0, frames.transaction(9, seq, seq * 1_000_000L, 900 + seq, 1_000));
                }
                assertTrue(dying.awaitReplies(21, 10_000));
                assertEquals(1, replyPublicationsTo(observer, replyEndpoint));

                hostThread.stop();
                for (int seq = 1; seq <= 20; seq++)
                {
                    sendAndAwaitDecision(other, seq);
                }
                // Aeron times the silent image out (image liveness, 2 s here); the engine then frees the session and
                // closes its reply publication, whose counters go after its linger (500 ms here).
                assertTrue(EngineHarness.await(() -> replyPublicationsTo(observer, replyEndpoint) == 0,
                    () -> other.poll(listener, 10), 60_000), "the engine kept the dead client's reply publication");
                for (int seq = 21; seq <= 40; seq++)
                {
                    sendAndAwaitDecision(other, seq);
                }
                assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
            }
            finally
            {
                hostThread.start();
                dying.close();
                clientAeron.close();
                hostThread.stop();
            }
        }
    }

    @Test
    void adminCommandsSentToIngressAreRefusedAndDoNothing()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir);
            RawClient client = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            Publication admin = aeron.addPublication("aeron:ipc", 1010))
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
            final int requestLength = MessageHeaderEncoder.ENCODED_LENGTH +
                new SnapshotRequestEncoder().wrapAndApplyHeader(request, 0, new MessageHeaderEncoder()).requestId(1)
                    .encodedLength();

            client.send(request, 0, requestLength);                  // before Connect: nowhere to reply
            client.connect(10);
            client.send(frames.buffer(), 0, frames.transaction(10, 1, 1_000_000L, 5, 1_000));
            client.send(request, 0, requestLength);
            assertTrue(client.awaitReplies(3, 10_000));
            assertEquals("[connected engineSeq=" + EngineHarness.DEFAULT_RULES_RECORDS +
                ", decision APPROVE seq=1, reject NOT_ACCEPTED_HERE seq=0]",
                client.replies().toString());
            assertEquals(2, harness.engine().counters().rejects(RejectReason.NOT_ACCEPTED_HERE).get());
            final String report = harness.engine().snapshotReport();
            assertTrue(report.startsWith("0 snapshot(s)"), report);

            // The same command on the local admin channel is obeyed.
            assertTrue(EngineHarness.await(() -> admin.offer(request, 0, requestLength) > 0, () -> { }, 10_000));
            assertTrue(EngineHarness.await(() -> harness.engine().snapshotReport().startsWith("1 snapshot(s)"),
                () -> { }, 10_000), harness.engine().snapshotReport());
        }
    }

    @Test
    void framesUpToTheLimitAreDecidedAndLargerOnesRefusedWhateverTheirFragments()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "frame.max.length=512");
            RawClient client = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            client.connect(11);
            // A frame may be longer than its block: trailing bytes are allowed, up to the limit.
            frames.transaction(11, 1, 1_000_000L, 5, 1_000);
            client.send(frames.buffer(), 0, 512);
            frames.transaction(11, 2, 2_000_000L, 5, 1_000);
            client.send(frames.buffer(), 0, 513);
            frames.transaction(11, 3, 3_000_000L, 5, 1_000);
            client.send(frames.buffer(), 0, 1 << 20);                 // hundreds of fragments
            frames.transaction(11, 4, 4_000_000L, 5, 1_000);
            client.send(frames.buffer(), 0, 1 << 20);
            client.send(frames.buffer(), 0, frames.transaction(11, 5, 5_000_000L, 5, 1_000));

            assertTrue(client.awaitReplies(6, 20_000), () -> "replies: " + client.replies());
            assertEquals("[connected engineSeq=" + EngineHarness.DEFAULT_RULES_RECORDS +
                ", decision APPROVE seq=1, reject FRAME_TOO_LARGE seq=2, " +
                "reject FRAME_TOO_LARGE seq=3, reject FRAME_TOO_LARGE seq=4, decision APPROVE seq=5]",
                client.replies().toString());
            assertEquals(3, harness.engine().counters().rejects(RejectReason.FRAME_TOO_LARGE).get());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    /**
     * Engine-side publications (reply paths) to a channel, found by their publisher-limit counters in the engine's
     * media driver, which go when the publication closes.
     */
    private static int replyPublicationsTo(final Aeron engineAeron, final String channel)
    {
        // The engine builds the channel itself, to the address the client's Connect came from: match on the port.
        final String endpointPort = channel.substring(channel.lastIndexOf(':'));
        final int[] found = new int[1];
        engineAeron.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == PublisherLimit.PUBLISHER_LIMIT_TYPE_ID && label.endsWith(endpointPort))
            {
                found[0]++;
            }
        });
        return found[0];
    }

    /**
     * Drives a media driver in invoker mode on a thread of its own, until stopped.
     */
    private static final class ClientHostThread
    {
        private final MediaDriver driver;
        private volatile boolean running;
        private Thread thread;

        ClientHostThread(final MediaDriver driver)
        {
            this.driver = driver;
            start();
        }

        void start()
        {
            running = true;
            thread = new Thread(() ->
            {
                while (running)
                {
                    if (driver.sharedAgentInvoker().invoke() == 0)
                    {
                        Thread.yield();
                    }
                }
            }, "client-host-driver");
            thread.start();
        }

        void stop() throws InterruptedException
        {
            running = false;
            thread.join();
        }
    }

    private void sendAndAwaitDecision(final VigilClient client, final long seq)
    {
        assertTrue(EngineHarness.await(() -> client.sendTransaction(
            seq * 1_000_000L, seq, seq, seq, 7, 1_000, "EUR", "DE", PaymentChannel.POS) > 0,
            () -> client.poll(listener, 10), 10_000));
        assertTrue(EngineHarness.await(() -> decided.contains(seq), () -> client.poll(listener, 10), 10_000),
            () -> "no decision for " + seq);
    }
}
