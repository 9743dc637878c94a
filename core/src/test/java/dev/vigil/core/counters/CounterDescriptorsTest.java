package dev.vigil.core.counters;

import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.rules.EveryRuleType;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counters the engine creates are exactly its descriptors, in their order: each labelled {@code "vigil " +
 * label} in the counters file, which {@code vigil stat} shows, and exported in its family with its label value, which
 * the Prometheus exposition writes; the counter handed out for a descriptor is the one both read.
 */
class CounterDescriptorsTest
{
    private static final int CAPACITY = 256;

    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CAPACITY * CountersReader.COUNTER_LENGTH, 64)));
    private final EngineCounters counters =
        new EngineCounters((typeId, label) -> countersManager.newCounter(label, typeId));

    @Test
    void everyDescriptorIsOneCounterInTheFileAndInTheMetricsInItsOrder()
    {
        final WindowCounters windowCounters = new WindowCounters(counters);
        final RuleSet rules = EveryRuleType.ruleSet(64);
        counters.addRules(rules.rules());

        final List<String> fileLabels = new ArrayList<>();
        countersManager.forEach((counterId, typeId, keyBuffer, label) ->
        {
            assertEquals(EngineCounters.VIGIL_COUNTER_TYPE_ID, typeId, label);
            fileLabels.add(label);
        });
        final List<CounterMetric> metrics = counters.metrics();
        final List<String> metricLabels = new ArrayList<>();
        for (final CounterMetric metric : metrics)
        {
            metricLabels.add(EngineCounters.LABEL_PREFIX + metric.label());
        }
        assertEquals(fileLabels, metricLabels, "the stat rows and the metrics are the same counters in one order");

        int index = 0;
        for (final EngineCounter descriptor : EngineCounter.values())
        {
            assertMetric(descriptor, counters.get(descriptor), metrics.get(index++));
        }
        for (final WindowCounter descriptor : WindowCounter.values())
        {
            assertMetric(descriptor, windowCounters.get(descriptor), metrics.get(index++));
        }
        for (final Rule rule : rules.rules())
        {
            assertMember(EngineCounter.Families.ALERTS_BY_RULE, rule.name(), counters.alerts(rule.id()),
                metrics.get(index++));
            if (rule.stateCapacity() > 0)
            {
                assertMember(EngineCounter.Families.STATE_ENTRIES, rule.name(), counters.stateEntries(rule.id()),
                    metrics.get(index++));
                final CounterMetric capacity = metrics.get(index++);
                assertEquals(EngineCounter.Families.STATE_CAPACITY.memberLabel(rule.name()), capacity.label());
                assertEquals(rule.stateCapacity(), capacity.value());
            }
            else
            {
                assertNull(counters.stateEntries(rule.id()), rule.name());
            }
        }
        assertEquals(metrics.size(), index, "nothing beside the descriptors and the rules' members");
    }

    @Test
    void eachFamilyIsDescribedOnceAndItsNameSaysItsType()
    {
        final List<CounterDescriptor> descriptors = new ArrayList<>(List.of(EngineCounter.values()));
        descriptors.addAll(List.of(WindowCounter.values()));
        final Map<String, CounterFamily> families = new HashMap<>();
        for (final CounterFamily family : List.of(
            EngineCounter.Families.RULES_UPDATES, EngineCounter.Families.DECISIONS, EngineCounter.Families.REJECTS,
            EngineCounter.Families.ALERTS_BY_RULE, EngineCounter.Families.STATE_ENTRIES,
            EngineCounter.Families.STATE_CAPACITY))
        {
            assertNotNull(family.labelName(), family.name());
            assertNull(families.put(family.name(), family), family.name());
        }

        final Set<String> labels = new HashSet<>();
        for (final CounterDescriptor descriptor : descriptors)
        {
            final CounterFamily family = descriptor.family();
            assertTrue(labels.add(descriptor.label()), "one counter per label: " + descriptor.label());
            assertSame(family, families.computeIfAbsent(family.name(), name -> family),
                family.name() + " is described in one place");
            assertEquals(family.name().endsWith("_total"), !family.gauge(), family.name());
            assertEquals(family.labelName() == null, descriptor.labelValue() == null, descriptor.label());
            assertTrue(family.name().matches("vigil_[a-z_]+"), family.name());
        }
    }

    @Test
    void everyVerdictAndRejectReasonHasItsCounter()
    {
        int verdicts = 0;
        for (final Verdict verdict : Verdict.values())
        {
            if (verdict != Verdict.NULL_VAL)
            {
                final EngineCounter descriptor = EngineCounter.decisions(verdict);
                assertSame(EngineCounter.Families.DECISIONS, descriptor.family());
                assertEquals(verdict.name().toLowerCase(Locale.ROOT), descriptor.labelValue());
                assertSame(counters.get(descriptor), counters.decisions(verdict));
                verdicts++;
            }
        }
        int reasons = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                final EngineCounter descriptor = EngineCounter.rejects(reason);
                assertSame(EngineCounter.Families.REJECTS, descriptor.family());
                assertEquals(reason.name().toLowerCase(Locale.ROOT), descriptor.labelValue());
                assertSame(counters.get(descriptor), counters.rejects(reason));
                reasons++;
            }
        }
        assertEquals(verdicts, membersOf(EngineCounter.Families.DECISIONS), "a counter for no verdict");
        assertEquals(reasons, membersOf(EngineCounter.Families.REJECTS), "a counter for no reject reason");
    }

    private static void assertMetric(
        final CounterDescriptor descriptor, final AtomicCounter counter, final CounterMetric metric)
    {
        assertEquals(descriptor.label(), metric.label());
        assertEquals(descriptor.family().name(), metric.family());
        assertEquals(descriptor.family().help(), metric.help());
        assertEquals(descriptor.family().gauge(), metric.gauge());
        assertEquals(descriptor.family().labelName(), metric.labelName());
        assertEquals(descriptor.labelValue(), metric.labelValue());
        assertWritesReachMetric(descriptor.label(), counter, metric);
    }

    private static void assertMember(
        final CounterFamily family, final String labelValue, final AtomicCounter counter, final CounterMetric metric)
    {
        assertEquals(family.memberLabel(labelValue), metric.label());
        assertEquals(family.name(), metric.family());
        assertEquals(family.labelName(), metric.labelName());
        assertEquals(labelValue, metric.labelValue());
        assertWritesReachMetric(metric.label(), counter, metric);
    }

    private static void assertWritesReachMetric(
        final String label, final AtomicCounter counter, final CounterMetric metric)
    {
        final long value = counter.get() + label.length() + 1;
        counter.setOrdered(value);
        assertEquals(value, metric.value(), label);
    }

    private static int membersOf(final CounterFamily family)
    {
        int members = 0;
        for (final EngineCounter descriptor : EngineCounter.values())
        {
            members += descriptor.family() == family ? 1 : 0;
        }
        return members;
    }
}
