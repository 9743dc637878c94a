package dev.vigil.core.pipeline;

import dev.vigil.codecs.Verdict;
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
 */
final class RulesStageCounters
{
    private final EngineCounters counters;
    private final WindowCounters windowCounters;
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
        this.windowCounters = windowCounters;
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
        counters.eventsEvaluated().incrementOrdered();
        counters.decisions(verdict).incrementOrdered();
        if (firedRules != 0)
        {
            counters.alertsRaised().getAndAddOrdered(Long.bitCount(firedRules));
            countAlertsByRule(firedRules);
        }
        if (stateFullCount > 0)
        {
            counters.stateFull().getAndAddOrdered(stateFullCount);
        }
        if (errorCount > 0)
        {
            counters.ruleErrors().getAndAddOrdered(errorCount);
        }
    }

    void retryAnswered()
    {
        counters.duplicates().incrementOrdered();
    }

    void snapshotDeferred()
    {
        counters.snapshotsDeferred().incrementOrdered();
    }

    /**
     * A stop of the stage for a snapshot: kept when it is the longest of the snapshot.
     */
    void snapshotStop(final long micros)
    {
        if (micros > counters.snapshotPauseMicros().get())
        {
            counters.snapshotPauseMicros().setOrdered(micros);
        }
    }

    void windows(final EventTimeWindows windows)
    {
        if (windowCounters != null)
        {
            windowCounters.lateEvents().setOrdered(windows.lateEvents());
            windowCounters.results().setOrdered(windows.resultsEmitted());
            windowCounters.stateFull().setOrdered(windows.stateFullEvents());
            windowCounters.watermark().setOrdered(windows.watermark());
        }
    }

    void holdStarted()
    {
        if (windowCounters != null)
        {
            windowCounters.outputHolds().incrementOrdered();
        }
    }

    void held(final long nanos)
    {
        if (windowCounters != null)
        {
            windowCounters.outputHeldNs().getAndAddOrdered(nanos);
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
