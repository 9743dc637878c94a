package dev.vigil.core.rules.config;

import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprException;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.expr.ValueExpression;
import org.yaml.snakeyaml.nodes.Node;

import java.util.List;

/**
 * Reads the fields of a rules file that hold expressions — {@code where:} conditions, a threshold rule's
 * {@code value:} — and compiles them, reporting each problem with the file's line of the field, the column in the
 * expression and what is allowed there.
 */
final class ExpressionReader
{
    private final FieldReader reader;
    private List<ExprScope.AttributeRef> attributes = List.of();

    /**
     * @param reader reads the fields and collects the errors of the whole file.
     */
    ExpressionReader(final FieldReader reader)
    {
        this.reader = reader;
    }

    /**
     * @param attributes the per-key attributes every expression read from now on may refer to.
     */
    void attributes(final List<ExprScope.AttributeRef> attributes)
    {
        this.attributes = List.copyOf(attributes);
    }

    /**
     * @param node  the field's value.
     * @param where the entry, e.g. {@code rule 'velocity'}.
     * @param field the field's name, e.g. {@code where}.
     * @param scope what the condition may refer to.
     * @return the condition, or null after reporting why it is not one.
     */
    Condition condition(final Node node, final String where, final String field, final ExprScope scope)
    {
        final String text = text(node, where, field);
        if (text == null)
        {
            return null;
        }
        try
        {
            return Condition.compile(text, scope.withAttributes(attributes));
        }
        catch (final ExprException ex)
        {
            report(ex, node, where, field);
            return null;
        }
    }

    /**
     * @param node  the field's value.
     * @param where the entry, e.g. {@code rule 'velocity'}.
     * @param field the field's name, e.g. {@code value}.
     * @param scope what the value may refer to.
     * @return the value, or null after reporting why it is not one.
     */
    ValueExpression value(final Node node, final String where, final String field, final ExprScope scope)
    {
        final String text = text(node, where, field);
        if (text == null)
        {
            return null;
        }
        try
        {
            return ValueExpression.compile(text, scope.withAttributes(attributes));
        }
        catch (final ExprException ex)
        {
            report(ex, node, where, field);
            return null;
        }
    }

    private String text(final Node node, final String where, final String field)
    {
        final String text = reader.scalar(node, where, field);
        if (text != null && text.isBlank())
        {
            reader.error(node, where, "field '" + field + "' is empty", "an expression, see docs/rules-language.md");
            return null;
        }
        return text;
    }

    private void report(final ExprException ex, final Node node, final String where, final String field)
    {
        for (final ExprException.Problem problem : ex.problems())
        {
            reader.error(node, where, "field '" + field + "': " + problem.describe(), problem.allowed());
        }
    }
}
