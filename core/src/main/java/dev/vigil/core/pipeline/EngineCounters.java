package dev.vigil.core.pipeline;

import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.rules.Rule;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The engine's counters. Each is written by exactly one thread with ordered stores, so readers in other
 * processes (the counters file) see consistent values without slowing the writer. Labels are stable: {@code vigil
 * stat}, AeronStat and dashboards find counters by them. Each counter also knows its Prometheus family and label.
 */
public final class EngineCounters implements AutoCloseable
{
    /** Type id of every Vigil counter; the label tells them apart. */
    public static final int VIGIL_COUNTER_TYPE_ID = 7701;

    /**
     * Creates a counter; Aeron's {@code Aeron::addCounter} in the engine, an Agrona {@code CountersManager} in tests.
     */
    @FunctionalInterface
    public interface CounterFactory
    {
        /**
         * @param typeId counter type.
         * @param label  human-readable label.
         * @return a new counter.
         */
        AtomicCounter newCounter(int typeId, String label);
    }

    /** Label of the counter of rules updates the rules stage switched to. */
    public static final String RULES_UPDATES_APPLIED_LABEL = "vigil rules updates applied";
    /** Label of the counter of rules updates refused because their text does not describe valid rules. */
    public static final String RULES_UPDATES_REFUSED_INVALID_LABEL = "vigil rules updates refused invalid rules";
    /** Label of the counter of rules updates refused because chunks were missing or out of order. */
    public static final String RULES_UPDATES_REFUSED_INCOMPLETE_LABEL = "vigil rules updates refused incomplete";
    /** Label of the counter of rules update frames refused as structurally invalid. */
    public static final String RULES_UPDATES_REFUSED_MALFORMED_LABEL = "vigil rules updates refused malformed frame";

    private final AtomicCounter framesReceived;
    private final AtomicCounter eventsEvaluated;
    private final AtomicCounter alertsRaised;
    private final AtomicCounter stateFull;
    private final AtomicCounter ruleErrors;
    private final AtomicCounter repliesNotDelivered;
    private final AtomicCounter duplicates;
    private final AtomicCounter framesFromDisallowedSources;
    private final AtomicCounter rulesUpdatesApplied;
    private final AtomicCounter rulesUpdatesRefusedInvalid;
    private final AtomicCounter rulesUpdatesRefusedIncomplete;
    private final AtomicCounter rulesUpdatesRefusedMalformed;
    private final AtomicCounter[] decisionsByVerdict;
    private final AtomicCounter[] rejectsByReason;
    private final AtomicCounter ringOccupancy;
    private final AtomicCounter ringHighWaterMark;
    private final AtomicCounter journalBytes;
    private final AtomicCounter journalFsyncs;
    private final AtomicCounter journalLag;
    private final AtomicCounter snapshotsTaken;
    private final AtomicCounter snapshotsStreamed;
    private final AtomicCounter snapshotPauseMicros;
    private final AtomicCounter snapshotBytes;
    private final AtomicCounter snapshotsDeferred;
    private final AtomicCounter snapshotsFailed;
    private final AtomicCounter snapshotCopyWaits;
    private final AtomicCounter snapshotDurationMillis;
    private final AtomicCounter egressBackPressured;
    private final AtomicCounter errors;
    private final AtomicCounter[] alertsByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];
    private final AtomicCounter[] stateEntriesByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];
    private final AtomicCounter[] stateCapacityByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];
    private final CounterFactory factory;
    private final List<AtomicCounter> all = new ArrayList<>();
    private final List<CounterMetric> metrics = new ArrayList<>();

    /**
     * @param factory creates each counter.
     */
    public EngineCounters(final CounterFactory factory)
    {
        this.factory = factory;
        framesReceived = add("frames received", "vigil_frames_received_total",
            "inbound frames taken from ingress, refused ones included", false, null, null);
        eventsEvaluated = add("events evaluated", "vigil_events_evaluated_total",
            "events the rules evaluated (retries answered from the retry table excluded)", false, null, null);
        alertsRaised = add("alerts raised", "vigil_alerts_raised_total",
            "alerts raised by all rules", false, null, null);
        stateFull = add("rule state full", "vigil_rule_state_full_total",
            "events a keyed rule could not judge because its state was full", false, null, null);
        ruleErrors = add("rule errors", "vigil_rule_errors_total",
            "rule evaluations that threw: the rule could not judge the event", false, null, null);
        repliesNotDelivered = add("replies not delivered", "vigil_replies_not_delivered_total",
            "replies and alerts egress could not deliver", false, null, null);
        duplicates = add("retries answered with original decision", "vigil_retries_answered_total",
            "retried requests answered with their original decision", false, null, null);
        framesFromDisallowedSources = add("frames dropped from disallowed sources",
            "vigil_frames_dropped_disallowed_source_total",
            "ingress frames dropped because their source address is not in ingress.allowed.sources", false, null, null);

        rulesUpdatesApplied = rulesUpdates(RULES_UPDATES_APPLIED_LABEL, "applied");
        rulesUpdatesRefusedInvalid = rulesUpdates(RULES_UPDATES_REFUSED_INVALID_LABEL, "refused_invalid_rules");
        rulesUpdatesRefusedIncomplete = rulesUpdates(RULES_UPDATES_REFUSED_INCOMPLETE_LABEL, "refused_incomplete");
        rulesUpdatesRefusedMalformed = rulesUpdates(RULES_UPDATES_REFUSED_MALFORMED_LABEL, "refused_malformed_frame");

        final Verdict[] verdicts = {Verdict.APPROVE, Verdict.REVIEW, Verdict.DECLINE};
        decisionsByVerdict = new AtomicCounter[verdicts.length];
        for (final Verdict verdict : verdicts)
        {
            final String name = verdict.name().toLowerCase(Locale.ROOT);
            decisionsByVerdict[verdict.value()] = add("decisions " + name, "vigil_decisions_total",
                "decisions made, by verdict", false, "verdict", name);
        }

        rejectsByReason = new AtomicCounter[maxRejectReasonValue() + 1];
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                final String name = reason.name().toLowerCase(Locale.ROOT);
                rejectsByReason[reason.value()] = add("rejects " + name, "vigil_rejects_total",
                    "frames refused, by reason", false, "reason", name);
            }
        }

        ringOccupancy = add("ring occupancy", "vigil_ring_occupancy",
            "ring slots taken by frames not yet answered, as ingress last saw it", true, null, null);
        ringHighWaterMark = add("ring occupancy high water mark", "vigil_ring_occupancy_high_water_mark",
            "most ring slots ever taken at once since start", true, null, null);
        journalBytes = add("journal bytes", "vigil_journal_bytes_total",
            "bytes appended to the journal since start", false, null, null);
        journalFsyncs = add("journal fsyncs", "vigil_journal_fsyncs_total",
            "fsyncs of journal files since start", false, null, null);
        journalLag = add("journal lag records", "vigil_journal_lag_records",
            "records written to the journal but not yet as durable as configured", true, null, null);
        snapshotsTaken = add("snapshots taken", "vigil_snapshots_total",
            "snapshots of the engine state written since start", false, null, null);
        snapshotsStreamed = add("snapshots streamed", "vigil_snapshots_streamed_total",
            "snapshots whose state beside the keyed records was larger than snapshot.buffer.bytes, written whole " +
            "from the rules stage, which paused for the writes", false, null, null);
        snapshotPauseMicros = add("snapshot pause us", "vigil_snapshot_pause_microseconds",
            "longest single stop of the rules stage for the last snapshot: its point, a copy step or a wait for the " +
            "snapshot writer", true, null, null);
        snapshotBytes = add("snapshot bytes", "vigil_snapshot_bytes",
            "size of the last snapshot file", true, null, null);
        snapshotsDeferred = add("snapshots deferred", "vigil_snapshots_deferred_total",
            "snapshot points that came while the previous snapshot was still being copied or written; one snapshot " +
            "is taken when it is done", false, null, null);
        snapshotsFailed = add("snapshots failed", "vigil_snapshots_failed_total",
            "snapshots given up (file not writable, or a wait for the snapshot writer ran out): the temporary file " +
            "is deleted, the journal keeps every input", false, null, null);
        snapshotCopyWaits = add("snapshot copy waits", "vigil_snapshot_copy_waits_total",
            "writes to a keyed record not yet copied for a snapshot that found snapshot.copy.buffer.bytes full and " +
            "waited for the snapshot writer", false, null, null);
        snapshotDurationMillis = add("snapshot duration ms", "vigil_snapshot_duration_milliseconds",
            "how long the last snapshot took from its point to its file being published, the rules stage running " +
            "meanwhile", true, null, null);
        egressBackPressured = add("egress back pressured", "vigil_egress_back_pressured_total",
            "replies and alerts that met back-pressure and had to be retried", false, null, null);
        errors = add("errors", "vigil_errors_total",
            "exceptions in engine threads, each logged to the error log; the engine kept running", false, null, null);
    }

    /**
     * Add the per-rule counters of a rule set: alerts by rule and, for keyed rules, state entries and capacity.
     * Rules already counted keep their counters.
     *
     * @param rules the rules the engine runs.
     */
    public void addRules(final List<? extends Rule> rules)
    {
        for (final Rule rule : rules)
        {
            final int id = rule.id();
            if (alertsByRule[id] == null)
            {
                final String name = rule.name();
                alertsByRule[id] = add("alerts rule " + name, "vigil_alerts_total",
                    "alerts raised, by rule", false, "rule", name);
            }
            if (stateEntriesByRule[id] == null && rule.stateCapacity() > 0)
            {
                final String name = rule.name();
                stateEntriesByRule[id] = add("state entries " + name, "vigil_state_entries",
                    "keys a keyed rule holds state for, by rule", true, "rule", name);
                stateCapacityByRule[id] = add("state capacity " + name, "vigil_state_capacity",
                    "most keys a keyed rule can hold state for, by rule", true, "rule", name);
                stateCapacityByRule[id].setOrdered(rule.stateCapacity());
            }
        }
    }

    /**
     * @return every counter with its Prometheus family and label, in creation order.
     */
    public List<CounterMetric> metrics()
    {
        return Collections.unmodifiableList(metrics);
    }

    public AtomicCounter framesReceived()
    {
        return framesReceived;
    }

    public AtomicCounter eventsEvaluated()
    {
        return eventsEvaluated;
    }

    public AtomicCounter alertsRaised()
    {
        return alertsRaised;
    }

    public AtomicCounter stateFull()
    {
        return stateFull;
    }

    /**
     * @return rule evaluations that threw.
     */
    public AtomicCounter ruleErrors()
    {
        return ruleErrors;
    }

    public AtomicCounter repliesNotDelivered()
    {
        return repliesNotDelivered;
    }

    public AtomicCounter duplicates()
    {
        return duplicates;
    }

    /**
     * @return frames dropped before the ring because their source address is not in ingress.allowed.sources.
     */
    public AtomicCounter framesFromDisallowedSources()
    {
        return framesFromDisallowedSources;
    }

    /**
     * @return rules updates the rules stage switched to.
     */
    public AtomicCounter rulesUpdatesApplied()
    {
        return rulesUpdatesApplied;
    }

    /**
     * @return rules updates refused because their text does not describe valid rules.
     */
    public AtomicCounter rulesUpdatesRefusedInvalid()
    {
        return rulesUpdatesRefusedInvalid;
    }

    /**
     * @return rules updates refused because chunks were missing or out of order.
     */
    public AtomicCounter rulesUpdatesRefusedIncomplete()
    {
        return rulesUpdatesRefusedIncomplete;
    }

    /**
     * @return rules update frames refused by ingress as structurally invalid; written by the ingress thread.
     */
    public AtomicCounter rulesUpdatesRefusedMalformed()
    {
        return rulesUpdatesRefusedMalformed;
    }

    /**
     * @param verdict a verdict.
     * @return decisions made with that verdict.
     */
    public AtomicCounter decisions(final Verdict verdict)
    {
        return decisionsByVerdict[verdict.value()];
    }

    /**
     * @param reason a reject reason.
     * @return frames rejected for that reason.
     */
    public AtomicCounter rejects(final RejectReason reason)
    {
        return rejectsByReason[reason.value()];
    }

    /**
     * @return frames rejected for any reason.
     */
    public long totalRejects()
    {
        long total = 0;
        for (final AtomicCounter counter : rejectsByReason)
        {
            if (counter != null)
            {
                total += counter.get();
            }
        }
        return total;
    }

    public AtomicCounter ringOccupancy()
    {
        return ringOccupancy;
    }

    public AtomicCounter ringHighWaterMark()
    {
        return ringHighWaterMark;
    }

    public AtomicCounter journalBytes()
    {
        return journalBytes;
    }

    public AtomicCounter journalFsyncs()
    {
        return journalFsyncs;
    }

    public AtomicCounter journalLag()
    {
        return journalLag;
    }

    public AtomicCounter snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /**
     * @return snapshots whose state beside the keyed records was too large for the snapshot buffer, written whole to
     * the file from the rules stage.
     */
    public AtomicCounter snapshotsStreamed()
    {
        return snapshotsStreamed;
    }

    /**
     * @return gauge: the longest single stop of the rules stage for the last snapshot, in microseconds.
     */
    public AtomicCounter snapshotPauseMicros()
    {
        return snapshotPauseMicros;
    }

    /**
     * @return gauge: bytes of the last snapshot file.
     */
    public AtomicCounter snapshotBytes()
    {
        return snapshotBytes;
    }

    /**
     * @return snapshot points deferred because the previous snapshot was still being copied or written.
     */
    public AtomicCounter snapshotsDeferred()
    {
        return snapshotsDeferred;
    }

    /**
     * @return snapshots given up before their file was published.
     */
    public AtomicCounter snapshotsFailed()
    {
        return snapshotsFailed;
    }

    /**
     * @return copies before a write that waited for room in the snapshot copy buffer.
     */
    public AtomicCounter snapshotCopyWaits()
    {
        return snapshotCopyWaits;
    }

    /**
     * @return gauge: milliseconds from the last snapshot's point to its file being published.
     */
    public AtomicCounter snapshotDurationMillis()
    {
        return snapshotDurationMillis;
    }

    public AtomicCounter egressBackPressured()
    {
        return egressBackPressured;
    }

    public AtomicCounter errors()
    {
        return errors;
    }

    /**
     * @param ruleId a rule id of a rule set passed to {@link #addRules}.
     * @return alerts that rule raised, or null for a rule not added.
     */
    public AtomicCounter alerts(final int ruleId)
    {
        return alertsByRule[ruleId];
    }

    /**
     * @param ruleId a rule id of a rule set passed to {@link #addRules}.
     * @return keys that rule holds state for, or null for a rule not added or without keyed state.
     */
    public AtomicCounter stateEntries(final int ruleId)
    {
        return stateEntriesByRule[ruleId];
    }

    @Override
    public void close()
    {
        for (final AtomicCounter counter : all)
        {
            counter.close();
        }
    }

    /**
     * Create a counter in the same counters file that is also exported as a metric, for counters another component
     * owns (e.g. the windows). Call while the engine is being built, before metrics are served.
     *
     * @param label      label after the {@code vigil } prefix, stable: tools find the counter by it.
     * @param family     Prometheus family, e.g. {@code vigil_window_late_events_total}.
     * @param help       one line saying what it counts.
     * @param gauge      true for a value that goes up and down, false for a count that only grows.
     * @param labelName  Prometheus label name, or null.
     * @param labelValue Prometheus label value, or null.
     * @return the new counter, closed with these counters.
     */
    public AtomicCounter addExported(
        final String label,
        final String family,
        final String help,
        final boolean gauge,
        final String labelName,
        final String labelValue)
    {
        return add(label, family, help, gauge, labelName, labelValue);
    }

    private AtomicCounter rulesUpdates(final String fullLabel, final String outcome)
    {
        return add(fullLabel.substring("vigil ".length()), "vigil_rules_updates_total",
            "rules updates from the admin channel, by outcome", false, "outcome", outcome);
    }

    private AtomicCounter add(
        final String label,
        final String family,
        final String help,
        final boolean gauge,
        final String labelName,
        final String labelValue)
    {
        final AtomicCounter counter = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil " + label);
        all.add(counter);
        metrics.add(new CounterMetric(family, help, gauge, labelName, labelValue, counter));
        return counter;
    }

    private static int maxRejectReasonValue()
    {
        int max = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                max = Math.max(max, reason.value());
            }
        }
        return max;
    }
}
