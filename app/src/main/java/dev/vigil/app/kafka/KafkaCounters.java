package dev.vigil.app.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters of a Kafka source or sink: written by its one thread, read by any (the status line, the Prometheus
 * endpoint). Each has a stable label, as {@code vigil stat} rows have, and a Prometheus metric.
 */
public final class KafkaCounters
{
    /**
     * Which connector a counter belongs to.
     */
    public enum Role
    {
        /** {@code vigil kafka source}. */
        SOURCE,
        /** {@code vigil kafka sink}. */
        SINK
    }

    /**
     * Every counter: its label, its Prometheus family and label, what it counts, and whether it goes up and down.
     */
    public enum Counter
    {
        /** Records read from the input topic. */
        SOURCE_RECORDS_IN(Role.SOURCE, "records in", "vigil_kafka_source_records_in_total", null,
            "records read from the input topic", false),
        /** Events sent to the engine, resends included. */
        SOURCE_SENT(Role.SOURCE, "sent", "vigil_kafka_source_sent_total", null,
            "events sent to the engine, resends included", false),
        /** Events sent again after the engine's session was lost. */
        SOURCE_RESENT(Role.SOURCE, "resent", "vigil_kafka_source_resent_total", null,
            "events sent again under their sequence after the engine's session was lost or went quiet", false),
        /** Records the engine decided. */
        SOURCE_DECIDED(Role.SOURCE, "decided", "vigil_kafka_source_decided_total", null,
            "records the engine answered with a decision", false),
        /** Records that are not JSON, or not a flat object. */
        SOURCE_BAD_UNPARSEABLE(Role.SOURCE, "bad records: unparseable", "vigil_kafka_source_bad_records_total",
            "unparseable", "records not decided, by reason", false),
        /** JSON records with a missing, unknown or invalid member. */
        SOURCE_BAD_INVALID_EVENT(Role.SOURCE, "bad records: invalid event", "vigil_kafka_source_bad_records_total",
            "invalid_event", "records not decided, by reason", false),
        /** Records in the sbe format that are not an event frame. */
        SOURCE_BAD_SBE(Role.SOURCE, "bad records: bad sbe", "vigil_kafka_source_bad_records_total",
            "bad_sbe", "records not decided, by reason", false),
        /** Records the engine refused. */
        SOURCE_BAD_REJECTED(Role.SOURCE, "bad records: rejected by the engine",
            "vigil_kafka_source_bad_records_total", "rejected", "records not decided, by reason", false),
        /** Bad records written to the dead-letter topic. */
        SOURCE_DEAD_LETTERS(Role.SOURCE, "dead letters out", "vigil_kafka_source_dead_letters_total", null,
            "bad records committed to the dead-letter topic", false),
        /** Decisions written to the decisions topic. */
        SOURCE_DECISIONS_OUT(Role.SOURCE, "decisions out", "vigil_kafka_source_decisions_out_total", null,
            "decisions committed to the decisions topic", false),
        /** Commits of offsets (in a transaction with the decisions, when they are written). */
        SOURCE_COMMITS(Role.SOURCE, "commits", "vigil_kafka_source_commits_total", null,
            "offset commits, each in one transaction with its decisions and dead letters where those are written",
            false),
        /** Commits that failed; the source went back to its last committed offsets. */
        SOURCE_COMMITS_FAILED(Role.SOURCE, "commits failed", "vigil_kafka_source_commits_failed_total", null,
            "commits that failed, after which the source resumed from its last committed offsets", false),
        /** Sessions with the engine opened again. */
        SOURCE_RECONNECTS(Role.SOURCE, "reconnects", "vigil_kafka_source_reconnects_total", null,
            "sessions with the engine opened again after one was lost or went quiet", false),
        /** Records read and not yet committed. */
        SOURCE_IN_FLIGHT(Role.SOURCE, "in flight", "vigil_kafka_source_in_flight", null,
            "records read and not yet committed: waiting, sent, or decided and waiting for the commit", true),
        /** Records on the topic after the consumer's position. */
        SOURCE_LAG(Role.SOURCE, "lag", "vigil_kafka_source_lag", null,
            "records on the input topic not yet read, summed over partitions", true),
        /** Partitions not read while their records wait for the engine. */
        SOURCE_PAUSED_PARTITIONS(Role.SOURCE, "paused partitions", "vigil_kafka_source_paused_partitions", null,
            "partitions not read while the engine or the commit catches up with them", true),

        /** Alerts read from the engine's outputs. */
        SINK_ALERTS_IN(Role.SINK, "alerts in", "vigil_kafka_sink_outputs_in_total", "alert",
            "outputs taken from the engine, by kind", false),
        /** Window results read from the engine's outputs. */
        SINK_WINDOWS_IN(Role.SINK, "window results in", "vigil_kafka_sink_outputs_in_total", "window",
            "outputs taken from the engine, by kind", false),
        /** Late events read from the engine's outputs. */
        SINK_LATE_IN(Role.SINK, "late events in", "vigil_kafka_sink_outputs_in_total", "late",
            "outputs taken from the engine, by kind", false),
        /** Outputs at or below the committed position: delivered before. */
        SINK_SKIPPED(Role.SINK, "skipped as delivered", "vigil_kafka_sink_skipped_total", null,
            "outputs at or below the committed position, delivered before a restart", false),
        /** Outputs of a kind that has no topic. */
        SINK_NOT_ROUTED(Role.SINK, "not routed", "vigil_kafka_sink_not_routed_total", null,
            "outputs of a kind given no topic", false),
        /** Outputs committed to their topics. */
        SINK_OUTPUTS_OUT(Role.SINK, "outputs out", "vigil_kafka_sink_outputs_out_total", null,
            "outputs committed to their topics", false),
        /** Transactions committed. */
        SINK_COMMITS(Role.SINK, "commits", "vigil_kafka_sink_commits_total", null,
            "transactions committed, each with the position of its last output", false),
        /** Transactions that failed; the sink went back to its last committed position. */
        SINK_COMMITS_FAILED(Role.SINK, "commits failed", "vigil_kafka_sink_commits_failed_total", null,
            "transactions that failed, after which the sink resumed from its last committed position", false),
        /** Engine sequence of the last committed output. */
        SINK_POSITION(Role.SINK, "position (engine seq)", "vigil_kafka_sink_position", null,
            "engine sequence of the input whose output was committed last", true),
        /** Outputs produced into the open transaction. */
        SINK_PENDING(Role.SINK, "pending", "vigil_kafka_sink_pending", null,
            "outputs produced into the open transaction, not yet committed", true),
        /** Journal records replayed: the sink's read position in the engine's journal. */
        SINK_JOURNAL_SEQ(Role.SINK, "journal read up to", "vigil_kafka_sink_journal_read_seq", null,
            "engine sequence of the last journal record read (journal mode)", true);

        private final Role role;
        private final String label;
        private final String family;
        private final String labelValue;
        private final String help;
        private final boolean gauge;

        Counter(
            final Role role, final String label, final String family, final String labelValue, final String help,
            final boolean gauge)
        {
            this.role = role;
            this.label = label;
            this.family = family;
            this.labelValue = labelValue;
            this.help = help;
            this.gauge = gauge;
        }

        /**
         * @return the counter's label, as the status line shows it.
         */
        public String label()
        {
            return label;
        }

        /**
         * @return the Prometheus metric family.
         */
        public String family()
        {
            return family;
        }
    }

    private final Role role;
    private final List<Counter> counters = new ArrayList<>();
    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    /**
     * @return this connector's counters, in their order.
     */
    public List<Counter> counters()
    {
        return List.copyOf(counters);
    }

    /**
     * @param role whose counters.
     */
    public KafkaCounters(final Role role)
    {
        this.role = role;
        for (final Counter counter : Counter.values())
        {
            if (counter.role == role)
            {
                counters.add(counter);
            }
        }
    }

    /**
     * @param counter to add one to.
     */
    public void increment(final Counter counter)
    {
        values.lazySet(counter.ordinal(), values.get(counter.ordinal()) + 1);
    }

    /**
     * @param counter to add to.
     * @param delta   how much.
     */
    public void add(final Counter counter, final long delta)
    {
        values.lazySet(counter.ordinal(), values.get(counter.ordinal()) + delta);
    }

    /**
     * @param counter a gauge.
     * @param value   its value now.
     */
    public void set(final Counter counter, final long value)
    {
        values.lazySet(counter.ordinal(), value);
    }

    /**
     * @param counter which.
     * @return its value.
     */
    public long get(final Counter counter)
    {
        return values.get(counter.ordinal());
    }

    /**
     * @return the counters of this role in the Prometheus text format (0.0.4).
     */
    public String prometheus()
    {
        final Map<String, StringBuilder> families = new LinkedHashMap<>();
        for (final Counter counter : counters)
        {
            final StringBuilder family = families.computeIfAbsent(counter.family, name -> new StringBuilder()
                .append("# HELP ").append(name).append(' ').append(counter.help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(counter.gauge ? "gauge" : "counter")
                .append('\n'));
            family.append(counter.family);
            if (counter.labelValue != null)
            {
                family.append('{').append(role == Role.SOURCE ? "reason" : "kind").append("=\"")
                    .append(counter.labelValue).append("\"}");
            }
            family.append(' ').append(get(counter)).append('\n');
        }
        final StringBuilder text = new StringBuilder();
        families.values().forEach(text::append);
        return text.toString();
    }

    /**
     * @return one line with every counter that is not zero, for a periodic report.
     */
    public String statusLine()
    {
        final StringBuilder line = new StringBuilder(role == Role.SOURCE ? "kafka source:" : "kafka sink:");
        for (final Counter counter : counters)
        {
            final long value = get(counter);
            if (value != 0)
            {
                line.append(String.format(Locale.ROOT, "  %s %,d", counter.label, value));
            }
        }
        return line.toString();
    }
}
