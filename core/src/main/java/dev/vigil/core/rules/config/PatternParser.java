package dev.vigil.core.rules.config;

import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.rules.pattern.PatternMatcher;
import dev.vigil.core.rules.pattern.PatternShape;
import dev.vigil.core.window.WindowInput;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code pattern:} of a {@code type: pattern} rule, over the messages of the rule's {@code input:}: its
 * steps (each a condition, how many times, whether it must be the key's very next event, what must not come
 * between), {@code within}, optional absences before the first step and after the last, the events a key keeps and
 * what each matched event reports. Conditions are compiled over the message's fields; the same condition written
 * twice is one condition. Errors go to the file's {@link FieldReader}, each naming line, field and what is allowed.
 */
final class PatternParser
{
    private static final List<String> FIELDS =
        List.of("steps", "within", "allowed-lateness", "absent-before", "absent-after", "max-events", "value");
    private static final List<String> STEP_FIELDS = List.of("where", "times", "one-or-more", "next", "not-between");
    private static final List<String> ABSENT_FIELDS = List.of("where", "for");
    private static final String PATTERN = "a mapping with 'steps' and 'within', see docs/rules-language.md";
    private static final String STEP = "a mapping with 'where' and optionally times, one-or-more, next, not-between";
    private static final String MAX_WITHIN = "30d";

    private final FieldReader reader;
    private final ExpressionReader expressions;

    PatternParser(final FieldReader reader, final ExpressionReader expressions)
    {
        this.reader = reader;
        this.expressions = expressions;
    }

    /**
     * @param node     the {@code pattern:} field, null when missing.
     * @param ruleNode the rule, for errors about a missing field.
     * @param input    the messages the rule reads (its {@code input:}).
     * @param where    the rule, e.g. {@code rule 'atm-then-transfer'}.
     * @return the pattern, or null after reporting why it is not one.
     */
    PatternDefinition parse(final Node node, final Node ruleNode, final WindowInput input, final String where)
    {
        if (node == null)
        {
            reader.error(ruleNode, where, "field 'pattern' is missing", PATTERN);
            return null;
        }
        if (!(node instanceof MappingNode))
        {
            reader.error(node, where, "field 'pattern': wrong type, not a mapping", PATTERN);
            return null;
        }
        final int errorsBefore = reader.errorCount();
        final Map<String, Node> fields = reader.fields((MappingNode)node, where + " field 'pattern'", FIELDS);
        final ExprScope scope = ExprScope.fieldsOf(input);
        final List<Condition> conditions = new ArrayList<>();
        final List<PatternDefinition.Step> steps = steps(fields.get("steps"), node, where, scope, conditions);
        final long withinNs = reader.duration(fields, "within", node, where, "pattern.within", "1ms", MAX_WITHIN);
        final long latenessNs = fields.containsKey("allowed-lateness") ? reader.duration(fields, "allowed-lateness",
            node, where, "pattern.allowed-lateness", "0s", MAX_WITHIN) : withinNs;
        final long[] absentFor = new long[2];
        final int absent = absence(fields.get("absent-before"), where, "pattern.absent-before", scope, conditions,
            absentFor, 0);
        final int absentAfter = absence(fields.get("absent-after"), where, "pattern.absent-after", scope, conditions,
            absentFor, 1);
        final int maxEvents = fields.containsKey("max-events") ? (int)reader.integer(fields, "max-events", node,
            where, 1, PatternMatcher.MAX_EVENTS, null) : PatternDefinition.DEFAULT_MAX_EVENTS;
        final ValueExpression value = value(fields.get("value"), where, input);
        if (conditions.size() > PatternShape.MAX_CONDITIONS)
        {
            reader.error(node, where, "field 'pattern': " + conditions.size() + " distinct conditions",
                "at most " + PatternShape.MAX_CONDITIONS + " distinct conditions in one pattern");
        }
        if (reader.errorCount() > errorsBefore || steps.isEmpty())
        {
            return null;
        }
        return new PatternDefinition(input, List.copyOf(steps), List.copyOf(conditions), withinNs, latenessNs,
            absent, absentFor[0], absentAfter, absentFor[1], maxEvents, value);
    }

    /**
     * An absence, {@code {where: ..., for: ...}}: the bit of its condition, its duration put in {@code forNs[at]}; -1
     * when the field is not given or after reporting why it is not one.
     */
    private int absence(
        final Node node, final String where, final String field, final ExprScope scope,
        final List<Condition> conditions, final long[] forNs, final int at)
    {
        if (node == null)
        {
            return -1;
        }
        if (!(node instanceof MappingNode))
        {
            reader.error(node, where, "field '" + field + "': wrong type, not a mapping",
                "a mapping with 'where' and 'for', e.g. {where: channel == ATM, for: 30d}");
            return -1;
        }
        final Map<String, Node> parts =
            reader.fields((MappingNode)node, where + " field '" + field + "'", ABSENT_FIELDS);
        final int condition = condition(parts.get("where"), node, where, field + ".where", scope, conditions);
        forNs[at] = reader.duration(parts, "for", node, where, field + ".for", "1ms", "3650d");
        return condition;
    }

    private List<PatternDefinition.Step> steps(
        final Node node, final Node parent, final String where, final ExprScope scope, final List<Condition> conditions)
    {
        if (node == null)
        {
            reader.error(parent, where, "field 'pattern.steps' is missing", "a list of steps, each '- where: ...'");
            return List.of();
        }
        final List<PatternDefinition.Step> steps = reader.entries(node, "pattern.steps",
            "a list of steps, each '- where: ...'",
            (stepNode, index) -> step(stepNode, index, where, scope, conditions));
        final int slots = steps.stream().mapToInt(PatternDefinition.Step::maxTimes).sum();
        if (slots > PatternShape.MAX_SLOTS)
        {
            reader.error(node, where, "field 'pattern.steps': a match of up to " + slots + " events",
                "steps whose times add up to at most " + PatternShape.MAX_SLOTS);
        }
        if (steps.isEmpty())
        {
            reader.error(node, where, "field 'pattern.steps' has no valid step", "at least one step");
        }
        return steps;
    }

    private PatternDefinition.Step step(
        final Node node, final int index, final String where, final ExprScope scope, final List<Condition> conditions)
    {
        final String field = "pattern.steps[" + index + "]";
        if (!(node instanceof MappingNode))
        {
            reader.error(node, where, "field '" + field + "': wrong type, not a mapping", STEP);
            return null;
        }
        final int errorsBefore = reader.errorCount();
        final Map<String, Node> parts = reader.fields((MappingNode)node, where + " field '" + field + "'", STEP_FIELDS);
        if (!parts.containsKey("where"))
        {
            reader.error(node, where, "field '" + field + ".where' is missing", "a condition, e.g. amount <= 2.00");
        }
        final int condition = parts.containsKey("where") ?
            condition(parts.get("where"), node, where, field + ".where", scope, conditions) : -1;
        int minTimes = 1;
        int maxTimes = 1;
        if (parts.containsKey("times") && parts.containsKey("one-or-more"))
        {
            reader.error(parts.get("one-or-more"), where, "field '" + field + "': both 'times' and 'one-or-more'",
                "one of them");
        }
        else if (parts.containsKey("times"))
        {
            minTimes = (int)reader.integer(parts, "times", node, where, 1, PatternShape.MAX_SLOTS, null);
            maxTimes = minTimes;
        }
        else if (parts.containsKey("one-or-more"))
        {
            maxTimes = (int)reader.integer(parts, "one-or-more", node, where, 1, PatternShape.MAX_SLOTS, null);
        }
        final boolean next = bool(parts, "next", node, where, field);
        final int notBetween = parts.containsKey("not-between") ?
            condition(parts.get("not-between"), node, where, field + ".not-between", scope, conditions) : -1;
        if (reader.errorCount() > errorsBefore || condition < 0)
        {
            return null;
        }
        return new PatternDefinition.Step(condition, minTimes, maxTimes, next, notBetween);
    }

    /**
     * @return the bit of the condition, the same bit for a condition written again, or -1 after reporting why not.
     */
    private int condition(
        final Node node, final Node parent, final String where, final String field, final ExprScope scope,
        final List<Condition> conditions)
    {
        if (node == null)
        {
            reader.error(parent, where, "field '" + field + "' is missing", "a condition, e.g. amount <= 2.00");
            return -1;
        }
        final Condition condition = expressions.condition(node, where, field, scope);
        if (condition == null)
        {
            return -1;
        }
        for (int i = 0; i < conditions.size(); i++)
        {
            if (conditions.get(i).canonical().equals(condition.canonical()))
            {
                return i;
            }
        }
        conditions.add(condition);
        return conditions.size() - 1;
    }

    private boolean bool(final Map<String, Node> parts, final String name, final Node node, final String where,
        final String field)
    {
        final String text = reader.text(parts, name, node, where, null);
        if (text != null && !"true".equals(text) && !"false".equals(text))
        {
            reader.error(parts.get(name), where, "field '" + field + "." + name + "': '" + text +
                "' is not a boolean", "true or false");
        }
        return "true".equals(text);
    }

    private ValueExpression value(final Node node, final String where, final WindowInput input)
    {
        final ExprScope scope = ExprScope.fieldsOf(input);
        if (node == null)
        {
            return ValueExpression.compile(input == WindowInput.TRANSACTIONS ? "amount" : "notional", scope);
        }
        return expressions.value(node, where, "pattern.value", scope);
    }
}
