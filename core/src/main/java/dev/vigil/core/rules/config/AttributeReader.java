package dev.vigil.core.rules.config;

import dev.vigil.core.rules.attribute.AttributeKind;
import dev.vigil.core.rules.attribute.AttributeSpec;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ValueExpression;
import dev.vigil.core.window.WindowInput;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads the fields of an attribute, a rule of {@code type: attribute} that keeps a value per key for the other
 * rules' expressions: what it keeps ({@code keep}), of which value ({@code value}) and of which events
 * ({@code where}). Its expressions read the event's fields only.
 */
final class AttributeReader
{
    private static final List<String> REFUSED = List.of(
        "action", "enabled", "parameters", "class", "aggregate", "above", "at-least", "below", "at-most", "pattern");
    private static final String FIELDS = "id, name, type, input, key, keep, value, where, window, description";

    private final FieldReader reader;
    private final ExpressionReader expressions;

    AttributeReader(final FieldReader reader, final ExpressionReader expressions)
    {
        this.reader = reader;
        this.expressions = expressions;
    }

    /**
     * @param node an entry of the rules section.
     * @return whether it is an attribute, which is read before the rules that may refer to it.
     */
    private static boolean isAttribute(final Node node)
    {
        if (node instanceof MappingNode mapping)
        {
            for (final NodeTuple tuple : mapping.getValue())
            {
                if (tuple.getKeyNode() instanceof ScalarNode key && "type".equals(key.getValue()) &&
                    tuple.getValueNode() instanceof ScalarNode type)
                {
                    return RuleType.ATTRIBUTE.typeName().equals(type.getValue());
                }
            }
        }
        return false;
    }

    /**
     * Read the attributes of the rules section before its other entries, wherever they stand in the file, and give
     * their names to the expressions read from then on: every rule's expressions may read every attribute.
     *
     * @param section the section's value.
     * @param entry   reads one entry given its node and index: the definition, or null after reporting its errors.
     * @return the attributes read (null for one in error), by their index in the section.
     */
    Map<Integer, RuleDefinition> readFirst(final Node section, final BiFunction<Node, Integer, RuleDefinition> entry)
    {
        final Map<Integer, RuleDefinition> read = new HashMap<>();
        final List<ExprScope.AttributeRef> refs = new ArrayList<>();
        if (section instanceof SequenceNode sequence)
        {
            for (int index = 0; index < sequence.getValue().size(); index++)
            {
                final Node node = sequence.getValue().get(index);
                if (isAttribute(node))
                {
                    final RuleDefinition attribute = entry.apply(node, index);
                    read.put(index, attribute);
                    if (attribute != null)
                    {
                        refs.add(new ExprScope.AttributeRef(attribute.name(), attribute.id(),
                            attribute.attribute().input(), attribute.attribute().type(), attribute.canonical()));
                    }
                }
            }
        }
        expressions.attributes(refs);
        return read;
    }

    /**
     * @return the attribute's kind, or null after reporting why there is none.
     */
    AttributeKind kind(final Map<String, Node> fields, final Node node, final String where)
    {
        for (final String field : REFUSED)
        {
            if (fields.containsKey(field))
            {
                reader.error(fields.get(field), where, "field '" + field + "': " + refusal(field), FIELDS);
            }
        }
        final String text = reader.text(fields, "keep", node, where, "an attribute has 'keep': " +
            AttributeKind.names());
        final AttributeKind kind = text == null ? null : AttributeKind.byName(text);
        if (text != null && kind == null)
        {
            reader.error(fields.get("keep"), where, "field 'keep': unknown '" + text + "'", AttributeKind.names());
        }
        return kind;
    }

    private static String refusal(final String field)
    {
        switch (field)
        {
            case "action":
                return "an attribute decides nothing, so it has no action";
            case "enabled":
                return "an attribute is always kept: remove it, and the rules that read it, instead";
            default:
                return "an attribute has no " + field;
        }
    }

    /**
     * @param name   the attribute's name, checked to be one expressions can read.
     * @param input  the messages it is kept over, or null after an error.
     * @param kind   what it keeps, or null after an error.
     * @param window the window of a count, sum or mean, read by the caller; zeros for first and last.
     * @return the attribute, or null after reporting why it is not one.
     */
    AttributeSpec spec(
        final Map<String, Node> fields,
        final Node node,
        final String where,
        final String name,
        final WindowInput input,
        final AttributeKind kind,
        final long[] window)
    {
        final int errorsBefore = reader.errorCount();
        final String reserved = name == null ? null : ExprScope.reservedName(name);
        if (reserved != null)
        {
            reader.error(fields.get("name"), where, "field 'name': '" + name + "' " + reserved +
                ", so expressions could not read the attribute", "a name of letters, digits and '_' that is no " +
                "field, word or value of the expression language, e.g. home_country");
        }
        if (input == null || kind == null)
        {
            return null;
        }
        final ExprScope scope = ExprScope.fieldsOf(input);
        ValueExpression value = null;
        if (kind.takesValue())
        {
            value = fields.containsKey("value") ? expressions.value(fields.get("value"), where, "value", scope) : null;
            if (!fields.containsKey("value"))
            {
                reader.error(node, where, "field 'value' is missing", "the value kept of each event, e.g. country " +
                    "or amount");
            }
            else if (value != null && kind.needsNumber() && !value.type().isNumeric())
            {
                reader.error(fields.get("value"), where, "field 'value': a " + kind.displayName() + " of " +
                    value.type().noun(), "a number or an amount, e.g. amount");
            }
        }
        else if (fields.containsKey("value"))
        {
            reader.error(fields.get("value"), where, "field 'value': a count takes no value", "no 'value'");
        }
        final Condition condition = fields.containsKey("where") ?
            expressions.condition(fields.get("where"), where, "where", scope) : null;
        if (reader.errorCount() > errorsBefore || kind.windowed() && (window[0] == 0 || window[1] == 0))
        {
            // A window the caller found wrong is reported already.
            return null;
        }
        return new AttributeSpec(input, kind, value, condition, window[0], window[1]);
    }
}
