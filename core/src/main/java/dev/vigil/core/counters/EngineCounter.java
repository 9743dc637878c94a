package dev.vigil.core.counters;

import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;

import java.util.Locale;

import static dev.vigil.core.counters.CounterFamily.counter;
import static dev.vigil.core.counters.CounterFamily.gauge;

/**
 * The engine's own counters, in the order {@link EngineCounters} creates them, which is the order of
 * {@code vigil stat}'s rows and of the Prometheus families. Each constant is one counter: its stable label, and the
 * family it is exported in with its help line; the help line is what the counter means. Adding a counter is adding a
 * constant here. The counters made per rule are in the families of {@link Families}, beside the rule set.
 */
public enum EngineCounter implements CounterDescriptor
{
    FRAMES_RECEIVED("frames received", counter("vigil_frames_received_total",
        "inbound frames taken from ingress, refused ones included")),
    EVENTS_EVALUATED("events evaluated", counter("vigil_events_evaluated_total",
        "events the rules evaluated (retries answered from the retry table excluded)")),
    ALERTS_RAISED("alerts raised", counter("vigil_alerts_raised_total",
        "alerts raised by all rules")),
    RULE_STATE_FULL("rule state full", counter("vigil_rule_state_full_total",
        "events a keyed rule could not judge because its state was full")),
    RULE_ERRORS("rule errors", counter("vigil_rule_errors_total",
        "rule evaluations that threw: the rule could not judge the event")),
    REPLIES_NOT_DELIVERED("replies not delivered", counter("vigil_replies_not_delivered_total",
        "replies and alerts egress could not deliver")),
    RETRIES_ANSWERED("retries answered with original decision", counter("vigil_retries_answered_total",
        "retried requests answered with their original decision")),
    FRAMES_FROM_DISALLOWED_SOURCES("frames dropped from disallowed sources", counter(
        "vigil_frames_dropped_disallowed_source_total",
        "ingress frames dropped because their source address is not in ingress.allowed.sources")),

    RULES_UPDATES_APPLIED("rules updates applied", Families.RULES_UPDATES, "applied"),
    RULES_UPDATES_REFUSED_INVALID("rules updates refused invalid rules", Families.RULES_UPDATES,
        "refused_invalid_rules"),
    RULES_UPDATES_REFUSED_INCOMPLETE("rules updates refused incomplete", Families.RULES_UPDATES,
        "refused_incomplete"),
    RULES_UPDATES_REFUSED_MALFORMED("rules updates refused malformed frame", Families.RULES_UPDATES,
        "refused_malformed_frame"),

    DECISIONS_APPROVE(Families.DECISIONS, Verdict.APPROVE),
    DECISIONS_REVIEW(Families.DECISIONS, Verdict.REVIEW),
    DECISIONS_DECLINE(Families.DECISIONS, Verdict.DECLINE),

    REJECTS_FRAME_TOO_SHORT(Families.REJECTS, RejectReason.FRAME_TOO_SHORT),
    REJECTS_FRAME_TOO_LARGE(Families.REJECTS, RejectReason.FRAME_TOO_LARGE),
    REJECTS_UNKNOWN_SCHEMA(Families.REJECTS, RejectReason.UNKNOWN_SCHEMA),
    REJECTS_UNSUPPORTED_VERSION(Families.REJECTS, RejectReason.UNSUPPORTED_VERSION),
    REJECTS_UNKNOWN_TEMPLATE(Families.REJECTS, RejectReason.UNKNOWN_TEMPLATE),
    REJECTS_BAD_BLOCK_LENGTH(Families.REJECTS, RejectReason.BAD_BLOCK_LENGTH),
    REJECTS_NOT_CONNECTED(Families.REJECTS, RejectReason.NOT_CONNECTED),
    REJECTS_CLIENT_ID_MISMATCH(Families.REJECTS, RejectReason.CLIENT_ID_MISMATCH),
    REJECTS_INVALID_FIELD(Families.REJECTS, RejectReason.INVALID_FIELD),
    REJECTS_NOT_ACCEPTED_HERE(Families.REJECTS, RejectReason.NOT_ACCEPTED_HERE),
    REJECTS_STALE_SEQUENCE(Families.REJECTS, RejectReason.STALE_SEQUENCE),
    REJECTS_AUTHENTICATION_FAILED(Families.REJECTS, RejectReason.AUTHENTICATION_FAILED),

    RING_OCCUPANCY("ring occupancy", gauge("vigil_ring_occupancy",
        "ring slots taken by frames not yet answered, as ingress last saw it")),
    RING_HIGH_WATER_MARK("ring occupancy high water mark", gauge("vigil_ring_occupancy_high_water_mark",
        "most ring slots ever taken at once since start")),
    JOURNAL_BYTES("journal bytes", counter("vigil_journal_bytes_total",
        "bytes appended to the journal since start")),
    JOURNAL_FSYNCS("journal fsyncs", counter("vigil_journal_fsyncs_total",
        "fsyncs of journal files since start")),
    JOURNAL_LAG("journal lag records", gauge("vigil_journal_lag_records",
        "records written to the journal but not yet as durable as configured")),
    JOURNAL_REFUSED("journal appends refused", counter("vigil_journal_appends_refused_total",
        "inputs the journal refused (closed, disk full): each held in the ring, with all after it, until taken")),
    SNAPSHOTS_TAKEN("snapshots taken", counter("vigil_snapshots_total",
        "snapshots of the engine state written since start")),
    SNAPSHOTS_STREAMED("snapshots streamed", counter("vigil_snapshots_streamed_total",
        "snapshots whose state beside the keyed records was larger than snapshot.buffer.bytes, written whole from " +
        "the rules stage, which paused for the writes")),
    SNAPSHOT_PAUSE_MICROS("snapshot pause us", gauge("vigil_snapshot_pause_microseconds",
        "longest single stop of the rules stage for the last snapshot: its point, a copy step with its write to the " +
        "file, or an inline write")),
    SNAPSHOT_BYTES("snapshot bytes", gauge("vigil_snapshot_bytes",
        "size of the last snapshot file")),
    SNAPSHOTS_DEFERRED("snapshots deferred", counter("vigil_snapshots_deferred_total",
        "snapshot points that came while the previous snapshot was still being copied or written; one snapshot is " +
        "taken when it is done")),
    SNAPSHOTS_FAILED("snapshots failed", counter("vigil_snapshots_failed_total",
        "snapshots given up (the file could not be written): the temporary file is " +
        "deleted, the journal keeps every input")),
    SNAPSHOT_INLINE_WRITES("snapshot inline writes", counter("vigil_snapshot_inline_writes_total",
        "writes to a keyed record not yet copied for a snapshot that found snapshot.write.buffer.bytes full and " +
        "wrote what it held to the file first, a stop of the event being handled (a copy finished at once, at a " +
        "clean stop, counts once per buffer too)")),
    SNAPSHOT_DURATION_MILLIS("snapshot duration ms", gauge("vigil_snapshot_duration_milliseconds",
        "how long the last snapshot took from its point to its file being published, the rules stage running " +
        "meanwhile")),
    EGRESS_BACK_PRESSURED("egress back pressured", counter("vigil_egress_back_pressured_total",
        "replies and alerts that met back-pressure and had to be retried")),
    ERRORS("errors", counter("vigil_errors_total",
        "exceptions in engine threads, each logged to the error log; the engine kept running"));

    /**
     * The engine's families of several counters told apart by a label: the members of some are constants above, the
     * others are made per rule when a rule set is added ({@link EngineCounters#addRules}).
     */
    public static final class Families
    {
        /** Rules updates by outcome; its members name their own labels. */
        public static final CounterFamily RULES_UPDATES = counter("vigil_rules_updates_total",
            "rules updates from the admin channel, by outcome", "outcome", null);
        /** Decisions by verdict. */
        public static final CounterFamily DECISIONS = counter("vigil_decisions_total",
            "decisions made, by verdict", "verdict", "decisions");
        /** Refused frames by reject reason. */
        public static final CounterFamily REJECTS = counter("vigil_rejects_total",
            "frames refused, by reason", "reason", "rejects");
        /** Alerts by rule, one member per rule. */
        public static final CounterFamily ALERTS_BY_RULE = counter("vigil_alerts_total",
            "alerts raised, by rule", "rule", "alerts rule");
        /** Keys held by each keyed rule. */
        public static final CounterFamily STATE_ENTRIES = gauge("vigil_state_entries",
            "keys a keyed rule holds state for, by rule", "rule", "state entries");
        /** Most keys each keyed rule can hold. */
        public static final CounterFamily STATE_CAPACITY = gauge("vigil_state_capacity",
            "most keys a keyed rule can hold state for, by rule", "rule", "state capacity");

        private Families()
        {
        }
    }

    private final String label;
    private final CounterFamily family;
    private final String labelValue;

    EngineCounter(final String label, final CounterFamily family)
    {
        this(label, family, null);
    }

    EngineCounter(final String label, final CounterFamily family, final String labelValue)
    {
        this.label = label;
        this.family = family;
        this.labelValue = labelValue;
    }

    /**
     * A member for one value of a codec enum: its label value is the value's name in lower case.
     */
    EngineCounter(final CounterFamily family, final Enum<?> value)
    {
        this.labelValue = value.name().toLowerCase(Locale.ROOT);
        this.label = family.memberLabel(labelValue);
        this.family = family;
    }

    @Override
    public String label()
    {
        return label;
    }

    @Override
    public CounterFamily family()
    {
        return family;
    }

    @Override
    public String labelValue()
    {
        return labelValue;
    }

    /**
     * @param verdict a verdict other than {@code NULL_VAL}.
     * @return the counter of decisions with that verdict.
     * @throws IllegalArgumentException for a verdict without one.
     */
    public static EngineCounter decisions(final Verdict verdict)
    {
        return member(Families.DECISIONS, verdict);
    }

    /**
     * @param reason a reject reason other than {@code NULL_VAL}.
     * @return the counter of frames refused for that reason.
     * @throws IllegalArgumentException for a reason without one (a reason added to the schema needs a constant here).
     */
    public static EngineCounter rejects(final RejectReason reason)
    {
        return member(Families.REJECTS, reason);
    }

    private static EngineCounter member(final CounterFamily family, final Enum<?> value)
    {
        final String labelValue = value.name().toLowerCase(Locale.ROOT);
        for (final EngineCounter descriptor : values())
        {
            if (descriptor.family == family && labelValue.equals(descriptor.labelValue))
            {
                return descriptor;
            }
        }
        throw new IllegalArgumentException("no " + family + " counter for " + value);
    }
}
