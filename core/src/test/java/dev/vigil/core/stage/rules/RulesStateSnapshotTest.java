package dev.vigil.core.stage.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import org.agrona.BufferUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The rules stage's state written to a snapshot and read back is the same state: it serialises to the same bytes,
 * and the restored stage decides the rest of a stream exactly as the stage that never stopped and as one that
 * replayed the whole stream.
 */
class RulesStateSnapshotTest
{
    private static final long SEC = 1_000_000_000L;
    private static final int EVENTS = 5_000;
    private static final int SPLIT = 3_000;

    private final TestFrames frames = new TestFrames();
    private final RingEvent event = new RingEvent(256);

    @Test
    void snapshotRestoreAndFullReplayGiveTheSameStateAndDecisions() throws IOException
    {
        final RulesHandler uninterrupted = newStage(4_096);
        final List<String> expected = run(uninterrupted, 1, EVENTS);

        final RulesHandler beforeSnapshot = newStage(4_096);
        final List<String> actual = new ArrayList<>(run(beforeSnapshot, 1, SPLIT));
        final byte[] snapshot = StageState.write(beforeSnapshot);

        final RulesHandler restored = newStage(4_096);
        StageState.read(restored, snapshot);
        assertEquals(SPLIT, restored.lastEngineSeq());
        assertArrayEquals(snapshot, StageState.write(restored), "restored state writes the same bytes");

        final RulesHandler replayed = newStage(4_096);
        run(replayed, 1, SPLIT);
        assertArrayEquals(snapshot, StageState.write(replayed), "a full replay reaches the same state");

        actual.addAll(run(restored, SPLIT + 1, EVENTS));
        assertEquals(expected, actual);
        assertArrayEquals(StageState.write(uninterrupted), StageState.write(restored));
    }

    @Test
    void stateOfOtherRuleParametersIsRefused() throws IOException
    {
        final RulesHandler stage = newStage(4_096);
        run(stage, 1, 100);
        final byte[] snapshot = StageState.write(stage);

        final RulesHandler fewerKeys = newStage(1_024);
        assertThrows(IOException.class,
            () -> StageState.read(fewerKeys, snapshot));
    }

    private RulesHandler newStage(final int maxKeys)
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64)));
        final RuleSet rules = new RuleSet(List.of(
            new AmountThresholdRule(0, "amount", RuleAction.DECLINE, 40_000),
            new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, 4, 60 * SEC, SEC, maxKeys)));
        return new RulesHandler(
            new RuleEvaluator(rules, Verdict.REVIEW),
            new DecisionDedup(64),
            new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId)),
            new CachedNanoClock());
    }

    /** Seeded stream; a few requests are retries of earlier ones, so the retry table is part of the state. */
    private List<String> run(final RulesHandler stage, final long fromSeq, final long toSeq)
    {
        final List<String> decisions = new ArrayList<>();
        for (long seq = fromSeq; seq <= toSeq; seq++)
        {
            final long clientSeq = seq % 50 == 0 ? seq - 5 : seq;
            final SplittableRandom original = new SplittableRandom(clientSeq);
            final long account = 1 + original.nextInt(300);
            final long amount = 100 + original.nextInt(50_000);
            final int length = frames.transaction(7, clientSeq, clientSeq * SEC / 4, account, amount);
            event.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, seq);
            event.identify(TransactionDecoder.TEMPLATE_ID, 7, clientSeq);
            stage.onEvent(event, seq, true);
            decisions.add(seq + ":" + event.verdict() + "/" + event.firedRules() + "/" + event.decisionEngineSeq());
        }
        return decisions;
    }
}
