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
    private final boolean countsOrSums;
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
        if (id >= EventFields.ATTRIBUTE_SLOTS)
        {
            throw new IllegalArgumentException("id " + id + " must be below " + EventFields.ATTRIBUTE_SLOTS);
        }
        this.keeper = keeper;
        this.value = spec.value();
        this.where = spec.where();
        this.countsOrSums = spec.kind() == AttributeKind.COUNT || spec.kind() == AttributeKind.SUM;
    }

    /**
     * @return the fields the subclass sets to the event before {@link #keep}.
     */
    protected final EventFields fields()
    {
        return fields;
    }

    /**
     * Read the attribute for the event's key into the hit's attribute values, then take the event in.
     *
     * @param key         the event's key.
     * @param eventTimeNs the event's time.
     * @param hit         carries the attribute values to the rules that judge the event.
     * @return {@link RuleResult#PASSED}, or {@link RuleResult#STATE_FULL} when the key has no room, its value then
     * read as missing.
     */
    protected final int keep(final long key, final long eventTimeNs, final RuleHit hit)
    {
        final long eventValue = value == null ? 0 : value.value(fields);
        final long state = stateOf(key);
        if (state == RecordStore.FULL)
        {
            hit.attributeValues()[id()] = countsOrSums ? 0 : eventValue;
            return RuleResult.STATE_FULL;
        }
        final boolean kept = where == null || where.test(fields);
        hit.attributeValues()[id()] = keeper.observe(state, eventTimeNs, kept, eventValue);
        return RuleResult.PASSED;
    }
}
