package dev.vigil.core.rules.config;

import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ExprType;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.rules.threshold.Aggregate;
import dev.vigil.core.rules.threshold.Comparison;
import dev.vigil.core.rules.threshold.ThresholdSpec;
import dev.vigil.core.window.WindowInput;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a {@code type: threshold} rule beyond those every rule has: {@code input}, {@code aggregate},
 * {@code value}, and one limit of {@code above}, {@code at-least}, {@code below} or {@code at-most}. Errors go to
 * the file's {@link FieldReader}.
 */
final class ThresholdReader
{
    /** The fields only threshold rules take. */
    static final List<String> FIELDS = List.of("input", "aggregate", "value", "above", "at-least", "below", "at-most");

    private static final String LIMITS = "one of above, at-least, below, at-most";

    private final FieldReader reader;
    private final ExpressionReader expressions;

    /**
     * @param reader      reads the fields and collects the errors of the whole file.
     * @param expressions compiles the expressions, knowing the file's attributes.
     */
    ThresholdReader(final FieldReader reader, final ExpressionReader expressions)
    {
        this.reader = reader;
        this.expressions = expressions;
    }

    /**
     * @return the messages the rule judges, transactions unless it says; null after reporting an unknown input.
     */
    WindowInput input(final Map<String, Node> fields, final Node ruleNode, final String where)
    {
        final String text = reader.text(fields, "input", ruleNode, where, null);
        if (text == null)
        {
            return WindowInput.TRANSACTIONS;
        }
        for (final WindowInput input : WindowInput.values())
        {
            if (WindowDefinition.lower(input).equals(text))
            {
                return input;
            }
        }
        reader.error(fields.get("input"), where, "field 'input': unknown input '" + text + "'",
            "transactions, orders");
        return null;
    }

    /**
     * Report the threshold fields of a rule of another type.
     */
    void refuse(final Map<String, Node> fields, final RuleType type, final String where, final String... takes)
    {
        for (final String field : FIELDS)
        {
            if (fields.containsKey(field) && !List.of(takes).contains(field))
            {
                reader.error(fields.get(field), where, "field '" + field + "': a " + type.typeName() +
                    " rule takes no " + field + " (threshold rules do)", "no '" + field + "'");
            }
        }
    }

    /**
     * @param window the rule's window size and slide, 0 when not valid.
     * @return what the rule measures and when it fires, or null after reporting why not.
     */
    ThresholdSpec spec(
        final Map<String, Node> fields, final Node ruleNode, final String where, final WindowInput input,
        final String key, final long[] window)
    {
        final int errorsBefore = reader.errorCount();
        checkKey(fields, input, key, where);
        final Aggregate aggregate = aggregate(fields, ruleNode, where);
        final ValueExpression value = aggregate == null || input == null ? null : value(fields, ruleNode, where,
            aggregate, input);
        final Comparison comparison = comparison(fields, ruleNode, where);
        // Without a valid value, what the limit is in is unknown: it is not read.
        final boolean limitReadable =
            aggregate != null && comparison != null && (value != null || !aggregate.takesValue());
        final long limit = limitReadable ?
            limit(fields.get(comparison.fieldName()), where, comparison, aggregate, value) : 0;
        if (reader.errorCount() > errorsBefore || window[0] == 0 || window[1] == 0)
        {
            return null;
        }
        return new ThresholdSpec(input, aggregate, value, comparison, limit, window[0], window[1]);
    }

    private void checkKey(final Map<String, Node> fields, final WindowInput input, final String key, final String where)
    {
        if (input == null || key == null)
        {
            return;
        }
        final List<String> keys = input == WindowInput.ORDERS ?
            List.of("account", "instrument") : List.of("account", "card", "merchant");
        if (!keys.contains(key))
        {
            reader.error(fields.get("key"), where, "field 'key': " + WindowDefinition.lower(input) + " have no " +
                key, String.join(", ", keys));
        }
    }

    private Aggregate aggregate(final Map<String, Node> fields, final Node ruleNode, final String where)
    {
        final String text = reader.text(fields, "aggregate", ruleNode, where, Aggregate.names());
        if (text == null)
        {
            return null;
        }
        final Aggregate aggregate = Aggregate.byName(text);
        if (aggregate == null)
        {
            reader.error(fields.get("aggregate"), where, "field 'aggregate': unknown aggregate '" + text + "'",
                Aggregate.names());
        }
        return aggregate;
    }

    private ValueExpression value(
        final Map<String, Node> fields, final Node ruleNode, final String where, final Aggregate aggregate,
        final WindowInput input)
    {
        final Node node = fields.get("value");
        final String numbers = input == WindowInput.ORDERS ?
            "price, quantity, notional, or arithmetic of them" : "amount, or arithmetic of it";
        if (!aggregate.takesValue())
        {
            if (node != null)
            {
                reader.error(node, where, "field 'value': a count takes no value", "no 'value' with count");
            }
            return null;
        }
        if (node == null)
        {
            reader.error(ruleNode, where, "field 'value' is missing: " + aggregate.displayName() + " of what?",
                aggregate.needsNumber() ? numbers : "a field whose distinct values are counted, e.g. merchant");
            return null;
        }
        final ValueExpression value = expressions.value(node, where, "value", ExprScope.fieldsOf(input));
        if (value != null && aggregate.needsNumber() && !value.type().isNumeric())
        {
            reader.error(node, where, "field 'value': " + aggregate.displayName() + " of " + value.text() + " (" +
                value.type().noun() + ")", numbers);
            return null;
        }
        return value;
    }

    private Comparison comparison(final Map<String, Node> fields, final Node ruleNode, final String where)
    {
        final List<Comparison> given = new ArrayList<>();
        for (final Comparison comparison : Comparison.values())
        {
            if (fields.containsKey(comparison.fieldName()))
            {
                given.add(comparison);
            }
        }
        if (given.isEmpty())
        {
            reader.error(ruleNode, where, "no limit", LIMITS + ", e.g. above: 3");
            return null;
        }
        if (given.size() > 1)
        {
            reader.error(fields.get(given.get(1).fieldName()), where, "field '" + given.get(1).fieldName() +
                "': a second limit, after '" + given.get(0).fieldName() + "'", LIMITS);
            return null;
        }
        return given.get(0);
    }

    private long limit(
        final Node node, final String where, final Comparison comparison, final Aggregate aggregate,
        final ValueExpression value)
    {
        final String field = comparison.fieldName();
        final String text = reader.scalar(node, where, field);
        if (text == null)
        {
            return 0;
        }
        final boolean amounts = value != null && value.type() == ExprType.AMOUNT && aggregate.needsNumber();
        final long min = aggregate == Aggregate.DISTINCT_COUNT ? 1 :
            aggregate == Aggregate.MIN || aggregate == Aggregate.MAX ? Long.MIN_VALUE : 0;
        final long max = aggregate == Aggregate.DISTINCT_COUNT ? ThresholdSpec.MAX_DISTINCT_LIMIT : Long.MAX_VALUE;
        final String allowed = "an integer in [" + min + ", " + max + "]" +
            (amounts ? ", or an amount with two decimals, e.g. 200.00 for 20000 minor units" : "");
        try
        {
            final String digits = text.replace("_", "");
            final int point = digits.indexOf('.');
            final long limit;
            if (point < 0)
            {
                limit = Long.parseLong(digits);
            }
            else if (amounts && digits.length() - point - 1 == 2)
            {
                limit = Long.parseLong(digits.substring(0, point) + digits.substring(point + 1));
            }
            else
            {
                throw new NumberFormatException(text);
            }
            if (limit >= min && limit <= max)
            {
                return limit;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        reader.error(node, where, "field '" + field + "': '" + text + "' is not allowed", allowed);
        return 0;
    }
}
