package dev.vigil.core.rules.expr;

import dev.vigil.core.window.WindowInput;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an expression may refer to: the fields of one kind of message, in the condition of a rule what the rules
 * with lower ids decided about the event ({@code fired(rule)}, {@code verdict}), and in the expressions of rules the
 * per-key attributes the rules file keeps.
 *
 * @param input      the messages the expression reads.
 * @param ruleId     the id of the rule whose condition it is; -1 where rules' outcomes are not known (the windows, a
 *                   threshold rule's value).
 * @param rules      every rule of the file, for {@code fired(rule)}; empty where outcomes are not known.
 * @param attributes the attributes it may read by name; empty outside rules.
 */
public record ExprScope(WindowInput input, int ruleId, List<RuleRef> rules, List<AttributeRef> attributes)
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
     * A per-key attribute an expression may read: its value for the event's key as it was before the event.
     *
     * @param name       its name, as expressions write it.
     * @param id         the id of the rule that keeps it, which is also where its value is found in
     *                   {@link EventFields}.
     * @param input      the messages it is kept over.
     * @param type       the type of its value.
     * @param definition its canonical definition: the canonical form of an expression reading it includes this.
     */
    public record AttributeRef(String name, int id, WindowInput input, ExprType type, String definition)
    {
    }

    /**
     * @param input the messages.
     * @return a scope of their fields only.
     */
    public static ExprScope fieldsOf(final WindowInput input)
    {
        return new ExprScope(input, -1, List.of(), List.of());
    }

    /**
     * @param input  the messages the rule judges.
     * @param ruleId the rule's id.
     * @param rules  every rule of the file.
     * @return the scope of the rule's condition.
     */
    public static ExprScope ruleCondition(final WindowInput input, final int ruleId, final List<RuleRef> rules)
    {
        return new ExprScope(input, ruleId, List.copyOf(rules), List.of());
    }

    /**
     * @param name a name an attribute would take.
     * @return why expressions could not read an attribute by that name (it is not a name, or is a field, a word of
     * the language or a value such as ATM), or null when they could.
     */
    public static String reservedName(final String name)
    {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*"))
        {
            return "is not a name: letters, digits and '_', with '-' only between them";
        }
        for (final WindowInput input : WindowInput.values())
        {
            if (EventField.of(name, input) != null)
            {
                return "is a field of " + input.name().toLowerCase(Locale.ROOT);
            }
        }
        if (List.of("verdict", "fired", "and", "or", "not", "in").contains(name))
        {
            return "is a word of the expression language";
        }
        for (final ExprType type : ExprType.values())
        {
            if (type.isSymbolic() && type.symbol(name) != ExprType.NO_SYMBOL)
            {
                return "is " + type.noun() + " (" + name + ")";
            }
        }
        return null;
    }

    /**
     * @param attributes the per-key attributes the expression may read.
     * @return this scope with those attributes.
     */
    public ExprScope withAttributes(final List<AttributeRef> attributes)
    {
        return new ExprScope(input, ruleId, rules, List.copyOf(attributes));
    }

    /**
     * @param name a name as an expression writes it.
     * @return the attribute of that name, over any messages, or null.
     */
    public AttributeRef attribute(final String name)
    {
        for (final AttributeRef attribute : attributes)
        {
            if (attribute.name().equals(name))
            {
                return attribute;
            }
        }
        return null;
    }

    /**
     * @return true where {@code fired(rule)} and {@code verdict} may be used.
     */
    public boolean knowsOutcomes()
    {
        return ruleId >= 0;
    }
}
