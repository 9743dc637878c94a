package dev.vigil.core.rules;

/**
 * Builds a rule set from the text of a rules file, for the rules stage to switch to when a rules update reaches it
 * and to rebuild the rules recorded in a snapshot. Runs on the rules thread, but only on those rare occasions, so
 * it may allocate.
 */
@FunctionalInterface
public interface RuleSetLoader
{
    /**
     * @param rulesText the rules file's text.
     * @param previous  the rules in force, whose rules are kept, state included, where their definition is
     *                  unchanged; null to build every rule afresh.
     * @return the new rule set.
     * @throws IllegalArgumentException naming every error when the text does not describe valid rules.
     */
    RuleSet load(String rulesText, RuleSet previous);
}
