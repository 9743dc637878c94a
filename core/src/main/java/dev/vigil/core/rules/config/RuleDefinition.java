package dev.vigil.core.rules.config;

import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleFilter;
import dev.vigil.core.rules.attribute.AttributeSpec;
import dev.vigil.core.rules.threshold.ThresholdSpec;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowInput;

import java.util.Locale;
import java.util.Map;

/**
 * One rule as a rules file defines it, validated.
 *
 * @param id               rule id: its bit in a Decision's fired-rules bitmap.
 * @param name             name for reports and alerts.
 * @param type             rule type.
 * @param key              what the rule keeps its state by, e.g. {@code account}; empty for custom rules.
 * @param windowSizeNs     window length, 0 when the type has none.
 * @param slideNs          window slide, 0 when the type has none or slides with every event.
 * @param action           what a message gets when the rule fires.
 * @param enabled          whether the rule runs.
 * @param parameters       the type's parameters by name (durations in nanoseconds), in the type's order.
 * @param customClass      class of a custom rule, null for built-in types.
 * @param customParameters a custom rule's parameters as written, in file order.
 * @param threshold        what a threshold rule measures and when it fires, null for other types.
 * @param where            the rule's {@code where:}, null when it sees every event.
 * @param pattern          a pattern rule's steps and bounds, null for other types.
 * @param attribute        what an attribute keeps, null for other types.
 * @param line             line of the rule in its file.
 */
public record RuleDefinition(
    int id,
    String name,
    RuleType type,
    String key,
    long windowSizeNs,
    long slideNs,
    RuleAction action,
    boolean enabled,
    Map<String, Long> parameters,
    String customClass,
    Map<String, String> customParameters,
    ThresholdSpec threshold,
    RuleFilter where,
    PatternDefinition pattern,
    AttributeSpec attribute,
    int line)
{
    /**
     * @param filter a {@code where:}.
     * @return this rule with that filter.
     */
    RuleDefinition withWhere(final RuleFilter filter)
    {
        return new RuleDefinition(id, name, type, key, windowSizeNs, slideNs, action, enabled, parameters, customClass,
            customParameters, threshold, filter, pattern, attribute, line);
    }

    /**
     * @param name a parameter of the rule's type.
     * @return its value.
     */
    public long parameter(final String name)
    {
        return parameters.get(name);
    }

    /**
     * Everything that shapes the rule's behaviour and state, in one canonical line: two rules with the same line
     * behave the same, so a rules update keeps the state of a rule whose line it leaves unchanged.
     *
     * @return the canonical definition.
     */
    public String canonical()
    {
        return "id=" + id + " " + describe(true);
    }

    /**
     * @return the rule on one line, as {@code vigil rules check} prints it.
     */
    public String describe()
    {
        return describe(false);
    }

    /**
     * @param canonical true for the form a rules update compares: the condition canonical, not as written.
     */
    private String describe(final boolean canonical)
    {
        final StringBuilder text = new StringBuilder();
        text.append(name).append(" (").append(type.typeName()).append(')');
        if (!key.isEmpty())
        {
            text.append(" key ").append(key);
        }
        if (windowSizeNs > 0)
        {
            text.append(" window ").append(Durations.format(windowSizeNs));
            if (slideNs > 0)
            {
                text.append(" slide ").append(Durations.format(slideNs));
            }
        }
        if (customClass != null)
        {
            text.append(" class ").append(customClass);
        }
        if (threshold != null)
        {
            text.append(threshold.input() == WindowInput.ORDERS ? " input orders " : " ")
                .append(threshold.describe(canonical));
        }
        for (final ParameterSpec spec : type.parameters())
        {
            text.append(' ').append(spec.name()).append(' ').append(spec.format(parameters.get(spec.name())));
        }
        for (final Map.Entry<String, String> entry : customParameters.entrySet())
        {
            text.append(' ').append(entry.getKey()).append(' ').append(entry.getValue());
        }
        if (pattern != null)
        {
            text.append(pattern.describe(canonical));
        }
        if (attribute != null)
        {
            // An attribute decides nothing, so it has no action.
            return text.append(attribute.input() == WindowInput.ORDERS ? " input orders " : " ")
                .append(attribute.describe(canonical)).toString();
        }
        if (where != null)
        {
            text.append(" where ").append(canonical ? where.canonical() : where.text());
        }
        text.append(" -> ").append(action.name().toLowerCase(Locale.ROOT));
        return text.toString();
    }
}
