package dev.vigil.core.rules.config;

import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleFilter;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.RuleSetLoader;
import dev.vigil.core.window.WindowSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the rule set a rules file defines: its enabled rules, each keyed rule tracking at most {@code maxKeys}
 * keys, and its enabled windowed aggregations. Given the rules in force, keeps every rule whose definition is
 * unchanged, state included, so a rules update resets only the rules it changes.
 */
public final class RuleSetBuilder implements RuleSetLoader
{
    private final int maxKeys;

    /**
     * @param maxKeys most keys each keyed rule tracks.
     */
    public RuleSetBuilder(final int maxKeys)
    {
        this.maxKeys = maxKeys;
    }

    /**
     * @param rulesFile a validated rules file.
     * @param previous  the rules in force, or null.
     * @return the rule set.
     * @throws RulesFileException naming each rule that could not be built (a custom rule refusing its parameters).
     */
    public RuleSet build(final RulesFile rulesFile, final RuleSet previous)
    {
        final List<Rule> rules = new ArrayList<>();
        final List<String> definitions = new ArrayList<>();
        final List<RuleFilter> filters = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        for (final RuleDefinition definition : rulesFile.rules())
        {
            if (!definition.enabled())
            {
                continue;
            }
            final String canonical = definition.canonical();
            final boolean unchanged = previous != null && canonical.equals(previous.definition(definition.id()));
            try
            {
                rules.add(unchanged ? previous.ruleById(definition.id()) : create(definition));
                definitions.add(canonical);
                filters.add(definition.where());
            }
            catch (final IllegalArgumentException ex)
            {
                errors.add(rulesFile.source() + ":" + definition.line() + ": rule '" + definition.name() + "' " +
                    ex.getMessage());
            }
        }
        final List<WindowSpec> windows = new ArrayList<>();
        for (final WindowDefinition window : rulesFile.windows())
        {
            if (window.enabled())
            {
                windows.add(window.toSpec(maxKeys));
            }
        }
        if (!errors.isEmpty())
        {
            throw new RulesFileException(errors);
        }
        return new RuleSet(rules, definitions, windows, filters);
    }

    @Override
    public RuleSet load(final String rulesText, final RuleSet previous)
    {
        return build(RulesFile.parse("rules update", rulesText), previous);
    }

    private Rule create(final RuleDefinition definition)
    {
        return definition.type() == RuleType.CUSTOM ?
            CustomRules.create(definition, maxKeys) : definition.type().create(definition, maxKeys);
    }
}
