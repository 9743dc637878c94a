package dev.vigil.core.stage.rules;

import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.RulesUpdateEncoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.AccountVelocityRule;
import dev.vigil.core.rules.AmountThresholdRule;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.RuleSetLoader;
import dev.vigil.core.rules.TestEvents;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.state.RecordCopySink;
import org.agrona.BufferUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.core.counters.EngineCounter.RULES_UPDATES_APPLIED;
import static dev.vigil.core.counters.EngineCounter.RULES_UPDATES_REFUSED_INCOMPLETE;
import static dev.vigil.core.counters.EngineCounter.RULES_UPDATES_REFUSED_INVALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules updates in the input switch the rules stage's rules at exactly their place: unchanged rules keep their
 * state, changed ones start empty, an invalid or incomplete update is refused and counted, and the rules in force
 * travel with a snapshot.
 */
class RulesUpdateTest
{
    private static final long SEC = 1_000_000_000L;

    /** Text "velocity N[,amount M]": a velocity rule of limit N (id 1), and optionally an amount rule (id 0). */
    private static final RuleSetLoader LOADER = (text, previous) ->
    {
        final List<Rule> rules = new ArrayList<>();
        final List<String> definitions = new ArrayList<>();
        for (final String part : text.split(","))
        {
            final String[] words = part.trim().split(" ");
            final long limit = Long.parseLong(words[1]);
            final int id = "velocity".equals(words[0]) ? 1 : 0;
            final boolean unchanged = previous != null && part.equals(previous.definition(id));
            rules.add(unchanged ? previous.ruleById(id) : id == 1 ?
                new AccountVelocityRule(1, "velocity", RuleAction.REVIEW, limit, 60 * SEC, SEC, 64) :
                new AmountThresholdRule(0, "amount", RuleAction.DECLINE, limit));
            definitions.add(part);
        }
        return new RuleSet(rules, definitions);
    };

    private final TestFrames frames = new TestFrames();
    private final TestEvents events = new TestEvents();
    private final RingEvent event = new RingEvent(512);
    private final UnsafeBuffer updateBuffer = new UnsafeBuffer(new byte[512]);
    private final RulesUpdateEncoder updateEncoder = new RulesUpdateEncoder();
    private EngineCounters counters;
    private long engineSeq;

    @Test
    void anUpdateSwitchesRulesAtItsPlaceAndUnchangedRulesKeepTheirState()
    {
        final RulesHandler stage = newStage("velocity 2");
        assertEquals(Verdict.APPROVE, pay(stage, 100));
        assertEquals(Verdict.APPROVE, pay(stage, 100));
        final Rule velocity = stage.ruleSet().ruleById(1);

        update(stage, 1, "velocity 2,amount 50");
        assertEquals(1, counters.get(RULES_UPDATES_APPLIED).get());
        assertSame(velocity, stage.ruleSet().ruleById(1), "unchanged: the same rule, its windows kept");
        assertEquals(Verdict.REVIEW, pay(stage, 10), "the third transaction in the kept window");
        assertEquals(Verdict.DECLINE, pay(stage, 100), "the new amount rule");

        update(stage, 2, "velocity 5");
        assertEquals(Verdict.APPROVE, pay(stage, 100), "a changed rule starts empty; the amount rule is gone");
        assertEquals("velocity 5", stage.rulesText());
    }

    @Test
    void anUpdateAddsAFilteredThresholdRuleThatSeesOnlyTheEventsAfterIt()
    {
        final String velocity = "rules:\n" +
            "  - {id: 1, name: velocity, type: velocity, key: account, window: {size: 60s, slide: 1s},\n" +
            "     parameters: {max-count: 3}, action: review}\n";
        final String withThreshold = velocity +
            "  - {id: 12, name: atm-abroad, type: threshold, key: card, where: 'channel == ATM and country != GB',\n" +
            "     window: {size: 10m, slide: 10s}, aggregate: count, above: 1, action: decline}\n";
        final RuleSetLoader loader = new RuleSetBuilder(64);
        final RulesHandler stage = newStage(loader, velocity);
        assertEquals(Verdict.APPROVE, pay(stage, PaymentChannel.ATM, "FR"));
        assertEquals(Verdict.APPROVE, pay(stage, PaymentChannel.ATM, "FR"));
        final Rule kept = stage.ruleSet().ruleById(1);

        updateInChunks(stage, 1, withThreshold);
        assertEquals(1, counters.get(RULES_UPDATES_APPLIED).get());
        assertSame(kept, stage.ruleSet().ruleById(1), "the velocity rule is unchanged, its windows kept");
        assertEquals(Verdict.APPROVE, pay(stage, PaymentChannel.ATM, "FR"),
            "the threshold rule counts from the update on: one withdrawal abroad");
        assertEquals(Verdict.REVIEW, pay(stage, PaymentChannel.POS, "FR"),
            "the fourth payment in a minute: velocity reviews; the threshold rule does not see a POS payment");
        assertEquals(Verdict.REVIEW, pay(stage, PaymentChannel.ATM, "GB"), "at home: velocity only");
        assertEquals(Verdict.DECLINE, pay(stage, PaymentChannel.ATM, "DE"), "the second withdrawal abroad");
        assertEquals(withThreshold, stage.rulesText());
    }

    @Test
    void invalidAndIncompleteUpdatesAreRefusedAndCountedAndChangeNothing()
    {
        final RulesHandler stage = newStage("velocity 2");
        update(stage, 1, "velocity lots");
        assertEquals(1, counters.get(RULES_UPDATES_REFUSED_INVALID).get());

        // Chunk 1 of 2 of update 2, then a chunk of another update: update 2 never completes.
        chunk(stage, 2, 0, 2, "velocity ");
        chunk(stage, 3, 1, 3, "9");
        chunk(stage, 3, 2, 3, "9");
        assertEquals(1, counters.get(RULES_UPDATES_REFUSED_INCOMPLETE).get(), "counted once per update");
        assertEquals(0, counters.get(RULES_UPDATES_APPLIED).get());
        assertEquals("velocity 2", stage.rulesText());

        // A chunked update that completes applies.
        chunk(stage, 4, 0, 2, "velocity ");
        chunk(stage, 4, 1, 2, "1");
        assertEquals(1, counters.get(RULES_UPDATES_APPLIED).get());
        assertEquals(Verdict.APPROVE, pay(stage, 100));
        assertEquals(Verdict.REVIEW, pay(stage, 100));
    }

    @Test
    void aSnapshotCarriesTheRulesInForce() throws IOException
    {
        final RulesHandler stage = newStage("velocity 2");
        update(stage, 1, "velocity 1");
        assertEquals(Verdict.APPROVE, pay(stage, 100));
        final byte[] state = StageState.write(stage);

        final RulesHandler restored = newStage("velocity 2");
        StageState.read(restored, state);
        assertEquals("velocity 1", restored.rulesText());
        assertEquals(Verdict.REVIEW, pay(restored, 100), "the recorded rules, with their state");
    }

    @Test
    void anUpdateDuringASnapshotCopyGivesTheCopyUpAndTheStageSnapshotsAgainAfterIt() throws IOException
    {
        final RulesHandler stage = newStage("velocity 2");
        final RuleSet rules = stage.ruleSet();
        try (KeyedStateStores stores = new KeyedStateStores(rules, 64, 4_096, KeyedStateStores.inMemory()))
        {
            stage.keyedState(stores);
            final List<Long> taken = new ArrayList<>();
            final List<RecordCopySink> sinks = new ArrayList<>();
            stage.snapshotTaker((engineSeq, state) ->
            {
                final StalledSink sink = new StalledSink();
                try
                {
                    state.beginSnapshot(new DataOutputStream(new ByteArrayOutputStream()), sink);
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
                taken.add(engineSeq);
                sinks.add(sink);
                return true;
            });
            pay(stage, 10);
            pay(stage, 10);
            point(stage);
            assertTrue(stage.isSnapshotInProgress());

            // An update that keeps the velocity rule keeps its slice: the copy goes on.
            update(stage, 1, "velocity 2,amount 50");
            assertTrue(stage.isSnapshotInProgress());
            assertEquals(0, stage.doDutyCycle(), "the cycle after input leaves the copy be");
            assertEquals(0, stage.doDutyCycle(), "the stalled sink takes nothing");

            // A changed velocity rule gets a fresh slice, zeroed in every record: the copy is given up.
            update(stage, 2, "velocity 5");
            assertEquals(2, counters.get(RULES_UPDATES_APPLIED).get());
            assertFalse(stage.isSnapshotInProgress());
            assertTrue(((StalledSink)sinks.get(0)).abandoned);
            assertEquals(List.of(2L), taken);
            assertEquals(1, stage.doDutyCycle(), "a snapshot of the state after the update");
            assertEquals(List.of(2L, 4L), taken);
            stage.abandonSnapshot();
        }
    }

    /** Takes nothing, as a sink whose writer stalled. */
    private static final class StalledSink implements RecordCopySink
    {
        private boolean abandoned;

        @Override
        public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            return false;
        }

        @Override
        public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
        {
            return true;
        }

        @Override
        public boolean isAbandoned()
        {
            return abandoned;
        }

        @Override
        public void abandon()
        {
            abandoned = true;
        }
    }

    private void point(final RulesHandler stage)
    {
        event.resetForFrame(FrameKind.SNAPSHOT, frames.buffer(), 0, 0, 0, engineSeq, 0);
        stage.onEvent(event, engineSeq, true);
    }

    private RulesHandler newStage(final String rulesText)
    {
        return newStage(LOADER, rulesText);
    }

    private RulesHandler newStage(final RuleSetLoader loader, final String rulesText)
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * CountersReader.COUNTER_LENGTH, 64)));
        counters = new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));
        final RulesHandler stage = new RulesHandler(
            new RuleEvaluator(loader.load(rulesText, null), Verdict.REVIEW), new DecisionDedup(64), counters,
            new CachedNanoClock());
        stage.rulesSource(loader, rulesText);
        return stage;
    }

    /** A payment of account 3, card 31, a second after the previous input. */
    private Verdict pay(final RulesHandler stage, final PaymentChannel channel, final String country)
    {
        final long seq = ++engineSeq;
        events.payment(seq * SEC, 3, 31, 5, 100, "EUR", country, channel);
        event.resetForFrame(FrameKind.EVENT, events.buffer(), 0, events.transactionLength(), 1, seq, seq);
        event.identify(TransactionDecoder.TEMPLATE_ID, 7, seq);
        stage.onEvent(event, seq, true);
        return event.verdict();
    }

    /** An update in chunks of at most 256 bytes of text, each fitting a ring slot. */
    private void updateInChunks(final RulesHandler stage, final long updateId, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int count = (bytes.length + 255) / 256;
        for (int i = 0; i < count; i++)
        {
            chunk(stage, updateId, i, count,
                new String(bytes, i * 256, Math.min(256, bytes.length - i * 256), StandardCharsets.UTF_8));
        }
    }

    private Verdict pay(final RulesHandler stage, final long amount)
    {
        final long seq = ++engineSeq;
        final int length = frames.transaction(7, seq, seq * SEC, 3, amount);
        event.resetForFrame(FrameKind.EVENT, frames.buffer(), 0, length, 1, seq, seq);
        event.identify(TransactionDecoder.TEMPLATE_ID, 7, seq);
        stage.onEvent(event, seq, true);
        return event.verdict();
    }

    private void update(final RulesHandler stage, final long updateId, final String text)
    {
        chunk(stage, updateId, 0, 1, text);
    }

    private void chunk(
        final RulesHandler stage, final long updateId, final int index, final int count, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        updateEncoder.wrapAndApplyHeader(updateBuffer, 0, new MessageHeaderEncoder())
            .updateId(updateId)
            .chunkIndex(index)
            .chunkCount(count)
            .putRulesText(bytes, 0, bytes.length);
        final long seq = ++engineSeq;
        event.resetForFrame(FrameKind.EVENT, updateBuffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + updateEncoder.encodedLength(), 0, seq, seq);
        event.identify(RulesUpdateDecoder.TEMPLATE_ID, 0, 0);
        stage.onEvent(event, seq, true);
    }
}
