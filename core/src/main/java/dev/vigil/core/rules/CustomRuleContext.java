package dev.vigil.core.rules;

import java.util.Map;

/**
 * What a custom rule class is given to build itself from a rules file entry of {@code type: custom}: its identity,
 * its free parameters, and how many keys it may track.
 * <p>
 * A custom rule class implements {@link TransactionRule} and/or {@link OrderRule} (extending {@link NamedRule} is
 * the easy way to carry the identity), has a public constructor taking this context, and keeps the contract of
 * {@link Rule}: event time only, no allocation, locks, logging or exceptions per event, state only in fields it
 * writes to snapshots. The constructor runs when rules load, so it may allocate its state and must throw
 * {@link IllegalArgumentException} for parameters it cannot accept.
 *
 * @param id         the rule's id.
 * @param name       the rule's name.
 * @param action     what a message gets when the rule fires.
 * @param parameters the entry's parameters, as written.
 * @param maxKeys    most keys the rule should track.
 */
public record CustomRuleContext(
    int id, String name, RuleAction action, Map<String, String> parameters, int maxKeys)
{
    /**
     * @param name a parameter name.
     * @return its value as a long.
     * @throws IllegalArgumentException when it is missing or not an integer.
     */
    public long longParameter(final String name)
    {
        final String value = parameters.get(name);
        if (value == null)
        {
            throw new IllegalArgumentException("parameter '" + name + "' is missing");
        }
        try
        {
            return Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("parameter '" + name + "' = '" + value + "' is not an integer", ex);
        }
    }
}
