package dev.vigil.core.stage.rules;

import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.AccountAmountSumRule;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountSpikeRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.CardTestingRule;
import dev.vigil.core.rules.DistinctMerchantsRule;
import dev.vigil.core.rules.ImpossibleTravelRule;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.TransactionKey;
import org.agrona.BufferUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.vigil.core.counters.EngineCounter.RULE_STATE_FULL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules stage with keyed state shared per state key in persisted Chronicle Map files decides exactly as with
 * each rule keeping its own state, its snapshots restore to the same state and decisions, and a full store falls
 * back to the configured verdict, counted.
 */
@Timeout(120)
class KeyedStateSnapshotTest
{
    private static final long SEC = 1_000_000_000L;
    private static final int EVENTS = 6_000;
    private static final int SPLIT = 3_500;
    private static final String[] COUNTRIES = {"DE", "FR", "GB"};

    private final TestFrames frames = new TestFrames();
    private final RingEvent event = new RingEvent(256);
    private final List<KeyedStateStores> opened = new ArrayList<>();
    private EngineCounters counters;

    @TempDir
    Path dir;

    @AfterEach
    void closeStores()
    {
        opened.forEach(KeyedStateStores::close);
    }

    @Test
    void sharedRecordsDecideAsOwnStateAndRestoreFromSnapshots() throws IOException
    {
        final List<String> expected = run(newStage(4_096, null), 1, EVENTS);

        final RulesHandler uninterrupted = newStage(4_096, "uninterrupted");
        assertEquals(expected, run(uninterrupted, 1, EVENTS), "shared records decide as each rule's own state");

        final RulesHandler beforeSnapshot = newStage(4_096, "before");
        final List<String> actual = new ArrayList<>(run(beforeSnapshot, 1, SPLIT));
        final byte[] snapshot = StageState.write(beforeSnapshot);

        final RulesHandler restored = newStage(4_096, "restored");
        run(restored, 1, 100);
        StageState.read(restored, snapshot);
        assertEquals(SPLIT, restored.lastEngineSeq());
        assertArrayEquals(snapshot, StageState.write(restored), "restored state writes the same bytes");

        final RulesHandler replayed = newStage(4_096, "replayed");
        run(replayed, 1, SPLIT);
        assertArrayEquals(snapshot, StageState.write(replayed), "a full replay reaches the same state");

        actual.addAll(run(restored, SPLIT + 1, EVENTS));
        assertEquals(expected, actual);
        assertArrayEquals(StageState.write(uninterrupted), StageState.write(restored));
    }

    @Test
    void fullStoreFallsBackToConfiguredVerdictAndCountsWithoutException()
    {
        final RulesHandler stage = newStage(50, "full");

        final List<String> decisions = run(stage, 1, 2_000, 50);

        assertEquals(50, stage.keyedState().store(StateKey.ACCOUNT).size());
        assertEquals(50, stage.keyedState().store(StateKey.CARD).size());
        assertTrue(counters.get(RULE_STATE_FULL).get() > 0, "full state is counted");
        int overCapacity = 0;
        for (final String decision : decisions)
        {
            if (decision.endsWith("/over-capacity"))
            {
                overCapacity++;
                assertTrue(decision.contains(":" + Verdict.REVIEW + "/") || decision.contains(":" + Verdict.DECLINE),
                    "an event of a key the full state cannot hold gets the fallback verdict at least: " + decision);
            }
        }
        assertTrue(overCapacity > 100, "the stream brings keys over capacity: " + overCapacity);
    }

    private RulesHandler newStage(final int maxKeys, final String stateDir)
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64)));
        final RuleSet rules = new RuleSet(List.of(
            new AmountThresholdRule(0, "amount", RuleAction.DECLINE, 40_000),
            new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, 4, 60 * SEC, SEC, maxKeys),
            new AccountAmountSumRule(2, "sum", RuleAction.ALERT_ONLY, 60_000, 10 * SEC, SEC, maxKeys),
            new AmountSpikeRule(3, "spike", RuleAction.REVIEW, 3, 0.2, 3, maxKeys),
            new ImpossibleTravelRule(4, "travel", RuleAction.REVIEW, 30 * SEC, maxKeys),
            new CardTestingRule(5, "card-testing", RuleAction.DECLINE, 500, 30_000, 60 * SEC, maxKeys),
            new DistinctMerchantsRule(6, "merchants", RuleAction.REVIEW, TransactionKey.ACCOUNT, 3, 60 * SEC,
                maxKeys)));
        counters = new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
        final RulesHandler stage = new RulesHandler(
            new RuleEvaluator(rules, Verdict.REVIEW), new DecisionDedup(64), counters, new CachedNanoClock());
        if (stateDir != null)
        {
            try
            {
                final KeyedStateStores stores = new KeyedStateStores(
                    rules, maxKeys, 4_096, KeyedStateStores.persistedIn(dir.resolve(stateDir)));
                opened.add(stores);
                stage.keyedState(stores);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return stage;
    }

    /** Seeded stream over 300 accounts; a few requests are retries of earlier ones. */
    private List<String> run(final RulesHandler stage, final long fromSeq, final long toSeq)
    {
        return run(stage, fromSeq, toSeq, Integer.MAX_VALUE);
    }

    /** Marks events of accounts beyond the first {@code capacity} distinct ones as over capacity. */
    private List<String> run(final RulesHandler stage, final long fromSeq, final long toSeq, final int capacity)
    {
        final List<String> decisions = new ArrayList<>();
        final Set<Long> firstAccounts = new LinkedHashSet<>();
        for (long seq = fromSeq; seq <= toSeq; seq++)
        {
            final long clientSeq = seq % 50 == 0 ? seq - 5 : seq;
            final SplittableRandom original = new SplittableRandom(clientSeq);
            final long account = 1 + original.nextInt(300);
            final long amount = 100 + original.nextInt(50_000);
            final String country = COUNTRIES[original.nextInt(COUNTRIES.length)];
            final int length = frames.transaction(7, clientSeq, clientSeq * SEC / 4, account, amount, "EUR", country);
            event.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, seq);
            event.identify(TransactionDecoder.TEMPLATE_ID, 7, clientSeq);
            stage.onEvent(event, seq, true);
            if (firstAccounts.size() < capacity)
            {
                firstAccounts.add(account);
            }
            final boolean retry = clientSeq != seq;
            decisions.add(seq + ":" + event.verdict() + "/" + event.firedRules() + "/" + event.decisionEngineSeq() +
                (firstAccounts.contains(account) || retry ? "" : "/over-capacity"));
        }
        return decisions;
    }
}
