package dev.vigil.app;

import dev.vigil.app.demo.DemoTraffic;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static dev.vigil.core.counters.EngineCounter.FRAMES_RECEIVED;
import static dev.vigil.core.counters.EngineCounter.RETRIES_ANSWERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the engine through the real Aeron path: a client sends mutated and random frames, interleaved with a valid
 * client's stream. The engine must survive, answer each hostile frame once, count every reject by its reason (the
 * expected one wherever the mutation determines it), and decide every valid message exactly as a run without the
 * garbage does. Bounded in count; the seed is fixed ({@code -Dvigil.fuzz.seed=N} picks another) and named in every
 * failure.
 */
@Timeout(180)
class HostileInputFuzzTest
{
    private static final long SEED = Long.getLong("vigil.fuzz.seed", 20_261_125L);
    private static final int VALID_MESSAGES = 2_000;
    private static final int MAX_GARBAGE_PER_VALID = 3;
    private static final long VALID_CLIENT_ID = 65;
    private static final long FUZZ_CLIENT_ID = 66;
    private static final int MAX_FRAME_LENGTH = 512;

    @TempDir
    Path cleanDir;

    @TempDir
    Path fuzzedDir;

    @Test
    void garbageIsRefusedCountedByReasonAndChangesNoValidDecision()
    {
        final Map<Long, String> clean = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(cleanDir);
            VigilClient client = harness.connect(VALID_CLIENT_ID))
        {
            sendValidStream(client, clean, () -> { });
        }

        final Map<Long, String> fuzzed = new TreeMap<>();
        final List<FrameFuzzer.Kind> sentKinds = new ArrayList<>();
        try (EngineHarness harness = EngineHarness.start(fuzzedDir);
            VigilClient client = harness.connect(VALID_CLIENT_ID);
            RawClient fuzzClient = new RawClient(harness.engine().aeronDirectoryName(), harness.ingressChannel(),
                "aeron:udp?endpoint=localhost:0", 1002))
        {
            fuzzClient.connect(FUZZ_CLIENT_ID);
            final FrameFuzzer fuzzer = new FrameFuzzer(SEED, FUZZ_CLIENT_ID, MAX_FRAME_LENGTH);
            final SplittableRandom interleave = new SplittableRandom(SEED);
            sendValidStream(client, fuzzed, () ->
            {
                for (int i = interleave.nextInt(MAX_GARBAGE_PER_VALID + 1); i > 0; i--)
                {
                    final int length = fuzzer.next();
                    fuzzClient.send(fuzzer.buffer(), 0, length);
                    sentKinds.add(fuzzer.kind());
                }
            });

            final int garbage = sentKinds.size();
            assertTrue(fuzzClient.awaitReplies(1 + garbage, 30_000),
                () -> "seed " + SEED + ": " + (fuzzClient.replies().size() - 1) + " replies to " + garbage + " frames");
            checkEachHostileFrameAnsweredOnce(sentKinds, fuzzClient.replies());
            checkCounters(harness.engine().counters(), fuzzClient.replies(), garbage);
            assertTrue(harness.errors().isEmpty(), () -> "seed " + SEED + ": engine errors " + harness.errors());
        }

        assertEquals(VALID_MESSAGES, clean.size());
        assertEquals(clean, fuzzed, "seed " + SEED + ": valid decisions differ with garbage interleaved");
    }

    private static void checkEachHostileFrameAnsweredOnce(
        final List<FrameFuzzer.Kind> sentKinds, final List<RawClient.Reply> replies)
    {
        assertEquals(1 + sentKinds.size(), replies.size(), "seed " + SEED + ": one reply per frame");
        final Map<FrameFuzzer.Kind, Integer> checkedByKind = new EnumMap<>(FrameFuzzer.Kind.class);
        for (int i = 0; i < sentKinds.size(); i++)
        {
            final FrameFuzzer.Kind kind = sentKinds.get(i);
            final RawClient.Reply reply = replies.get(i + 1);
            final int frame = i;
            if (kind.expected() != null)
            {
                assertEquals("reject " + kind.expected().name(), reply.kind() + " " + reply.reason(),
                    () -> "seed " + SEED + ": hostile frame " + frame + " (" + kind + ")");
            }
            else
            {
                assertTrue("reject".equals(reply.kind()) || "decision".equals(reply.kind()),
                    () -> "seed " + SEED + ": hostile frame " + frame + " (" + kind + ") got " + reply);
            }
            checkedByKind.merge(kind, 1, Integer::sum);
        }
        // Every kind of mutation was exercised.
        assertEquals(FrameFuzzer.Kind.values().length, checkedByKind.size(),
            () -> "seed " + SEED + ": " + checkedByKind);
    }

    private static void checkCounters(
        final EngineCounters counters, final List<RawClient.Reply> fuzzReplies, final int garbage)
    {
        final Map<RejectReason, Long> rejectsReplied = new EnumMap<>(RejectReason.class);
        long fuzzDecisions = 0;
        for (final RawClient.Reply reply : fuzzReplies)
        {
            if ("reject".equals(reply.kind()))
            {
                rejectsReplied.merge(RejectReason.valueOf(reply.reason()), 1L, Long::sum);
            }
            fuzzDecisions += "decision".equals(reply.kind()) ? 1 : 0;
        }
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                assertEquals(rejectsReplied.getOrDefault(reason, 0L), counters.rejects(reason).get(),
                    () -> "seed " + SEED + ": rejects counted for " + reason);
            }
        }
        assertEquals(2 + VALID_MESSAGES + garbage, counters.get(FRAMES_RECEIVED).get(), "seed " + SEED);
        long decisions = 0;
        for (final Verdict verdict : new Verdict[]{Verdict.APPROVE, Verdict.REVIEW, Verdict.DECLINE})
        {
            decisions += counters.decisions(verdict).get();
        }
        assertEquals(VALID_MESSAGES + fuzzDecisions, decisions + counters.get(RETRIES_ANSWERED).get(), "seed " + SEED);
    }

    private static void sendValidStream(
        final VigilClient client, final Map<Long, String> decisions, final Runnable between)
    {
        final ReplyListener listener = new ReplyListener()
        {
            @Override
            public void onDecision(final DecisionDecoder decision)
            {
                decisions.put(decision.clientSeq(),
                    decision.verdict() + " rules=" + Long.toBinaryString(decision.firedRules()));
            }

            @Override
            public void onReject(final RejectDecoder reject)
            {
                decisions.put(reject.clientSeq(), "reject " + reject.reason());
            }
        };
        final DemoTraffic traffic = new DemoTraffic(SEED, 200, 1_000_000L);
        for (int sent = 0; sent < VALID_MESSAGES; sent++)
        {
            assertTrue(EngineHarness.await(() -> traffic.sendNext(client) > 0, () -> client.poll(listener, 10), 10_000),
                "could not send");
            between.run();
            client.poll(listener, 10);
        }
        assertTrue(EngineHarness.await(() -> decisions.size() >= VALID_MESSAGES, () -> client.poll(listener, 10),
            30_000), () -> "seed " + SEED + ": " + decisions.size() + " valid messages decided");
    }
}
