package dev.vigil.core.counters;

import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.rules.Rule;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The engine's counters, made from their descriptions: the {@link EngineCounter}s, then those other components add
 * ({@link #addExported}) and the per-rule ones ({@link #addRules}). Each is written by exactly one thread with ordered
 * stores, so readers in other processes (the counters file) see consistent values without slowing the writer. Labels
 * are stable: {@code vigil stat}, AeronStat and dashboards find counters by them. Each counter is also exported as a
 * member of its Prometheus family ({@link #metrics()}), in the order counters were created, so {@code vigil stat}'s
 * rows and the metrics come from the same descriptions.
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

    /** What every Vigil counter's label begins with; {@code vigil stat} shows the rest. */
    public static final String LABEL_PREFIX = "vigil ";

    private final CounterFactory factory;
    private final List<AtomicCounter> all = new ArrayList<>();
    private final List<CounterMetric> metrics = new ArrayList<>();
    private final AtomicCounter[] byDescriptor;
    private final AtomicCounter[] decisionsByVerdict = new AtomicCounter[maxValue(Verdict.values()) + 1];
    private final AtomicCounter[] rejectsByReason = new AtomicCounter[maxValue(RejectReason.values()) + 1];
    private final AtomicCounter[] alertsByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];
    private final AtomicCounter[] stateEntriesByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];
    private final AtomicCounter[] stateCapacityByRule = new AtomicCounter[Rule.MAX_RULE_ID + 1];

    /**
     * Creates every {@link EngineCounter}, in its order.
     *
     * @param factory creates each counter.
     */
    public EngineCounters(final CounterFactory factory)
    {
        this.factory = factory;
        byDescriptor = addExported(EngineCounter.values());
        for (final Verdict verdict : Verdict.values())
        {
            if (verdict != Verdict.NULL_VAL)
            {
                decisionsByVerdict[verdict.value()] = get(EngineCounter.decisions(verdict));
            }
        }
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                rejectsByReason[reason.value()] = get(EngineCounter.rejects(reason));
            }
        }
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
                alertsByRule[id] = addExported(EngineCounter.Families.ALERTS_BY_RULE, rule.name());
            }
            if (stateEntriesByRule[id] == null && rule.stateCapacity() > 0)
            {
                stateEntriesByRule[id] = addExported(EngineCounter.Families.STATE_ENTRIES, rule.name());
                stateCapacityByRule[id] = addExported(EngineCounter.Families.STATE_CAPACITY, rule.name());
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

    /**
     * @param descriptor one of the engine's counters.
     * @return that counter. A stage that counts per event keeps the counters it writes in fields of its own.
     */
    public AtomicCounter get(final EngineCounter descriptor)
    {
        return byDescriptor[descriptor.ordinal()];
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
     * Create counters another component owns (e.g. the windows) in the same counters file, each also exported as a
     * metric, in the order given. Call while the engine is being built, before metrics are served.
     *
     * @param descriptors the counters, e.g. the values of the owner's enum of them.
     * @return the new counters, indexed like {@code descriptors} (for an enum's values, by ordinal); closed with these
     * counters.
     */
    public AtomicCounter[] addExported(final CounterDescriptor[] descriptors)
    {
        final AtomicCounter[] counters = new AtomicCounter[descriptors.length];
        for (int i = 0; i < descriptors.length; i++)
        {
            final CounterDescriptor descriptor = descriptors[i];
            counters[i] = add(descriptor.label(), descriptor.family(), descriptor.labelValue());
        }
        return counters;
    }

    /**
     * Create one member of a family whose members are made from values, e.g. one per rule, labelled
     * {@link CounterFamily#memberLabel}. Call while the engine is being built, before metrics are served.
     *
     * @param family     a family with a label name and a label prefix.
     * @param labelValue the member's label value, e.g. a rule's name.
     * @return the new counter, closed with these counters.
     */
    public AtomicCounter addExported(final CounterFamily family, final String labelValue)
    {
        return add(family.memberLabel(labelValue), family, labelValue);
    }

    private AtomicCounter add(final String label, final CounterFamily family, final String labelValue)
    {
        if ((family.labelName() == null) != (labelValue == null))
        {
            throw new IllegalArgumentException(label + ": family " + family + " has label " + family.labelName() +
                ", counter has label value " + labelValue);
        }
        final AtomicCounter counter = factory.newCounter(VIGIL_COUNTER_TYPE_ID, LABEL_PREFIX + label);
        all.add(counter);
        metrics.add(new CounterMetric(label, family, labelValue, counter));
        return counter;
    }

    private static int maxValue(final Verdict[] verdicts)
    {
        int max = 0;
        for (final Verdict verdict : verdicts)
        {
            if (verdict != Verdict.NULL_VAL)
            {
                max = Math.max(max, verdict.value());
            }
        }
        return max;
    }

    private static int maxValue(final RejectReason[] reasons)
    {
        int max = 0;
        for (final RejectReason reason : reasons)
        {
            if (reason != RejectReason.NULL_VAL)
            {
                max = Math.max(max, reason.value());
            }
        }
        return max;
    }
}
