package dev.vigil.core.stage.rules;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.ring.BatchClock;
import dev.vigil.core.ring.EventLayout;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.RuleSetLoader;
import dev.vigil.core.rules.StatePrefetcher;
import dev.vigil.core.stage.InputHold;
import dev.vigil.core.state.DataOutputRecordSink;
import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.window.EventTimeWindows;
import dev.vigil.core.window.SourceWatermarks;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Rules stage: decodes each accepted event in place with reusable flyweights, runs the rules and writes the
 * decision into the slot, then feeds the event to the event-time windows (heartbeats only move their watermark).
 * A retried request (same client id and sequence) gets its original decision back without running any rule, so it
 * counts once in every window. Allocation-free once each client is known.
 * <p>
 * A rules update in the input switches the rules exactly at its place in the input, so a replay of the same input
 * switches at the same place: rules and windowed aggregations whose definition is unchanged keep their state,
 * changed and new ones start empty, removed ones are dropped. An update whose text is not valid rules, or whose
 * keyed state does not fit the shared records ({@link KeyedStateStores#bind}), is refused and counted; the rules in
 * force stay.
 * <p>
 * Window output is never dropped for want of room on the way to egress: when an input's watermark step fires more
 * windows than egress can take now, the stage fires what fits, passes the input on (its decision leaves, with the
 * first results) and holds the next input until the rest have fired and egress has taken them all
 * ({@link EventTimeWindows#readyForInput()}); it also holds an input until there is room for what one event can emit
 * at once. It never waits on its thread: each duty cycle fires on, and how often and how long it held is counted.
 * <p>
 * A snapshot point stops the stage only to write the state outside the shared keyed records and to begin a
 * copy-on-write of those ({@link #beginSnapshot}): the rules copy a record before they first write it, and
 * {@link #doDutyCycle} copies the rest a step at a time, when the stage has no input. A point that comes while a
 * snapshot is still being copied or written is deferred: the stage asks for a snapshot again once that one is done,
 * at whatever input it has reached then, so several such points make one snapshot. A rules update that zeroes new
 * slices of the records gives up a copy in progress, and the stage asks for a snapshot again after it.
 * <p>
 * The stage's parts beside the per-event work have classes of their own: {@link RulesInForce} (the rules, their
 * text and their switch on an update), {@link RulesStageState} (the snapshot state's layout, written and read) and
 * {@link RulesStageCounters} (what the stage counts).
 */
public final class RulesHandler implements EventHandler<RingEvent>, InputHold
{
    /** Bytes of keyed records one {@link #doDutyCycle} copies at most for a snapshot: a stop of tens of µs. */
    public static final int COPY_STEP_BYTES = 128 * 1024;
    /** Duty cycles with input after which a copy step runs anyway, so that a stage that is never idle still copies. */
    static final int BUSY_CYCLES_PER_COPY_STEP = 16;

    private final RuleEvaluator evaluator;
    private final DecisionDedup dedup;
    private final NanoClock clock;
    private final BatchClock rulesDone;
    private final EventTimeWindows windows;
    private final RulesStageCounters counters;
    private final RulesInForce rules;
    private final RulesStageState state;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();
    private SnapshotTaker snapshotTaker = SnapshotTaker.NONE;
    private KeyedStateStores keyedState;
    private StatePrefetcher prefetcher;
    private StateLookahead lookahead;
    private long loadedUpTo;
    private long lastEngineSeq;
    private boolean held;
    private long heldCountedUpToNs;
    private boolean snapshotPending;
    private boolean inputSinceDutyCycle;
    private int busyCyclesSinceCopyStep;

    /**
     * Takes a snapshot of the rules stage's state when a snapshot point reaches it; runs on the rules thread, between
     * inputs, so the state cannot change while the snapshot begins.
     */
    @FunctionalInterface
    public interface SnapshotTaker
    {
        /** Takes none. */
        SnapshotTaker NONE = (engineSeq, state) -> true;

        /**
         * @param engineSeq every input up to this engine sequence is in the state, none after.
         * @param state     the stage, whose {@link RulesHandler#beginSnapshot} (or {@link RulesHandler#writeState})
         *                  writes the state.
         * @return false when no snapshot can be taken now (the previous one is still being written): the stage asks
         * again from {@link RulesHandler#doDutyCycle}.
         */
        boolean takeSnapshot(long engineSeq, RulesHandler state);
    }

    /**
     * @param evaluator runs the rule set in force.
     * @param dedup     remembers decisions so retries get the original one.
     * @param counters  where decisions, alerts and full state are counted.
     * @param clock     stamps when decided events are handed on, for latency breakdowns only.
     */
    public RulesHandler(
        final RuleEvaluator evaluator, final DecisionDedup dedup, final EngineCounters counters, final NanoClock clock)
    {
        this(evaluator, dedup, counters, clock,
            new EventTimeWindows(List.of(), new SourceWatermarks(0, Long.MAX_VALUE, 1)), null);
    }

    /**
     * @param evaluator      runs the rule set in force.
     * @param dedup          remembers decisions so retries get the original one.
     * @param counters       where decisions, alerts and full state are counted.
     * @param clock          stamps when decided events are handed on, for latency breakdowns only.
     * @param windows        the event-time windows, with their sink set.
     * @param windowCounters where late events, results and full window state are counted; null for none.
     */
    public RulesHandler(
        final RuleEvaluator evaluator,
        final DecisionDedup dedup,
        final EngineCounters counters,
        final NanoClock clock,
        final EventTimeWindows windows,
        final WindowCounters windowCounters)
    {
        this.evaluator = evaluator;
        this.dedup = dedup;
        this.clock = clock;
        this.rulesDone = new BatchClock(clock, RingEvent::rulesDone);
        this.windows = windows;
        this.counters = new RulesStageCounters(counters, windowCounters);
        this.rules = new RulesInForce(evaluator, windows, this.counters);
        this.state = new RulesStageState(rules, dedup, windows);
        counters.addRules(evaluator.ruleSet().rules());
    }

    /**
     * @param errorHandler receives what a rule throws (the rule could not judge; the event is still decided).
     */
    public void errorHandler(final ErrorHandler errorHandler)
    {
        evaluator.errorHandler(errorHandler);
    }

    /**
     * @return the event-time windows this stage feeds.
     */
    public EventTimeWindows windows()
    {
        return windows;
    }

    /**
     * @param snapshotTaker called at each snapshot point in the input.
     */
    public void snapshotTaker(final SnapshotTaker snapshotTaker)
    {
        this.snapshotTaker = snapshotTaker;
    }

    /**
     * Say where the rules in force came from, so that rules updates and snapshots can rebuild rules from text.
     *
     * @param loader    builds rules from the text of a rules file.
     * @param rulesText the text the rules in force were built from.
     */
    public void rulesSource(final RuleSetLoader loader, final String rulesText)
    {
        rules.source(loader, rulesText);
    }

    /**
     * Keep the keyed rules' state in shared record stores (one record per key for all the rules of that key),
     * which then belong to this stage's snapshots and follow its rules updates.
     *
     * @param stores the stores, with the rules in force already bound to them.
     * @throws IllegalStateException when the stage already looks ahead (over the stores it had).
     */
    public void keyedState(final KeyedStateStores stores)
    {
        if (lookahead != null)
        {
            throw new IllegalStateException("keyed state is set before looking ahead, which reads it");
        }
        this.keyedState = stores;
        this.prefetcher = stores.prefetcher();
        rules.keyedState(stores);
        state.keyedState(stores);
    }

    /**
     * Before each run of events queued in the ring, load their keyed state and window keys together, up to depth
     * events at a time, so that their cache misses overlap ({@link StateLookahead}); decisions do not change.
     * Without it, each event's own keys are still probed together before its rules run.
     *
     * @param ring  the single-producer ring this stage reads; the sequences given to {@link #onEvent} are its own.
     * @param depth most events loaded at a time, at least 1.
     * @throws IllegalStateException when the stage keeps no shared keyed state.
     */
    public void lookAhead(final RingBuffer<RingEvent> ring, final int depth)
    {
        if (keyedState == null)
        {
            throw new IllegalStateException("looking ahead needs shared keyed state");
        }
        this.lookahead = new StateLookahead(ring, depth, keyedState, windows);
        this.loadedUpTo = 0;
    }

    /**
     * @return the shared keyed state, or null when each rule keeps its own.
     */
    public KeyedStateStores keyedState()
    {
        return keyedState;
    }

    /**
     * @param follow false to keep the rules in force whatever rules updates the input holds, e.g. to replay a journal
     *               under other rules; true (the default) to apply them.
     */
    public void followRulesUpdates(final boolean follow)
    {
        rules.followRulesUpdates(follow);
    }

    /**
     * @return the text of the rules file the rules in force were built from; empty when not known.
     */
    public String rulesText()
    {
        return rules.text();
    }

    /**
     * @return the text of the rules file the rules in force were built from, as last applied (at start, from a
     * snapshot or by an update); empty when not known. Safe on any thread, for observers such as the live page.
     */
    public String rulesTextInForce()
    {
        return rules.publishedText();
    }

    /**
     * @return the rules in force.
     */
    public RuleSet ruleSet()
    {
        return evaluator.ruleSet();
    }

    /**
     * @return engine sequence of the last input this stage applied.
     */
    public long lastEngineSeq()
    {
        return lastEngineSeq;
    }

    /**
     * Write the whole state this stage owns as of {@link #lastEngineSeq()}, at once: {@link #beginSnapshot} then
     * every keyed record, in insertion order. A snapshot in progress is finished first. Call on the rules thread, or
     * with the stage stopped, and not while the last input's windows are still firing
     * ({@link EventTimeWindows#isFiring()}): the state would then lie between two inputs.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    public void writeState(final DataOutput out) throws IOException
    {
        finishSnapshot();
        final DataOutputRecordSink records = new DataOutputRecordSink(out);
        beginSnapshot(out, records);
        finishSnapshot();
        records.rethrow();
    }

    /**
     * Begin a snapshot of the state as of {@link #lastEngineSeq()}: write the rules text in force, the layout of the
     * shared keyed stores, every rule's state in id order, the retry table, the watermarks and windows; then begin
     * copying the keyed records into a sink, copy-on-write ({@link KeyedStateStores#beginCopy}). The snapshot is
     * complete once {@link #isSnapshotInProgress()} answers false and the sink has every record announced; it ends
     * with those records, in any order. Call on the rules thread.
     *
     * @param out     where the state but the keyed records is written, now.
     * @param records where the keyed records go, now and as the copy goes on.
     * @return keyed records the sink will get.
     * @throws IOException when writing fails; the copy has not begun then.
     * @throws IllegalStateException when a snapshot is in progress.
     */
    public long beginSnapshot(final DataOutput out, final RecordCopySink records) throws IOException
    {
        return state.begin(lastEngineSeq, out, records);
    }

    /**
     * @return true while the keyed records of a snapshot begun are still being copied.
     */
    public boolean isSnapshotInProgress()
    {
        return state.isCopying();
    }

    /**
     * Copy every keyed record a snapshot in progress still needs, now, waiting on its sink for room.
     */
    public void finishSnapshot()
    {
        state.finishCopy();
    }

    /**
     * Give up a snapshot in progress: its sink is told no more records will come.
     */
    public void abandonSnapshot()
    {
        state.abandonCopy();
    }

    /**
     * The stage's background work, run after each poll: copy a step of a snapshot's keyed records
     * ({@value #COPY_STEP_BYTES} bytes at most, as far as the sink takes them; a sink may write them out in the
     * step), or take a deferred snapshot. A step runs when the poll found no input, or after
     * {@value #BUSY_CYCLES_PER_COPY_STEP} cycles in a row that had some. Each step is a stop of the stage, counted in
     * the snapshot pause gauge when it is the longest.
     *
     * @return records copied and writes the sink made in the step, or 1 when a deferred snapshot began.
     */
    public int doDutyCycle()
    {
        final boolean hadInput = inputSinceDutyCycle;
        inputSinceDutyCycle = false;
        if (state.isCopying())
        {
            // A step when the stage has no input delays nobody; under steady input, one cycle in so many still copies.
            if (hadInput && ++busyCyclesSinceCopyStep < BUSY_CYCLES_PER_COPY_STEP)
            {
                return 0;
            }
            busyCyclesSinceCopyStep = 0;
            final long startNs = clock.nanoTime();
            final int copied = state.copyStep(COPY_STEP_BYTES);
            counters.snapshotStop((clock.nanoTime() - startNs) / 1000);
            return copied;
        }
        // Not while the last input's windows are still firing: the state would lie between two inputs.
        if (snapshotPending && !windows.isFiring() && snapshotTaker.takeSnapshot(lastEngineSeq, this))
        {
            snapshotPending = false;
            return 1;
        }
        return 0;
    }

    /**
     * Replace the state with one written by {@link #writeState}, rules included: the rules recorded in it are
     * built afresh (when a rules source is known) and their state read into them.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the state belongs to other rules.
     */
    public void readState(final DataInput in) throws IOException
    {
        lastEngineSeq = state.read(in);
        counters.stateReplaced();
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        inputSinceDutyCycle = true;
        onInput(event, loadAhead(sequence));
        final boolean hold = !windows.readyForInput();
        if (hold)
        {
            startHold();
        }
        // A hold ends the batch: the input is handed on now, and the next waits.
        if (endOfBatch || hold)
        {
            rulesDone.endOfBatch();
            counters.batchEnded();
        }
    }

    /**
     * Fire on the windows the last input's watermark step left unfired, as far as egress has room, and let go once
     * they are all out and there is room for the next input.
     *
     * @return window results and late events emitted.
     */
    @Override
    public int resume()
    {
        if (!held)
        {
            return 0;
        }
        final long resultsBefore = windows.resultsEmitted();
        final boolean ready = windows.readyForInput();
        final long nowNs = clock.nanoTime();
        counters.held(nowNs - heldCountedUpToNs);
        heldCountedUpToNs = nowNs;
        held = !ready;
        final int emitted = (int)(windows.resultsEmitted() - resultsBefore);
        if (emitted > 0)
        {
            counters.windows(windows);
        }
        return emitted;
    }

    /**
     * @return true while the next input waits for window output of the last one, or for room for its own.
     */
    @Override
    public boolean holdsInput()
    {
        return held;
    }

    private void startHold()
    {
        held = true;
        heldCountedUpToNs = clock.nanoTime();
        counters.holdStarted();
    }

    private boolean loadAhead(final long sequence)
    {
        if (lookahead == null)
        {
            return false;
        }
        if (sequence >= loadedUpTo)
        {
            loadedUpTo = lookahead.loadFrom(sequence);
        }
        return sequence < loadedUpTo;
    }

    private void onInput(final RingEvent event, final boolean stateLoaded)
    {
        if (event.kind() == FrameKind.SNAPSHOT)
        {
            // No firing is left unfinished here: the stage holds every input, this one too, until it is.
            onSnapshotPoint();
            return;
        }
        if (event.kind() != FrameKind.EVENT)
        {
            return;
        }
        lastEngineSeq = event.engineSeq();

        final int templateId = event.templateId();
        if (templateId == HeartbeatDecoder.TEMPLATE_ID)
        {
            windows.onHeartbeat(event.engineSeq(), event.clientId(),
                event.frame().getLong(EventLayout.EVENT_TIME_OFFSET, HeartbeatDecoder.BYTE_ORDER));
            counters.windows(windows);
            judgeByWatermark(event);
            return;
        }
        if (templateId != TransactionDecoder.TEMPLATE_ID && templateId != OrderDecoder.TEMPLATE_ID)
        {
            if (templateId == RulesUpdateDecoder.TEMPLATE_ID)
            {
                onRulesUpdate(event);
                judgeByWatermark(event);
            }
            return;
        }

        final int seen = dedup.check(event.clientId(), event.clientSeq());
        if (seen == DecisionDedup.DUPLICATE)
        {
            event.repeatDecision(dedup.foundVerdict(), dedup.foundFiredRules(), dedup.foundEngineSeq());
            rulesDone.done(event);
            counters.retryAnswered();
            return;
        }
        if (seen == DecisionDedup.STALE)
        {
            event.refuse(RejectReason.STALE_SEQUENCE);
            return;
        }

        if (templateId == TransactionDecoder.TEMPLATE_ID)
        {
            transaction.wrapAndApplyHeader(event.frame(), 0, header);
            if (keyedState != null && !stateLoaded)
            {
                prefetcher.prefetch(transaction);
            }
            evaluator.evaluate(transaction, event.engineSeq(), event.alerts());
            windows.onTransaction(event.engineSeq(), transaction);
        }
        else
        {
            order.wrapAndApplyHeader(event.frame(), 0, header);
            if (keyedState != null && !stateLoaded)
            {
                prefetcher.prefetch(order);
            }
            evaluator.evaluate(order, event.engineSeq(), event.alerts());
            windows.onOrder(event.engineSeq(), order);
        }
        counters.windows(windows);

        dedup.record(
            event.clientId(), event.clientSeq(), event.engineSeq(), evaluator.verdict(), evaluator.firedRules());
        event.decide(evaluator.verdict(), evaluator.firedRules());
        rulesDone.done(event);
        counters.decided(
            evaluator.verdict(), evaluator.firedRules(), evaluator.stateFullCount(), evaluator.errorCount());
        judgeByWatermark(event);
    }

    /**
     * Rules that judge by the watermark (patterns ending in an absence) judge after every input; what they raise
     * goes with this input's alerts, after its decision's, and is counted.
     */
    private void judgeByWatermark(final RingEvent event)
    {
        final RuleAlerts alerts = event.alerts();
        final int before = alerts.size();
        evaluator.onWatermark(windows.watermark(), alerts);
        for (int i = before, size = alerts.size(); i < size; i++)
        {
            counters.alertRaised(alerts.ruleId(i));
        }
    }

    private void onSnapshotPoint()
    {
        if (snapshotPending || isSnapshotInProgress() || !snapshotTaker.takeSnapshot(lastEngineSeq, this))
        {
            snapshotPending = true;
            counters.snapshotDeferred();
        }
    }

    private void onRulesUpdate(final RingEvent event)
    {
        final boolean copying = isSnapshotInProgress();
        if (rules.onRulesUpdate(event.frame()) == RulesInForce.APPLIED && copying && !isSnapshotInProgress())
        {
            // The update gave up the snapshot being copied: take one of the state after it.
            snapshotPending = true;
        }
    }
}
