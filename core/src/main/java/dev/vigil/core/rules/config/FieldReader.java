package dev.vigil.core.rules.config;

import dev.vigil.core.time.Durations;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads the fields of a rules file's YAML nodes as the values they must be, and collects an error for each one that
 * is not: every error names file, line, where in the file, the problem and what is allowed. The section parsers
 * share one reader, so that the file's errors come out together, in line order.
 */
final class FieldReader
{
    private final String source;
    private final List<String> errors = new ArrayList<>();
    private final List<Integer> errorLines = new ArrayList<>();

    /**
     * @param source where the text came from, e.g. the file name, for error messages.
     */
    FieldReader(final String source)
    {
        this.source = source;
    }

    /**
     * @param node a node, or null for the top of the file.
     * @return its 1-based line.
     */
    static int line(final Node node)
    {
        return node == null ? 1 : node.getStartMark().getLine() + 1;
    }

    /**
     * @param mapping  an entry of a section.
     * @param noun     what the entry is, e.g. {@code rule}.
     * @param fallback how to name it when it has no single-value {@code name}, e.g. {@code rules[3]}.
     * @return how errors name the entry: by its name, e.g. {@code rule 'velocity'}, or else the fallback.
     */
    static String where(final MappingNode mapping, final String noun, final String fallback)
    {
        String where = fallback;
        for (final NodeTuple tuple : mapping.getValue())
        {
            if (tuple.getKeyNode() instanceof ScalarNode && tuple.getValueNode() instanceof ScalarNode &&
                "name".equals(((ScalarNode)tuple.getKeyNode()).getValue()))
            {
                where = noun + " '" + ((ScalarNode)tuple.getValueNode()).getValue() + "'";
            }
        }
        return where;
    }

    /**
     * @return errors reported so far.
     */
    int errorCount()
    {
        return errors.size();
    }

    /**
     * @return every error reported, ordered by line; errors of one line in the order they were reported.
     */
    List<String> errorsInLineOrder()
    {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++)
        {
            order.add(i);
        }
        order.sort((a, b) -> Integer.compare(errorLines.get(a), errorLines.get(b)));
        return order.stream().map(errors::get).toList();
    }

    /**
     * @param node    where the problem is, for its line; null for the top of the file.
     * @param where   the section or entry, e.g. {@code rule 'velocity'}.
     * @param problem what is wrong.
     * @param allowed what would be right.
     */
    void error(final Node node, final String where, final String problem, final String allowed)
    {
        errors.add(source + ":" + line(node) + ": " + where + ": " + problem + "; allowed: " + allowed);
        errorLines.add(line(node));
    }

    /**
     * The entries of a section that is a list, or none after reporting that it is not one.
     *
     * @param section the section's value.
     * @param name    the section's name, e.g. {@code rules}.
     * @param allowed what the section should be, for the error.
     * @param entry   reads one entry given its node and index: the entry, or null after reporting its errors.
     * @param <T>     what an entry is read as.
     * @return the entries read, in file order.
     */
    <T> List<T> entries(
        final Node section, final String name, final String allowed, final BiFunction<Node, Integer, T> entry)
    {
        final List<T> entries = new ArrayList<>();
        if (!(section instanceof SequenceNode))
        {
            error(section, "section '" + name + "'", "is not a list", allowed);
            return entries;
        }
        int index = 0;
        for (final Node node : ((SequenceNode)section).getValue())
        {
            final T read = entry.apply(node, index++);
            if (read != null)
            {
                entries.add(read);
            }
        }
        return entries;
    }

    /**
     * The fields of a mapping by name, reporting unknown and repeated ones.
     */
    Map<String, Node> fields(final MappingNode mapping, final String where, final List<String> allowed)
    {
        final Map<String, Node> fields = new LinkedHashMap<>();
        for (final NodeTuple tuple : mapping.getValue())
        {
            final String name = scalar(tuple.getKeyNode(), where, "name");
            if (name == null)
            {
                continue;
            }
            if (!allowed.contains(name))
            {
                final String what = "top level".equals(where) ? "section" : "field";
                error(tuple.getKeyNode(), where, "unknown " + what + " '" + name + "'", String.join(", ", allowed));
            }
            else if (fields.putIfAbsent(name, tuple.getValueNode()) != null)
            {
                error(tuple.getKeyNode(), where, "field '" + name + "' appears twice", "each field once");
            }
        }
        return fields;
    }

    /**
     * A single-value field, or null after reporting why it is not one.
     *
     * @param whenMissing what is allowed, reported when the field is missing; null for an optional field.
     */
    String text(
        final Map<String, Node> fields, final String name, final Node parent, final String where,
        final String whenMissing)
    {
        final Node node = fields.get(name);
        if (node == null)
        {
            if (whenMissing != null)
            {
                error(parent, where, "field '" + name + "' is missing", whenMissing);
            }
            return null;
        }
        final String value = scalar(node, where, name);
        if (value != null && value.isBlank())
        {
            error(node, where, "field '" + name + "' is empty", "a value");
            return null;
        }
        return value;
    }

    /**
     * An integer field within {@code [min, max]}, or -1 after reporting why it is not one (or when it is optional
     * and missing).
     *
     * @param whenMissing what is allowed, reported when the field is missing; null for an optional field.
     */
    long integer(
        final Map<String, Node> fields, final String name, final Node parent, final String where,
        final long min, final long max, final String whenMissing)
    {
        final String value = text(fields, name, parent, where, whenMissing);
        if (value == null)
        {
            return -1;
        }
        try
        {
            final long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        error(fields.get(name), where, "field '" + name + "': '" + value + "' is not allowed",
            "an integer in [" + min + ", " + max + "]");
        return -1;
    }

    /**
     * A required duration field within {@code [min, max]}, or 0 after reporting why it is not one.
     */
    long duration(
        final Map<String, Node> parts, final String part, final Node parent, final String where, final String field,
        final String min, final String max)
    {
        final String allowed = "a duration in [" + min + ", " + max + "] like 500ms, 60s, 1m or 1h";
        final Node node = parts.get(part);
        if (node == null)
        {
            error(parent, where, "field '" + field + "' is missing", allowed);
            return 0;
        }
        final String value = scalar(node, where, field);
        if (value == null)
        {
            return 0;
        }
        try
        {
            final long ns = Durations.parseNs(value);
            if (ns >= Durations.parseNs(min) && ns <= Durations.parseNs(max))
            {
                return ns;
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // reported below
        }
        error(node, where, "field '" + field + "': '" + value + "' is not allowed", allowed);
        return 0;
    }

    /**
     * The optional {@code enabled} field, reporting a value that is not a boolean.
     *
     * @return false when the field says so, true otherwise.
     */
    boolean enabled(final Map<String, Node> fields, final Node parent, final String where)
    {
        final String text = text(fields, "enabled", parent, where, null);
        if (text != null && !"true".equals(text) && !"false".equals(text))
        {
            error(fields.get("enabled"), where, "field 'enabled': '" + text + "' is not a boolean", "true or false");
        }
        return !"false".equals(text);
    }

    /**
     * @return the node's value, or null after reporting that it is a mapping or list where one value belongs.
     */
    String scalar(final Node node, final String where, final String field)
    {
        if (node instanceof ScalarNode)
        {
            return ((ScalarNode)node).getValue();
        }
        error(node, where, "field '" + field + "': wrong type, a " +
            (node instanceof MappingNode ? "mapping" : "list") + " where a single value belongs", "a single value");
        return null;
    }
}
