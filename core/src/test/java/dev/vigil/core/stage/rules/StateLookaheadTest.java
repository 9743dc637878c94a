package dev.vigil.core.stage.rules;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.vigil.codecs.MessageHeaderDecoder;
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
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.EveryRuleType;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.RecordingWindowSink;
import dev.vigil.core.window.SourceWatermarks;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowSpec;
import org.agrona.BufferUtil;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading the state of queued events ahead of their turn only reads: a stage that looks ahead over a ring, handling
 * events in bursts of any size, decides every event exactly as one that handles them one by one without looking
 * ahead — same verdicts, fired rules, alerts, window output and final state — and adds no key before its event.
 */
class StateLookaheadTest
{
    private static final long SEC = 1_000_000_000L;
    private static final int MAX_KEYS = 1 << 14;
    private static final int KEYS = 3_000;
    private static final int EVENTS = 40_000;
    private static final long CLIENT_ID = 5;
    private static final ByteOrder ORDER = TransactionDecoder.BYTE_ORDER;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final String[] COUNTRIES = {"GB", "FR", "DE"};

    @Test
    void decisionsWindowsAndStateAreTheSameWithAndWithoutLookingAhead() throws IOException
    {
        final List<Input> inputs = randomInputs(new SplittableRandom(2026));

        final Stage plain = new Stage();
        final List<String> plainDecisions = new ArrayList<>();
        final RingEvent slot = new RingEvent(256);
        long seq = 0;
        for (final Input input : inputs)
        {
            input.copyTo(slot, ++seq);
            plain.handler.onEvent(slot, seq, true);
            plainDecisions.add(describe(slot));
        }

        final Stage lookingAhead = new Stage();
        final RingBuffer<RingEvent> ring =
            RingBuffer.createSingleProducer(() -> new RingEvent(256), 1024, new YieldingWaitStrategy());
        lookingAhead.handler.lookAhead(ring, 16);
        final List<String> lookaheadDecisions = new ArrayList<>();
        final SplittableRandom bursts = new SplittableRandom(7);
        int next = 0;
        while (next < inputs.size())
        {
            final int burst = Math.min(inputs.size() - next, 1 + bursts.nextInt(48));
            final long first = ring.getCursor() + 1;
            for (int i = 0; i < burst; i++)
            {
                final long s = ring.next();
                inputs.get(next + i).copyTo(ring.get(s), s + 1);
                ring.publish(s);
            }
            final long last = ring.getCursor();
            final int accountsBefore = lookingAhead.stores.store(StateKey.ACCOUNT).size();
            final int newAccountsInBurst = newAccounts(inputs, next, burst, lookingAhead);
            for (long s = first; s <= last; s++)
            {
                lookingAhead.handler.onEvent(ring.get(s), s, s == last);
                if (s == first)
                {
                    // The whole burst was looked ahead over; only the first event has been judged.
                    assertTrue(lookingAhead.stores.store(StateKey.ACCOUNT).size() <= accountsBefore + 1,
                        "keys added ahead of their events");
                }
                lookaheadDecisions.add(describe(ring.get(s)));
            }
            assertEquals(accountsBefore + newAccountsInBurst, lookingAhead.stores.store(StateKey.ACCOUNT).size());
            next += burst;
        }

        assertEquals(plainDecisions, lookaheadDecisions);
        assertTrue(plainDecisions.stream().filter(d -> !d.startsWith("APPROVE 0 ")).count() > EVENTS / 100,
            "some rules fire");
        assertEquals(plain.windowOutput.lines, lookingAhead.windowOutput.lines);
        assertTrue(plain.windowOutput.lines.size() > 100, "windows emit");
        assertArrayEquals(StageState.write(plain.handler), StageState.write(lookingAhead.handler));
    }

    private static int newAccounts(final List<Input> inputs, final int from, final int count, final Stage stage)
    {
        final Set<Long> fresh = new HashSet<>();
        for (int i = from; i < from + count; i++)
        {
            final Input input = inputs.get(i);
            final boolean known = stage.stores.store(StateKey.ACCOUNT).findRecord(input.account) != 0;
            if (input.transaction && !input.retry && !known)
            {
                fresh.add(input.account);
            }
        }
        return fresh.size();
    }

    private static String describe(final RingEvent event)
    {
        final StringBuilder line = new StringBuilder()
            .append(event.verdict()).append(' ').append(event.firedRules()).append(' ').append(event.rejectReason());
        final RuleAlerts alerts = event.alerts();
        for (int i = 0; i < alerts.size(); i++)
        {
            line.append(" [").append(alerts.ruleId(i)).append(' ').append(alerts.key(i)).append(' ')
                .append(alerts.observed(i)).append(' ').append(alerts.threshold(i)).append(' ')
                .append(alerts.windowStartNs(i)).append(' ').append(alerts.windowEndNs(i)).append(']');
        }
        return line.toString();
    }

    /**
     * Transactions and orders over a few thousand accounts (new ones keep arriving inside bursts), out of order by up
     * to two seconds, with repeated merchants and countries, large and small amounts, and some retried requests.
     */
    private static List<Input> randomInputs(final SplittableRandom random)
    {
        final TestFrames frames = new TestFrames();
        final List<Input> inputs = new ArrayList<>();
        long clientSeq = 0;
        for (int i = 0; i < EVENTS; i++)
        {
            final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
            final long timeNs = 10_000 * SEC + i * (SEC / 20) - random.nextLong(2 * SEC);
            final long account = 1 + random.nextInt(Math.min(KEYS, 50 + i / 8));
            final boolean retry = i > 0 && random.nextInt(50) == 0;
            final long seq = retry ? clientSeq - random.nextInt((int)Math.min(clientSeq, 5)) : ++clientSeq;
            final boolean transaction = random.nextInt(3) > 0;
            final int length;
            if (transaction)
            {
                final long amount = random.nextInt(10) == 0 ? 150_000 + random.nextInt(2_000_000) :
                    random.nextInt(10) == 0 ? 100 : 1_000 + random.nextInt(50_000);
                length = frames.transaction(frame, 0, CLIENT_ID, seq, timeNs, account, amount, "GBP",
                    COUNTRIES[random.nextInt(random.nextInt(8) == 0 ? 3 : 1)]);
                frame.putLong(HEADER + TransactionDecoder.merchantIdEncodingOffset(), 1 + random.nextInt(12), ORDER);
            }
            else
            {
                length = frames.order(frame, 0, CLIENT_ID, seq, timeNs, account, 9_000 + random.nextInt(2_000),
                    1 + random.nextInt(5_000), Side.BUY, OrderType.LIMIT);
                frame.putLong(HEADER + OrderDecoder.instrumentIdEncodingOffset(), 1 + random.nextInt(4), ORDER);
            }
            inputs.add(new Input(frame, length, transaction, seq, account, retry));
        }
        return inputs;
    }

    private record Input(
        UnsafeBuffer frame, int length, boolean transaction, long clientSeq, long account, boolean retry)
    {
        void copyTo(final RingEvent slot, final long engineSeq)
        {
            slot.resetForFrame(FrameKind.EVENT, frame, 0, length, 1, engineSeq, 0);
            slot.identify(transaction ? TransactionDecoder.TEMPLATE_ID : OrderDecoder.TEMPLATE_ID, CLIENT_ID,
                clientSeq);
        }
    }

    /** A rules stage with every rule type, shared keyed state in process memory, and three windows. */
    private static final class Stage
    {
        final RecordingWindowSink windowOutput = new RecordingWindowSink();
        final KeyedStateStores stores;
        final RulesHandler handler;

        Stage() throws IOException
        {
            final EngineCounters counters = TestCounters.engineCounters();
            final RuleSet rules = EveryRuleType.ruleSet(MAX_KEYS);
            final EventTimeWindows windows = new EventTimeWindows(List.of(
                WindowSpec.tumbling(0, "merchant", WindowInput.TRANSACTIONS, WindowInput.Key.MERCHANT,
                    WindowInput.Value.AMOUNT, 10 * SEC, 0, 2 * SEC, 64, 8),
                WindowSpec.sliding(1, "account", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
                    WindowInput.Value.AMOUNT, 4 * SEC, SEC, 0, SEC, MAX_KEYS, 8),
                WindowSpec.session(2, "instrument", WindowInput.ORDERS, WindowInput.Key.INSTRUMENT,
                    WindowInput.Value.NOTIONAL, SEC / 4, SEC, 16, 8)),
                new SourceWatermarks(SEC, Long.MAX_VALUE, 4));
            windows.sink(windowOutput);
            stores = new KeyedStateStores(rules, MAX_KEYS, 4_096, KeyedStateStores.inMemory());
            handler = new RulesHandler(new RuleEvaluator(rules, Verdict.REVIEW), new DecisionDedup(1024), counters,
                new CachedNanoClock(), windows, null);
            handler.keyedState(stores);
        }
    }
}
