package dev.vigil.core.rules.threshold;

import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.state.RecordStore;

/**
 * A rule written in a rules file as {@code type: threshold}: per key, an aggregate (count, sum, min, max, mean,
 * distinct count) of the values of the key's events in an event-time sliding window, compared with a limit. With a
 * {@code where:}, the events are those that meet it (the evaluator gives the rule no other). The window's state is
 * the rule's slice of the key's record, so it shares the record, the snapshots, the rules updates and the full-state
 * fallback of every keyed rule. The alert reports what was measured and the window measured.
 */
public abstract class ThresholdRule extends KeyedStateRule
{
    private final WindowAggregate aggregate;
    private final Comparison comparison;
    private final long limit;
    private final ValueExpression value;
    private final EventFields fields = new EventFields();

    /**
     * @param id       rule id.
     * @param name     rule name.
     * @param action   what an event gets when the rule fires.
     * @param stateKey what the windows are kept by.
     * @param spec     what the rule measures and when it fires.
     * @param maxKeys  most keys of the rule's own store.
     */
    protected ThresholdRule(
        final int id,
        final String name,
        final RuleAction action,
        final StateKey stateKey,
        final ThresholdSpec spec,
        final int maxKeys)
    {
        this(id, name, action, stateKey, spec, spec.newAggregate(), maxKeys);
    }

    private ThresholdRule(
        final int id,
        final String name,
        final RuleAction action,
        final StateKey stateKey,
        final ThresholdSpec spec,
        final WindowAggregate aggregate,
        final int maxKeys)
    {
        super(id, name, action, stateKey, aggregate.stateBytes(), maxKeys);
        this.aggregate = aggregate;
        this.comparison = spec.comparison();
        this.limit = spec.limit();
        this.value = spec.value();
    }

    /**
     * @return what the subclass sets the event in before {@link #judge}.
     */
    protected final EventFields fields()
    {
        return fields;
    }

    /**
     * Take an event, whose fields are set in {@link #fields()}, into its key's window, and judge the window.
     *
     * @param key         the value of the rule's key in the event.
     * @param eventTimeNs the event's time.
     * @param hit         filled in when the rule fires.
     * @return a {@link RuleResult} code.
     */
    protected final int judge(final long key, final long eventTimeNs, final RuleHit hit)
    {
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            return RuleResult.STATE_FULL;
        }
        final long eventValue = value == null ? 0 : value.value(fields.attributes(hit.attributeValues()));
        if (!aggregate.add(state, eventTimeNs, eventValue) || !aggregate.fires(comparison, limit))
        {
            return RuleResult.PASSED;
        }
        return hit.set(key, aggregate.measured, limit, aggregate.windowStartNs, aggregate.windowEndNs);
    }
}
