package dev.vigil.app;

import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.core.counters.EngineCounter.FRAMES_FROM_DISALLOWED_SOURCES;
import static dev.vigil.core.counters.EngineCounter.FRAMES_RECEIVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress allow-list over the real Aeron path on loopback: test clients publish from 127.0.0.1, so an engine that
 * allows only 127.0.0.2 must drop and count everything they send, decide nothing and answer nothing; one that allows
 * 127.0.0.1 serves them as usual.
 */
@Timeout(60)
class SourceAllowListTest
{
    private static final long CLIENT_ID = 31;

    @TempDir
    Path dataDir;

    private final TestFrames frames = new TestFrames(8192);

    @Test
    void framesFromSourcesNotAllowedAreDroppedCountedAndNeverDecided()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "ingress.allowed.sources=127.0.0.2/32");
            RawClient client = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            client.sendConnect(CLIENT_ID);
            for (int seq = 1; seq <= 20; seq++)
            {
                client.send(frames.buffer(), 0, frames.transaction(CLIENT_ID, seq, seq * 1_000_000L, 5, 2_000_000));
            }
            // A message over the MTU arrives in fragments: dropped before reassembly, counted once.
            final int length = frames.transaction(CLIENT_ID, 21, 21_000_000L, 5, 100);
            client.send(frames.buffer(), 0, length + 5000);

            final EngineCounters counters = harness.engine().counters();
            assertTrue(EngineHarness.await(() -> counters.get(FRAMES_FROM_DISALLOWED_SOURCES).get() >= 22, client::poll,
                10_000), () -> "dropped: " + counters.get(FRAMES_FROM_DISALLOWED_SOURCES).get());

            // What follows from the same source is dropped as well, so the ones before it were all seen.
            client.send(frames.buffer(), 0, frames.heartbeat(CLIENT_ID, 22, 22_000_000L));
            assertTrue(EngineHarness.await(() -> counters.get(FRAMES_FROM_DISALLOWED_SOURCES).get() >= 23, client::poll,
                10_000));
            assertEquals(23, counters.get(FRAMES_FROM_DISALLOWED_SOURCES).get());
            assertEquals(0, counters.get(FRAMES_RECEIVED).get());
            assertEquals(0, counters.totalRejects());
            for (final Verdict verdict : new Verdict[]{Verdict.APPROVE, Verdict.REVIEW, Verdict.DECLINE})
            {
                assertEquals(0, counters.decisions(verdict).get(), verdict.name());
            }
            client.poll();
            assertEquals(List.of(), client.replies());
            // The engine never opened a reply path to the disallowed client.
            assertEquals(0, client.replySubscription().imageCount());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }

    @Test
    void clientsFromAllowedSourcesAreServed()
    {
        try (EngineHarness harness = EngineHarness.start(dataDir, "ingress.allowed.sources=10.0.0.0/8, 127.0.0.1");
            VigilClient client = harness.connect(CLIENT_ID))
        {
            final List<Long> decided = new ArrayList<>();
            final ReplyListener listener = new ReplyListener()
            {
                @Override
                public void onDecision(final DecisionDecoder decision)
                {
                    decided.add(decision.clientSeq());
                }
            };
            for (int i = 1; i <= 10; i++)
            {
                final long eventTimeNs = i * 1_000_000L;
                assertTrue(EngineHarness.await(() -> client.sendTransaction(
                    eventTimeNs, 1, 5, 51, 7, 1_000, "EUR", "DE", PaymentChannel.POS) > 0,
                    () -> client.poll(listener, 10), 5_000));
            }
            assertTrue(EngineHarness.await(() -> decided.size() >= 10, () -> client.poll(listener, 10), 10_000));
            assertEquals(10, decided.size());
            assertEquals(0, harness.engine().counters().get(FRAMES_FROM_DISALLOWED_SOURCES).get());
        }
    }
}
