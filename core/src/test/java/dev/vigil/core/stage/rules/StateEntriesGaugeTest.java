package dev.vigil.core.stage.rules;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.TestCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.EveryRuleType;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.StateKey;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The state-entry gauges of rules in shared keyed stores follow their store's keys at the end of each batch: as keys
 * are added, while none is, and after a snapshot is loaded.
 */
class StateEntriesGaugeTest
{
    private static final int VELOCITY = 1;
    private static final int ORDER_RATE = 2;
    private static final int CARD_TESTING = 5;

    private final TestFrames frames = new TestFrames();
    private final RingEvent slot = new RingEvent(256);
    private final EngineCounters counters = TestCounters.engineCounters();
    private long seq;

    @Test
    void gaugesFollowTheSharedStores() throws IOException
    {
        final RuleSet rules = EveryRuleType.ruleSet(64);
        try (KeyedStateStores stores = new KeyedStateStores(rules, 64, 4_096, KeyedStateStores.inMemory()))
        {
            final RulesHandler stage = new RulesHandler(
                new RuleEvaluator(rules, Verdict.REVIEW), new DecisionDedup(64), counters, new CachedNanoClock());
            stage.keyedState(stores);

            for (long account = 1; account <= 5; account++)
            {
                pay(stage, account);
            }
            assertGauges(5, 0);

            order(stage, 9);
            pay(stage, 3);
            assertGauges(5, 1);
            assertEquals(5, stores.store(StateKey.CARD).size());
            assertEquals(5, counters.stateEntries(CARD_TESTING).get());

            final byte[] snapshot = StageState.write(stage);
            for (long account = 6; account <= 8; account++)
            {
                pay(stage, account);
            }
            assertGauges(8, 1);

            StageState.read(stage, snapshot);
            pay(stage, 2);
            assertGauges(5, 1);
        }
    }

    private void assertGauges(final long accounts, final long tradingAccounts)
    {
        assertEquals(accounts, counters.stateEntries(VELOCITY).get(), "velocity: payment accounts");
        assertEquals(tradingAccounts, counters.stateEntries(ORDER_RATE).get(), "order rate: trading accounts");
    }

    private void pay(final RulesHandler stage, final long account)
    {
        final int length = frames.transaction(1, ++seq, seq * 1_000_000L, account, 1_000);
        slot.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, 0);
        slot.identify(TransactionDecoder.TEMPLATE_ID, 1, seq);
        stage.onEvent(slot, seq, true);
    }

    private void order(final RulesHandler stage, final long account)
    {
        final int length = frames.order(1, ++seq, seq * 1_000_000L, account, 10_000, 1, Side.BUY, OrderType.LIMIT);
        slot.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, 0);
        slot.identify(OrderDecoder.TEMPLATE_ID, 1, seq);
        stage.onEvent(slot, seq, true);
    }
}
