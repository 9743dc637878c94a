package dev.vigil.core.rules.attribute;

import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleHit;
import dev.vigil.core.rules.RuleResult;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.state.RecordStore;

/**
 * A per-key attribute that the other rules' expressions read by name: a home country (the first country), the
 * last country, a rolling mean. It decides nothing. The evaluator runs every attribute before any rule judges an
 * event, so every expression sees the attribute's value for the event's key as it was before the event, whatever
 * the rules' ids; then the event is taken in.
 */
public abstract class AttributeRule extends KeyedStateRule
{
    private final KeptValue keeper;
    private final ValueExpression value;
    private final Condition where;
    private final EventFields fields = new EventFields();

    /**
     * @param id       the rule's id, which is also where expressions find its value.
     * @param name     the name expressions read it by.
     * @param stateKey what it is kept per.
     * @param spec     what it keeps.
     * @param maxKeys  most keys tracked.
     */
    protected AttributeRule(
        final int id, final String name, final StateKey stateKey, final AttributeSpec spec, final int maxKeys)
    {
        this(id, name, stateKey, spec, spec.newKeeper(), maxKeys);
    }

    private AttributeRule(
        final int id,
        final String name,
        final StateKey stateKey,
        final AttributeSpec spec,
        final KeptValue keeper,
        final int maxKeys)
    {
        super(id, name, RuleAction.ALERT_ONLY, stateKey, keeper.stateBytes(), maxKeys);
        this.keeper = keeper;
        this.value = spec.value();
        this.where = spec.where();
    }

    /**
     * @return the fields the subclass sets to the event before {@link #keep}.
     */
    protected final EventFields fields()
    {
        return fields;
    }

    /**
     * Read the attribute for the event's key into the hit's attribute values, then take the event in when it meets
     * the attribute's condition. An event that does not adds no key and changes no record.
     *
     * @param key         the event's key.
     * @param eventTimeNs the event's time.
     * @param hit         carries the attribute values to the rules that judge the event.
     * @return {@link RuleResult#PASSED}, or {@link RuleResult#STATE_FULL} when a kept event's key has no room, its
     * value then read as missing.
     */
    protected final int keep(final long key, final long eventTimeNs, final RuleHit hit)
    {
        final long[] values = hit.attributeValues();
        // Until it is read, should anything throw: never another event's value.
        values[id()] = 0;
        final long eventValue = value == null ? 0 : value.value(fields);
        if (where != null && !where.test(fields))
        {
            final long state = existingStateOf(key);
            values[id()] = state == RecordStore.FULL ? keeper.none(eventValue) :
                keeper.read(state, eventTimeNs, eventValue);
            return RuleResult.PASSED;
        }
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            values[id()] = keeper.none(eventValue);
            return RuleResult.STATE_FULL;
        }
        values[id()] = keeper.keep(state, eventTimeNs, eventValue);
        return RuleResult.PASSED;
    }
}
