package dev.vigil.core.rules.config;

import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleAction;
import dev.vigil.core.rules.RuleFilter;
import dev.vigil.core.rules.attribute.AttributeKind;
import dev.vigil.core.rules.attribute.AttributeSpec;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.rules.threshold.ThresholdSpec;
import dev.vigil.core.time.Durations;
import dev.vigil.core.window.WindowInput;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code rules:} section of a rules file: a list of rules, each with an id, a name, a type, the key and
 * window its type takes, its type's parameters (or a custom rule's class and free parameters) and an action. Errors
 * go to the file's {@link FieldReader}.
 */
final class RulesSectionParser
{
    private static final String KEEP = "keep";
    private static final List<String> FIELDS = List.of(
        "id", "name", "type", "key", "window", "parameters", "class", "where", "input", "aggregate", "value", "above",
        "at-least", "below", "at-most", "pattern", KEEP, "action", "enabled", "description");
    private static final String REQUIRED = "every rule has id, name, type and action";
    private static final String ACTIONS = "alert_only, review, decline";
    private static final String CUSTOM_CLASS = "a class implementing TransactionRule or OrderRule with a public " +
        "constructor taking a CustomRuleContext";
    private static final String MIN_WINDOW = "1ms";
    private static final String MAX_WINDOW = "30h";
    private static final int MAX_SLIDES_PER_WINDOW = 1024;

    /**
     * A rule's parameters: a built-in type's by name (durations in nanoseconds), or a custom rule's class and its
     * parameters as written.
     */
    private record Parameters(Map<String, Long> values, String customClass, Map<String, String> custom)
    {
    }

    /**
     * A rule's {@code where:}, compiled once every rule is known ({@code fired(rule)} may name any): the rule's
     * definition is null when the rule has other errors, whose where is still checked.
     */
    private static final class PendingWhere
    {
        private final Node node;
        private final String where;
        private final int id;
        private final Set<WindowInput> inputs;
        private RuleDefinition definition;

        PendingWhere(final Node node, final String where, final int id, final Set<WindowInput> inputs)
        {
            this.node = node;
            this.where = where;
            this.id = id;
            this.inputs = inputs;
        }
    }

    private final FieldReader reader;
    private final IdsAndNames idsAndNames;
    private final ExpressionReader expressions;
    private final ThresholdReader thresholds;
    private final PatternParser patterns;
    private final AttributeReader attributes;
    private final List<ExprScope.RuleRef> ruleRefs = new ArrayList<>();
    private final List<PendingWhere> pendingWheres = new ArrayList<>();

    /**
     * @param reader reads the fields and collects the errors of the whole file.
     */
    RulesSectionParser(final FieldReader reader)
    {
        this.reader = reader;
        this.idsAndNames = new IdsAndNames(reader, "rule", "an id used once");
        this.expressions = new ExpressionReader(reader);
        this.thresholds = new ThresholdReader(reader, expressions);
        this.patterns = new PatternParser(reader, expressions);
        this.attributes = new AttributeReader(reader, expressions);
    }

    /**
     * @param node the section's value.
     * @return the valid rules, in file order; errors for the others are with the reader.
     */
    List<RuleDefinition> parse(final Node node)
    {
        final Map<Integer, RuleDefinition> attributeEntries = attributes.readFirst(node, this::parseRule);
        final List<RuleDefinition> rules = reader.entries(node, "rules", "a list of rules, each starting with '- id:'",
            (entry, index) -> attributeEntries.containsKey(index) ? attributeEntries.get(index) :
                parseRule(entry, index));
        if (rules.isEmpty() && reader.errorCount() == 0)
        {
            reader.error(node, "section 'rules'", "is empty", "at least one rule");
        }
        for (final PendingWhere pending : pendingWheres)
        {
            final RuleFilter filter = filter(pending);
            if (filter != null && pending.definition != null)
            {
                rules.set(rules.indexOf(pending.definition), pending.definition.withWhere(filter));
            }
        }
        return rules;
    }

    /**
     * @return the rule's where compiled for each kind of message the rule judges, or null after reporting why not.
     */
    private RuleFilter filter(final PendingWhere pending)
    {
        Condition transactions = null;
        Condition orders = null;
        for (final WindowInput input : List.of(WindowInput.TRANSACTIONS, WindowInput.ORDERS))
        {
            if (pending.inputs.contains(input))
            {
                final Condition condition = expressions.condition(pending.node, pending.where, "where",
                    ExprScope.ruleCondition(input, pending.id, ruleRefs));
                if (condition == null)
                {
                    return null;
                }
                if (input == WindowInput.TRANSACTIONS)
                {
                    transactions = condition;
                }
                else
                {
                    orders = condition;
                }
            }
        }
        return transactions == null && orders == null ? null : new RuleFilter(transactions, orders);
    }

    private RuleDefinition parseRule(final Node node, final int index)
    {
        if (!(node instanceof MappingNode))
        {
            reader.error(node, "rules[" + index + "]", "is not a mapping", "fields " + String.join(", ", FIELDS));
            return null;
        }
        final int errorsBefore = reader.errorCount();
        final String where = FieldReader.where((MappingNode)node, "rule", "rules[" + index + "]");
        final Map<String, Node> fields = reader.fields((MappingNode)node, where, FIELDS);
        final String name = reader.text(fields, "name", node, where, REQUIRED);
        final long id = reader.integer(fields, "id", node, where, 0, Rule.MAX_RULE_ID, REQUIRED);
        idsAndNames.check(id, name, node, fields, where);
        final RuleType type = type(fields, node, where);
        if (type == RuleType.ATTRIBUTE)
        {
            return attribute(node, fields, where, (int)id, name, errorsBefore);
        }
        if (fields.containsKey(KEEP))
        {
            reader.error(fields.get(KEEP), where, "field 'keep': only attributes keep a value",
                "no 'keep', or type: attribute");
        }
        final RuleAction action = action(fields, node, where);
        final boolean enabled = reader.enabled(fields, node, where);
        reader.text(fields, "description", node, where, null);
        if (type == null)
        {
            return null;
        }
        final WindowInput input = type == RuleType.THRESHOLD || type == RuleType.PATTERN ?
            thresholds.input(fields, node, where) : null;
        final PatternDefinition pattern = pattern(fields, node, type, input, where);
        final String key = type == RuleType.PATTERN ? inputKey(fields, input, "a pattern", where) :
            key(fields, type, where);
        final long[] window = window(fields, node, type, where);
        ThresholdSpec threshold = null;
        final Parameters parameters;
        final Set<WindowInput> inputs;
        if (type == RuleType.THRESHOLD)
        {
            threshold = thresholds.spec(fields, node, where, input, key, window);
            parameters = noParameters(fields, where);
            inputs = input == null ? Set.of() : Set.of(input);
        }
        else if (type == RuleType.PATTERN)
        {
            thresholds.refuse(fields, type, where, "input");
            parameters = new Parameters(new LinkedHashMap<>(), null, new LinkedHashMap<>());
            inputs = input == null ? Set.of() : Set.of(input);
        }
        else
        {
            thresholds.refuse(fields, type, where);
            parameters = type == RuleType.CUSTOM ?
                customParameters(fields, node, where) : parameters(fields, node, type, where);
            inputs = type != RuleType.CUSTOM ? type.inputs() :
                parameters.customClass() != null && CustomRules.check(parameters.customClass()) == null ?
                CustomRules.inputs(parameters.customClass()) : Set.of();
        }
        if (id >= 0 && name != null)
        {
            ruleRefs.add(new ExprScope.RuleRef((int)id, name, inputs));
        }
        final PendingWhere pendingWhere = fields.containsKey("where") && !inputs.isEmpty() ?
            new PendingWhere(fields.get("where"), where, (int)Math.max(0, id), inputs) : null;
        if (pendingWhere != null)
        {
            pendingWheres.add(pendingWhere);
        }
        if (reader.errorCount() > errorsBefore)
        {
            return null;
        }
        final RuleDefinition definition = crossChecked(new RuleDefinition((int)id, name, type, key, window[0],
            window[1], action, enabled, parameters.values(), parameters.customClass(), parameters.custom(), threshold,
            null, pattern, null, FieldReader.line(node)), fields, where);
        if (pendingWhere != null)
        {
            pendingWhere.definition = definition;
        }
        return definition;
    }

    /**
     * @return a pattern rule's pattern, or null for other types and after reporting why it is not one.
     */
    private PatternDefinition pattern(
        final Map<String, Node> fields, final Node node, final RuleType type, final WindowInput input,
        final String where)
    {
        if (type == RuleType.PATTERN)
        {
            if (fields.containsKey("parameters"))
            {
                reader.error(fields.get("parameters"), where, "field 'parameters': a pattern rule has none",
                    "'pattern' with its steps");
            }
            return input == null ? null : patterns.parse(fields.get("pattern"), node, input, where);
        }
        if (fields.containsKey("pattern"))
        {
            reader.error(fields.get("pattern"), where, "field 'pattern': only pattern rules have one",
                "no 'pattern', or type: pattern");
        }
        return null;
    }

    /**
     * An attribute: what it keeps, over which messages, per which key. It decides nothing, so it has no action.
     */
    private RuleDefinition attribute(
        final Node node, final Map<String, Node> fields, final String where, final int id, final String name,
        final int errorsBefore)
    {
        reader.text(fields, "description", node, where, null);
        final WindowInput input = thresholds.input(fields, node, where);
        final String key = inputKey(fields, input, "an attribute", where);
        final AttributeKind kind = attributes.kind(fields, node, where);
        long[] window = new long[2];
        if (kind != null && kind.windowed())
        {
            window = window(fields, node, RuleType.THRESHOLD, where);
        }
        else if (kind != null && fields.containsKey("window"))
        {
            reader.error(fields.get("window"), where, "field 'window': a " + kind.displayName() + " attribute " +
                "has no window", "no 'window' (count, sum and mean have one)");
        }
        final AttributeSpec spec = attributes.spec(fields, node, where, name, input, kind, window);
        if (spec == null || reader.errorCount() > errorsBefore)
        {
            return null;
        }
        return new RuleDefinition(id, name, RuleType.ATTRIBUTE, key, 0, 0, RuleAction.ALERT_ONLY, true,
            new LinkedHashMap<>(), null, new LinkedHashMap<>(), null, null, null, spec, FieldReader.line(node));
    }

    /**
     * The key of a pattern or an attribute, which depends on the messages it reads: the first of them when none is
     * given.
     */
    private String inputKey(final Map<String, Node> fields, final WindowInput input, final String what,
        final String where)
    {
        final List<String> keys = input == WindowInput.ORDERS ?
            List.of("account", "instrument") : List.of("account", "card", "merchant");
        final Node node = fields.get("key");
        if (node == null)
        {
            return keys.get(0);
        }
        final String key = reader.scalar(node, where, "key");
        if (key != null && !keys.contains(key))
        {
            reader.error(node, where, "field 'key': " + what + " over " + (input == WindowInput.ORDERS ? "orders" :
                "transactions") + " cannot be keyed by '" + key + "'", String.join(", ", keys));
            return null;
        }
        return key;
    }

    private RuleType type(final Map<String, Node> fields, final Node node, final String where)
    {
        final String typeName = reader.text(fields, "type", node, where, REQUIRED);
        final RuleType type = typeName == null ? null : RuleType.byName(typeName);
        if (typeName != null && type == null)
        {
            reader.error(fields.get("type"), where, "field 'type': unknown type '" + typeName + "'", RuleType.names());
        }
        return type;
    }

    private RuleAction action(final Map<String, Node> fields, final Node node, final String where)
    {
        final String actionName = reader.text(fields, "action", node, where, REQUIRED);
        if (actionName == null)
        {
            return null;
        }
        try
        {
            return RuleAction.valueOf(actionName.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            reader.error(fields.get("action"), where, "field 'action': unknown action '" + actionName + "'", ACTIONS);
            return null;
        }
    }

    private String key(final Map<String, Node> fields, final RuleType type, final String where)
    {
        final Node node = fields.get("key");
        if (type.keys().isEmpty())
        {
            if (node != null)
            {
                reader.error(node, where, "field 'key': a " + type.typeName() + " rule takes no key", "no 'key'");
            }
            return "";
        }
        if (node == null)
        {
            return type.keys().get(0);
        }
        final String key = reader.scalar(node, where, "key");
        if (key != null && !type.keys().contains(key))
        {
            reader.error(node, where, "field 'key': a " + type.typeName() + " rule cannot be keyed by '" + key + "'",
                String.join(", ", type.keys()));
            return null;
        }
        return key;
    }

    /**
     * @return the window's size and slide, each 0 when the type has none or after reporting why it is not valid.
     */
    private long[] window(final Map<String, Node> fields, final Node ruleNode, final RuleType type, final String where)
    {
        final Node node = fields.get("window");
        if (type.window() == RuleType.Window.NONE)
        {
            if (node != null)
            {
                reader.error(node, where, "field 'window': a " + type.typeName() + " rule has no window",
                    "no 'window'");
            }
            return new long[2];
        }
        final boolean sliding = type.window() == RuleType.Window.SLIDING;
        final String allowed = sliding ? "a mapping with 'size' and 'slide', e.g. {size: 60s, slide: 1s}" :
            "a mapping with 'size', e.g. {size: 10m}";
        if (node == null)
        {
            reader.error(ruleNode, where, "field 'window' is missing", allowed);
            return new long[2];
        }
        if (!(node instanceof MappingNode))
        {
            reader.error(node, where, "field 'window': wrong type, not a mapping", allowed);
            return new long[2];
        }
        return sizeAndSlide((MappingNode)node, sliding, where);
    }

    private long[] sizeAndSlide(final MappingNode node, final boolean sliding, final String where)
    {
        final long[] window = new long[2];
        final Map<String, Node> parts = reader.fields(node, where + " field 'window'",
            sliding ? List.of("size", "slide") : List.of("size"));
        window[0] = reader.duration(parts, "size", node, where, "window.size", MIN_WINDOW, MAX_WINDOW);
        if (sliding)
        {
            window[1] = reader.duration(parts, "slide", node, where, "window.slide", MIN_WINDOW, MAX_WINDOW);
            if (window[0] > 0 && window[1] > 0 &&
                (window[0] % window[1] != 0 || window[0] / window[1] > MAX_SLIDES_PER_WINDOW))
            {
                reader.error(parts.get("slide"), where, "field 'window.slide': " + Durations.format(window[1]) +
                    " does not divide size " + Durations.format(window[0]) + " into at most " + MAX_SLIDES_PER_WINDOW +
                    " steps", "a slide that divides the size into at most " + MAX_SLIDES_PER_WINDOW + " steps");
            }
        }
        return window;
    }

    /**
     * A threshold rule's: it takes none, and no class.
     */
    private Parameters noParameters(final Map<String, Node> fields, final String where)
    {
        for (final String field : List.of("parameters", "class"))
        {
            if (fields.containsKey(field))
            {
                reader.error(fields.get(field), where, "field '" + field + "': a threshold rule takes no " + field,
                    "aggregate, value and one of above, at-least, below, at-most");
            }
        }
        return new Parameters(new LinkedHashMap<>(), null, new LinkedHashMap<>());
    }

    /**
     * A built-in type's parameters: each one it takes, and no class.
     */
    private Parameters parameters(
        final Map<String, Node> fields, final Node ruleNode, final RuleType type, final String where)
    {
        if (fields.containsKey("class"))
        {
            reader.error(fields.get("class"), where, "field 'class': only custom rules name a class", "no 'class'");
        }
        final Map<String, Long> values = new LinkedHashMap<>();
        final Node node = fields.get("parameters");
        final List<String> names = type.parameters().stream().map(ParameterSpec::name).toList();
        if (node == null)
        {
            reader.error(ruleNode, where, "field 'parameters' is missing", "a mapping of " + String.join(", ", names));
        }
        else if (!(node instanceof MappingNode))
        {
            reader.error(node, where, "field 'parameters': wrong type, not a mapping", "a mapping of " +
                String.join(", ", names));
        }
        else
        {
            final Map<String, Node> given = reader.fields((MappingNode)node, where + " field 'parameters'", names);
            for (final ParameterSpec spec : type.parameters())
            {
                parameter(spec, given.get(spec.name()), node, where, values);
            }
        }
        return new Parameters(values, null, new LinkedHashMap<>());
    }

    private void parameter(
        final ParameterSpec spec, final Node value, final Node parent, final String where, final Map<String, Long> into)
    {
        final String field = "parameters." + spec.name();
        if (value == null)
        {
            reader.error(parent, where, "field '" + field + "' is missing", spec.allowed() + ": " + spec.meaning());
            return;
        }
        final String text = reader.scalar(value, where, field);
        if (text == null)
        {
            return;
        }
        try
        {
            into.put(spec.name(), spec.parse(text));
        }
        catch (final IllegalArgumentException ex)
        {
            reader.error(value, where, "field '" + field + "': '" + text + "' is not allowed", spec.allowed());
        }
    }

    /**
     * A custom rule's class, checked to be one, and its parameters as written.
     */
    private Parameters customParameters(final Map<String, Node> fields, final Node ruleNode, final String where)
    {
        final String customClass = reader.text(fields, "class", ruleNode, where, REQUIRED);
        if (customClass != null)
        {
            final String problem = CustomRules.check(customClass);
            if (problem != null)
            {
                reader.error(fields.get("class"), where, "field 'class': " + problem, CUSTOM_CLASS);
            }
        }
        final Map<String, String> values = new LinkedHashMap<>();
        final Node node = fields.get("parameters");
        if (node != null && !(node instanceof MappingNode))
        {
            reader.error(node, where, "field 'parameters': wrong type, not a mapping", "a mapping of name: value");
        }
        else if (node != null)
        {
            for (final NodeTuple tuple : ((MappingNode)node).getValue())
            {
                final String name = reader.scalar(tuple.getKeyNode(), where, "parameters");
                final String value = reader.scalar(tuple.getValueNode(), where, "parameters." + name);
                if (name != null && value != null && values.put(name, value) != null)
                {
                    reader.error(tuple.getKeyNode(), where, "field 'parameters." + name + "' appears twice",
                        "each once");
                }
            }
        }
        return new Parameters(new LinkedHashMap<>(), customClass, values);
    }

    /**
     * @return the rule, or null after reporting parameters that are valid one by one but not together.
     */
    private RuleDefinition crossChecked(final RuleDefinition rule, final Map<String, Node> fields, final String where)
    {
        final String problem = rule.type().crossCheck(rule);
        if (problem != null)
        {
            reader.error(fields.get("parameters"), where, "field 'parameters': " + problem, "consistent parameters");
            return null;
        }
        return rule;
    }
}
