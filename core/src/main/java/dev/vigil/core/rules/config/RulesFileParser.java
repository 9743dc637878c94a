package dev.vigil.core.rules.config;

import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.time.Durations;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads a rules file: YAML composed into nodes, not objects, so that every error can name its line. Collects every
 * error before giving up, each naming file, line, field and what is allowed.
 * <p>
 * The top level is a mapping of sections, {@code rules:} and {@code windows:}. Another section is one more entry in
 * {@link #sections()} with its own parser.
 */
final class RulesFileParser
{
    private static final String ACTIONS = "alert_only, review, decline";
    private static final List<String> RULE_FIELDS =
        List.of("id", "name", "type", "key", "window", "parameters", "class", "action", "enabled", "description");

    private final String source;
    private final List<String> errors = new ArrayList<>();
    private final List<Integer> errorLines = new ArrayList<>();
    private final List<RuleDefinition> rules = new ArrayList<>();
    private final List<WindowDefinition> windows = new ArrayList<>();
    private final Map<Long, String> namesById = new HashMap<>();
    private final Map<String, Integer> linesByName = new HashMap<>();

    RulesFileParser(final String source)
    {
        this.source = source;
    }

    /**
     * @param text the file's text.
     * @return the rules it defines.
     * @throws RulesFileException with every error found.
     */
    List<RuleDefinition> parse(final String text)
    {
        final Node root;
        try
        {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        }
        catch (final MarkedYAMLException ex)
        {
            final int line = ex.getProblemMark() != null ? ex.getProblemMark().getLine() + 1 : 1;
            throw new RulesFileException(List.of(source + ":" + line + ": not valid YAML: " + ex.getProblem()));
        }
        catch (final YAMLException ex)
        {
            throw new RulesFileException(List.of(source + ": not valid YAML: " + ex.getMessage()));
        }

        if (!(root instanceof MappingNode))
        {
            error(root, "top level", "the file is " + (root == null ? "empty" : "not a mapping"),
                "a mapping of sections: " + String.join(", ", sections().keySet()));
            throw new RulesFileException(errorsInLineOrder());
        }
        final Map<String, Node> sections =
            fields((MappingNode)root, "top level", sections().keySet().stream().toList());
        for (final Map.Entry<String, BiConsumer<RulesFileParser, Node>> section : sections().entrySet())
        {
            final Node node = sections.get(section.getKey());
            if (node != null)
            {
                section.getValue().accept(this, node);
            }
        }
        if (!sections.containsKey("rules") && !sections.containsKey("windows"))
        {
            error(root, "top level", "no 'rules:' or 'windows:' section",
                "a 'rules:' list of rules, a 'windows:' list of windowed aggregations, or both");
        }
        if (!errors.isEmpty())
        {
            throw new RulesFileException(errorsInLineOrder());
        }
        return rules;
    }

    /**
     * Each top-level section and its parser, in the order they are read.
     */
    private static Map<String, BiConsumer<RulesFileParser, Node>> sections()
    {
        final Map<String, BiConsumer<RulesFileParser, Node>> sections = new LinkedHashMap<>();
        sections.put("rules", RulesFileParser::parseRules);
        sections.put("windows", (parser, node) -> parser.windows.addAll(new WindowsSectionParser(parser).parse(node)));
        return sections;
    }

    /**
     * @return the windowed aggregations of the last text parsed, in file order.
     */
    List<WindowDefinition> windows()
    {
        return windows;
    }

    private void parseRules(final Node node)
    {
        if (!(node instanceof SequenceNode))
        {
            error(node, "section 'rules'", "is not a list", "a list of rules, each starting with '- id:'");
            return;
        }
        int index = 0;
        for (final Node ruleNode : ((SequenceNode)node).getValue())
        {
            final RuleDefinition rule = parseRule(ruleNode, index++);
            if (rule != null)
            {
                rules.add(rule);
            }
        }
        if (rules.isEmpty() && errors.isEmpty())
        {
            error(node, "section 'rules'", "is empty", "at least one rule");
        }
    }

    private RuleDefinition parseRule(final Node node, final int index)
    {
        String where = "rules[" + index + "]";
        if (!(node instanceof MappingNode))
        {
            error(node, where, "is not a mapping", "fields " + String.join(", ", RULE_FIELDS));
            return null;
        }
        final int errorsBefore = errors.size();
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            if (tuple.getKeyNode() instanceof ScalarNode && tuple.getValueNode() instanceof ScalarNode &&
                "name".equals(((ScalarNode)tuple.getKeyNode()).getValue()))
            {
                where = "rule '" + ((ScalarNode)tuple.getValueNode()).getValue() + "'";
            }
        }
        final Map<String, Node> fields = fields((MappingNode)node, where, RULE_FIELDS);
        final String name = text(fields, "name", node, where, true);
        final long id = integer(fields, "id", node, where, 0, Rule.MAX_RULE_ID);
        checkUnique(id, name, node, fields, where);
        final String typeName = text(fields, "type", node, where, true);
        final RuleType type = typeName == null ? null : RuleType.byName(typeName);
        if (typeName != null && type == null)
        {
            error(fields.get("type"), where, "field 'type': unknown type '" + typeName + "'", RuleType.names());
        }
        final String actionName = text(fields, "action", node, where, true);
        RuleAction action = null;
        if (actionName != null)
        {
            try
            {
                action = RuleAction.valueOf(actionName.toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                error(fields.get("action"), where, "field 'action': unknown action '" + actionName + "'", ACTIONS);
            }
        }
        final String enabledText = text(fields, "enabled", node, where, false);
        if (enabledText != null && !"true".equals(enabledText) && !"false".equals(enabledText))
        {
            error(fields.get("enabled"), where, "field 'enabled': '" + enabledText + "' is not a boolean",
                "true or false");
        }
        text(fields, "description", node, where, false);
        if (type == null)
        {
            return null;
        }

        final String key = key(fields, type, where);
        final long[] window = window(fields, node, type, where);
        final Map<String, Long> parameters = new LinkedHashMap<>();
        final Map<String, String> customParameters = new LinkedHashMap<>();
        String customClass = null;
        if (type == RuleType.CUSTOM)
        {
            customClass = text(fields, "class", node, where, true);
            if (customClass != null)
            {
                final String problem = CustomRules.check(customClass);
                if (problem != null)
                {
                    error(fields.get("class"), where, "field 'class': " + problem,
                        "a class implementing TransactionRule or OrderRule with a public constructor taking a " +
                        "CustomRuleContext");
                }
            }
            customParameters(fields.get("parameters"), where, customParameters);
        }
        else
        {
            if (fields.containsKey("class"))
            {
                error(fields.get("class"), where, "field 'class': only custom rules name a class", "no 'class'");
            }
            parameters(fields.get("parameters"), node, type, where, parameters);
        }
        if (errors.size() > errorsBefore)
        {
            return null;
        }
        final RuleDefinition rule = new RuleDefinition((int)id, name, type, key, window[0], window[1], action,
            !"false".equals(enabledText), parameters, customClass, customParameters, line(node));
        final String problem = type.crossCheck(rule);
        if (problem != null)
        {
            error(fields.get("parameters"), where, "field 'parameters': " + problem, "consistent parameters");
            return null;
        }
        return rule;
    }

    private void checkUnique(
        final long id, final String name, final Node node, final Map<String, Node> fields, final String where)
    {
        if (id >= 0 && name != null)
        {
            final String clash = namesById.putIfAbsent(id, name);
            if (clash != null)
            {
                error(fields.get("id"), where, "field 'id': " + id + " is already the id of rule '" + clash + "'",
                    "an id used once");
            }
        }
        if (name != null)
        {
            final Integer nameLine = linesByName.putIfAbsent(name, line(node));
            if (nameLine != null)
            {
                error(fields.get("name"), where, "field 'name': already used by the rule at line " + nameLine,
                    "a unique name");
            }
        }
    }

    private String key(final Map<String, Node> fields, final RuleType type, final String where)
    {
        final Node node = fields.get("key");
        if (type.keys().isEmpty())
        {
            if (node != null)
            {
                error(node, where, "field 'key': a " + type.typeName() + " rule takes no key", "no 'key'");
            }
            return "";
        }
        if (node == null)
        {
            return type.keys().get(0);
        }
        final String key = scalar(node, where, "key");
        if (key != null && !type.keys().contains(key))
        {
            error(node, where, "field 'key': a " + type.typeName() + " rule cannot be keyed by '" + key + "'",
                String.join(", ", type.keys()));
            return null;
        }
        return key;
    }

    private long[] window(final Map<String, Node> fields, final Node ruleNode, final RuleType type, final String where)
    {
        final long[] window = new long[2];
        final Node node = fields.get("window");
        if (type.window() == RuleType.Window.NONE)
        {
            if (node != null)
            {
                error(node, where, "field 'window': a " + type.typeName() + " rule has no window", "no 'window'");
            }
            return window;
        }
        final boolean sliding = type.window() == RuleType.Window.SLIDING;
        final String allowed = sliding ? "a mapping with 'size' and 'slide', e.g. {size: 60s, slide: 1s}" :
            "a mapping with 'size', e.g. {size: 10m}";
        if (node == null)
        {
            error(ruleNode, where, "field 'window' is missing", allowed);
            return window;
        }
        if (!(node instanceof MappingNode))
        {
            error(node, where, "field 'window': wrong type, not a mapping", allowed);
            return window;
        }
        final Map<String, Node> parts = fields((MappingNode)node, where + " field 'window'",
            sliding ? List.of("size", "slide") : List.of("size"));
        window[0] = duration(parts, "size", node, where, "window.size");
        if (sliding)
        {
            window[1] = duration(parts, "slide", node, where, "window.slide");
            if (window[0] > 0 && window[1] > 0 && (window[0] % window[1] != 0 || window[0] / window[1] > 1024))
            {
                error(parts.get("slide"), where, "field 'window.slide': " + Durations.format(window[1]) +
                    " does not divide size " + Durations.format(window[0]) + " into at most 1024 steps",
                    "a slide that divides the size into at most 1024 steps");
            }
        }
        return window;
    }

    private long duration(
        final Map<String, Node> parts, final String part, final Node parent, final String where, final String field)
    {
        return duration(parts, part, parent, where, field, "1ms", "30h");
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

    private void parameters(
        final Node node, final Node ruleNode, final RuleType type, final String where, final Map<String, Long> into)
    {
        final List<String> names = type.parameters().stream().map(ParameterSpec::name).toList();
        if (node == null)
        {
            error(ruleNode, where, "field 'parameters' is missing", "a mapping of " + String.join(", ", names));
            return;
        }
        if (!(node instanceof MappingNode))
        {
            error(node, where, "field 'parameters': wrong type, not a mapping", "a mapping of " +
                String.join(", ", names));
            return;
        }
        final Map<String, Node> given = fields((MappingNode)node, where + " field 'parameters'", names);
        for (final ParameterSpec spec : type.parameters())
        {
            final Node value = given.get(spec.name());
            final String field = "parameters." + spec.name();
            if (value == null)
            {
                error(node, where, "field '" + field + "' is missing", spec.allowed() + ": " + spec.meaning());
                continue;
            }
            final String text = scalar(value, where, field);
            if (text == null)
            {
                continue;
            }
            try
            {
                into.put(spec.name(), spec.parse(text));
            }
            catch (final IllegalArgumentException ex)
            {
                error(value, where, "field '" + field + "': '" + text + "' is not allowed", spec.allowed());
            }
        }
    }

    private void customParameters(final Node node, final String where, final Map<String, String> into)
    {
        if (node == null)
        {
            return;
        }
        if (!(node instanceof MappingNode))
        {
            error(node, where, "field 'parameters': wrong type, not a mapping", "a mapping of name: value");
            return;
        }
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            final String name = scalar(tuple.getKeyNode(), where, "parameters");
            final String value = scalar(tuple.getValueNode(), where, "parameters." + name);
            if (name != null && value != null && into.put(name, value) != null)
            {
                error(tuple.getKeyNode(), where, "field 'parameters." + name + "' appears twice", "each once");
            }
        }
    }

    /**
     * @return errors reported so far.
     */
    int errorCount()
    {
        return errors.size();
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

    private String text(
        final Map<String, Node> fields, final String name, final Node parent, final String where,
        final boolean required)
    {
        return text(fields, name, parent, where, required ? "every rule has id, name, type and action" : null);
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

    private long integer(
        final Map<String, Node> fields, final String name, final Node parent, final String where,
        final long min, final long max)
    {
        return integer(fields, name, parent, where, min, max, "every rule has id, name, type and action");
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

    void error(final Node node, final String where, final String problem, final String allowed)
    {
        errors.add(source + ":" + line(node) + ": " + where + ": " + problem + "; allowed: " + allowed);
        errorLines.add(line(node));
    }

    private List<String> errorsInLineOrder()
    {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < errors.size(); i++)
        {
            order.add(i);
        }
        order.sort((a, b) -> Integer.compare(errorLines.get(a), errorLines.get(b)));
        return order.stream().map(errors::get).toList();
    }

    static int line(final Node node)
    {
        return node == null ? 1 : node.getStartMark().getLine() + 1;
    }
}
