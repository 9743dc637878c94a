package dev.vigil.core.stage.rules;

import dev.vigil.codecs.Verdict;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.counters.WindowCounter;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.window.EventTimeWindows;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rules stage counts: decisions and alerts per event, the window gauges, the state-entry gauges at the end
 * of each batch, and how long window output held the input. Written on the rules thread only, with ordered stores.
 * The counters written per event are fields here, taken once from their owners.
 */
final class RulesStageCounters
{
    private final EngineCounters counters;
    private final AtomicCounter eventsEvaluated;
    private final AtomicCounter alertsRaised;
    private final AtomicCounter ruleStateFull;
    private final AtomicCounter ruleErrors;
    private final AtomicCounter retriesAnswered;
    private final AtomicCounter snapshotsDeferred;
    private final AtomicCounter snapshotPauseMicros;
    private final boolean windowsCounted;
    private final AtomicCounter windowLateEvents;
    private final AtomicCounter windowResults;
    private final AtomicCounter windowStateFull;
    private final AtomicCounter watermark;
    private final AtomicCounter windowOutputHolds;
    private final AtomicCounter windowOutputHeldNs;
    /** Rules whose state entries are counted on their own, each batch; the others are keyed in shared stores. */
    private Rule[] ownStateRules = new Rule[0];
    private Rule[] sharedStateRules = new Rule[0];
    private KeyedStateStores keyedState;
    private long publishedSharedKeys = -1;

    /**
     * @param counters       the engine's counters.
     * @param windowCounters the window counters, or null for none.
     */
    RulesStageCounters(final EngineCounters counters, final WindowCounters windowCounters)
    {
        this.counters = counters;
        eventsEvaluated = counters.get(EngineCounter.EVENTS_EVALUATED);
        alertsRaised = counters.get(EngineCounter.ALERTS_RAISED);
        ruleStateFull = counters.get(EngineCounter.RULE_STATE_FULL);
        ruleErrors = counters.get(EngineCounter.RULE_ERRORS);
        retriesAnswered = counters.get(EngineCounter.RETRIES_ANSWERED);
        snapshotsDeferred = counters.get(EngineCounter.SNAPSHOTS_DEFERRED);
        snapshotPauseMicros = counters.get(EngineCounter.SNAPSHOT_PAUSE_MICROS);
        windowsCounted = windowCounters != null;
        windowLateEvents = windowsCounted ? windowCounters.get(WindowCounter.LATE_EVENTS) : null;
        windowResults = windowsCounted ? windowCounters.get(WindowCounter.RESULTS) : null;
        windowStateFull = windowsCounted ? windowCounters.get(WindowCounter.STATE_FULL) : null;
        watermark = windowsCounted ? windowCounters.get(WindowCounter.WATERMARK) : null;
        windowOutputHolds = windowsCounted ? windowCounters.get(WindowCounter.OUTPUT_HOLDS) : null;
        windowOutputHeldNs = windowsCounted ? windowCounters.get(WindowCounter.OUTPUT_HELD_NS) : null;
    }

    EngineCounters engineCounters()
    {
        return counters;
    }

    /**
     * Rules now in force: which of them report state entries themselves and which through the shared stores.
     *
     * @param ruleSet    the rules in force.
     * @param keyedState the shared keyed stores, or null when each rule keeps its own state.
     */
    void rulesInForce(final RuleSet ruleSet, final KeyedStateStores keyedState)
    {
        final List<Rule> own = new ArrayList<>();
        final List<Rule> shared = new ArrayList<>();
        for (final Rule rule : ruleSet.rules())
        {
            (keyedState != null && rule instanceof KeyedStateRule ? shared : own).add(rule);
        }
        this.keyedState = keyedState;
        ownStateRules = own.toArray(new Rule[0]);
        sharedStateRules = shared.toArray(new Rule[0]);
        publishedSharedKeys = -1;
    }

    /**
     * The state was replaced (a snapshot loaded): the next batch publishes every gauge afresh.
     */
    void stateReplaced()
    {
        publishedSharedKeys = -1;
    }

    void decided(final Verdict verdict, final long firedRules, final int stateFullCount, final int errorCount)
    {
        eventsEvaluated.incrementOrdered();
        counters.decisions(verdict).incrementOrdered();
        if (firedRules != 0)
        {
            alertsRaised.getAndAddOrdered(Long.bitCount(firedRules));
            countAlertsByRule(firedRules);
        }
        if (stateFullCount > 0)
        {
            ruleStateFull.getAndAddOrdered(stateFullCount);
        }
        if (errorCount > 0)
        {
            ruleErrors.getAndAddOrdered(errorCount);
        }
    }

    /**
     * @param ruleId a rule that raised an alert outside a decision (on the watermark).
     */
    void alertRaised(final int ruleId)
    {
        alertsRaised.incrementOrdered();
        final AtomicCounter counter = counters.alerts(ruleId);
        if (counter != null)
        {
            counter.incrementOrdered();
        }
    }

    void retryAnswered()
    {
        retriesAnswered.incrementOrdered();
    }

    void snapshotDeferred()
    {
        snapshotsDeferred.incrementOrdered();
    }

    /**
     * A stop of the stage for a snapshot: kept when it is the longest of the snapshot.
     */
    void snapshotStop(final long micros)
    {
        if (micros > snapshotPauseMicros.get())
        {
            snapshotPauseMicros.setOrdered(micros);
        }
    }

    void windows(final EventTimeWindows windows)
    {
        if (windowsCounted)
        {
            windowLateEvents.setOrdered(windows.lateEvents());
            windowResults.setOrdered(windows.resultsEmitted());
            windowStateFull.setOrdered(windows.stateFullEvents());
            watermark.setOrdered(windows.watermark());
        }
    }

    void holdStarted()
    {
        if (windowsCounted)
        {
            windowOutputHolds.incrementOrdered();
        }
    }

    void held(final long nanos)
    {
        if (windowsCounted)
        {
            windowOutputHeldNs.getAndAddOrdered(nanos);
        }
    }

    /**
     * The state-entry gauges, at the end of each batch. Rules in the shared stores report their store's keys, which
     * change only when a key is added: they are read only when the stores' total has moved, which spares a lone event
     * a pass over every rule.
     */
    void batchEnded()
    {
        publishStateEntries(ownStateRules);
        if (keyedState != null)
        {
            final long sharedKeys = keyedState.keysHeld();
            if (sharedKeys != publishedSharedKeys)
            {
                publishedSharedKeys = sharedKeys;
                publishStateEntries(sharedStateRules);
            }
        }
    }

    private void publishStateEntries(final Rule[] rules)
    {
        for (final Rule rule : rules)
        {
            final AtomicCounter counter = counters.stateEntries(rule.id());
            final int entries = rule.stateEntries();
            if (counter != null && counter.get() != entries)
            {
                counter.setOrdered(entries);
            }
        }
    }

    private void countAlertsByRule(final long firedRules)
    {
        long remaining = firedRules;
        while (remaining != 0)
        {
            final AtomicCounter counter = counters.alerts(Long.numberOfTrailingZeros(remaining));
            if (counter != null)
            {
                counter.incrementOrdered();
            }
            remaining &= remaining - 1;
        }
    }
}
