package dev.vigil.core.rules.expr;

import dev.vigil.core.window.WindowInput;

import java.util.List;
import java.util.Set;

/**
 * What an expression may refer to: the fields of one kind of message and, in the condition of a rule, what the rules
 * with lower ids decided about the event ({@code fired(rule)}, {@code verdict}).
 *
 * @param input    the messages the expression reads.
 * @param ruleId   the id of the rule whose condition it is; -1 where rules' outcomes are not known (the windows, a
 *                 threshold rule's value).
 * @param rules    every rule of the file, for {@code fired(rule)}; empty where outcomes are not known.
 */
public record ExprScope(WindowInput input, int ruleId, List<RuleRef> rules)
{
    /**
     * A rule that {@code fired(...)} may name.
     *
     * @param id     its id.
     * @param name   its name.
     * @param inputs the messages it judges.
     */
    public record RuleRef(int id, String name, Set<WindowInput> inputs)
    {
    }

    /**
     * @param input the messages.
     * @return a scope of their fields only.
     */
    public static ExprScope fieldsOf(final WindowInput input)
    {
        return new ExprScope(input, -1, List.of());
    }

    /**
     * @param input  the messages the rule judges.
     * @param ruleId the rule's id.
     * @param rules  every rule of the file.
     * @return the scope of the rule's condition.
     */
    public static ExprScope ruleCondition(final WindowInput input, final int ruleId, final List<RuleRef> rules)
    {
        return new ExprScope(input, ruleId, List.copyOf(rules));
    }

    /**
     * @return true where {@code fired(rule)} and {@code verdict} may be used.
     */
    public boolean knowsOutcomes()
    {
        return ruleId >= 0;
    }
}
