package dev.vigil.core.rules.config;

import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowKind;
import dev.vigil.core.window.WindowSpec;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the {@code windows:} section of a rules file: a list of windowed aggregations, each reported to subscribers
 * as {@code WindowResult} messages. Errors go to the file's parser, which names file, line, field and what is allowed.
 */
final class WindowsSectionParser
{
    private static final List<String> FIELDS = List.of(
        "id", "name", "type", "input", "key", "value", "size", "slide", "gap", "offset", "allowed-lateness",
        "max-keys", "max-windows", "enabled", "description");
    private static final String MAX_DURATION = "8784h";
    private static final int MAX_LIMIT = 1 << 26;
    private static final String REQUIRED = "every window has id, name and type";

    private final RulesFileParser parser;
    private final Map<Long, String> namesById = new HashMap<>();
    private final Map<String, Integer> linesByName = new HashMap<>();

    WindowsSectionParser(final RulesFileParser parser)
    {
        this.parser = parser;
    }

    List<WindowDefinition> parse(final Node node)
    {
        final List<WindowDefinition> windows = new ArrayList<>();
        if (!(node instanceof SequenceNode))
        {
            parser.error(node, "section 'windows'", "is not a list", "a list of windows, each starting with '- id:'");
            return windows;
        }
        int index = 0;
        for (final Node windowNode : ((SequenceNode)node).getValue())
        {
            final WindowDefinition window = parseWindow(windowNode, index++);
            if (window != null)
            {
                windows.add(window);
            }
        }
        return windows;
    }

    private WindowDefinition parseWindow(final Node node, final int index)
    {
        String where = "windows[" + index + "]";
        if (!(node instanceof MappingNode))
        {
            parser.error(node, where, "is not a mapping", "fields " + String.join(", ", FIELDS));
            return null;
        }
        for (final NodeTuple tuple : ((MappingNode)node).getValue())
        {
            if (tuple.getKeyNode() instanceof ScalarNode && tuple.getValueNode() instanceof ScalarNode &&
                "name".equals(((ScalarNode)tuple.getKeyNode()).getValue()))
            {
                where = "window '" + ((ScalarNode)tuple.getValueNode()).getValue() + "'";
            }
        }

        final int errorsBefore = parser.errorCount();
        final Map<String, Node> fields = parser.fields((MappingNode)node, where, FIELDS);
        final String name = parser.text(fields, "name", node, where, REQUIRED);
        final long id = parser.integer(fields, "id", node, where, 0, WindowSpec.MAX_ID, REQUIRED);
        checkUnique(id, name, node, fields, where);
        final WindowKind kind = choice(fields, "type", node, where, WindowKind.class, null);
        final WindowInput input = choice(fields, "input", node, where, WindowInput.class, WindowInput.TRANSACTIONS);
        final WindowInput.Key key = choice(fields, "key", node, where, WindowInput.Key.class, WindowInput.Key.ACCOUNT);
        final WindowInput.Value value = choice(fields, "value", node, where, WindowInput.Value.class,
            input == WindowInput.ORDERS ? WindowInput.Value.NOTIONAL : WindowInput.Value.AMOUNT);
        final String enabledText = parser.text(fields, "enabled", node, where, null);
        if (enabledText != null && !"true".equals(enabledText) && !"false".equals(enabledText))
        {
            parser.error(fields.get("enabled"), where, "field 'enabled': '" + enabledText + "' is not a boolean",
                "true or false");
        }
        parser.text(fields, "description", node, where, null);
        if (input != null && key != null && !input.has(key))
        {
            parser.error(fields.get("key"), where, "field 'key': " + WindowDefinition.lower(input) + " have no " +
                WindowDefinition.lower(key), keysOf(input));
        }
        if (input != null && value != null && !input.has(value))
        {
            parser.error(fields.get("value"), where, "field 'value': " + WindowDefinition.lower(input) +
                " have no " + WindowDefinition.lower(value), input == WindowInput.ORDERS ?
                "quantity, price, notional" : "amount");
        }

        final long[] timing = timing(kind, fields, node, where);
        final long lateness = fields.containsKey("allowed-lateness") ?
            parser.duration(fields, "allowed-lateness", node, where, "allowed-lateness", "0ms", MAX_DURATION) : 0;
        final long maxKeys = parser.integer(fields, "max-keys", node, where, 1, MAX_LIMIT, null);
        final long maxWindows = parser.integer(fields, "max-windows", node, where, 1, MAX_LIMIT, null);
        if (parser.errorCount() > errorsBefore || kind == null)
        {
            return null;
        }
        final WindowDefinition window = new WindowDefinition((int)id, name, kind, input, key, value, timing[0],
            timing[1], timing[2], lateness, (int)Math.max(0, maxKeys), (int)Math.max(0, maxWindows),
            !"false".equals(enabledText), RulesFileParser.line(node));
        try
        {
            window.toSpec(1);
        }
        catch (final IllegalArgumentException ex)
        {
            parser.error(node, where, ex.getMessage().replaceFirst("^window '[^']*': ", ""),
                "see docs/event-time-and-windows.md");
            return null;
        }
        return window;
    }

    /**
     * Size, slide and offset as the kind takes them: tumbling {@code size} (+ {@code offset}), sliding {@code size}
     * and {@code slide} (+ {@code offset}), session {@code gap}.
     */
    private long[] timing(final WindowKind kind, final Map<String, Node> fields, final Node node, final String where)
    {
        final long[] timing = new long[3];
        if (kind == null)
        {
            return timing;
        }
        final boolean session = kind == WindowKind.SESSION;
        refuse(fields, session ? List.of("size", "slide", "offset") : List.of("gap"), kind, where);
        if (kind == WindowKind.TUMBLING)
        {
            refuse(fields, List.of("slide"), kind, where);
        }
        if (session)
        {
            timing[0] = parser.duration(fields, "gap", node, where, "gap", "1ms", MAX_DURATION);
            timing[1] = timing[0];
            return timing;
        }
        timing[0] = parser.duration(fields, "size", node, where, "size", "1ms", MAX_DURATION);
        timing[1] = kind == WindowKind.SLIDING ?
            parser.duration(fields, "slide", node, where, "slide", "1ms", MAX_DURATION) : timing[0];
        if (kind == WindowKind.SLIDING && timing[0] > 0 && timing[1] > 0 &&
            (timing[0] % timing[1] != 0 || timing[0] / timing[1] > 100_000))
        {
            parser.error(fields.get("slide"), where, "field 'slide' does not divide 'size' into at most 100000 steps",
                "a slide that divides the size, e.g. size 1m slide 10s");
        }
        if (fields.containsKey("offset"))
        {
            timing[2] = parser.duration(fields, "offset", node, where, "offset", "0ms", MAX_DURATION);
            if (timing[1] > 0 && timing[2] >= timing[1])
            {
                final String period = kind == WindowKind.SLIDING ? "slide" : "size";
                parser.error(fields.get("offset"), where, "field 'offset' is not shorter than the " + period,
                    "an offset shorter than the " + period);
            }
        }
        return timing;
    }

    private void refuse(final Map<String, Node> fields, final List<String> names, final WindowKind kind,
        final String where)
    {
        for (final String name : names)
        {
            if (fields.containsKey(name))
            {
                parser.error(fields.get(name), where, "field '" + name + "': a " + WindowDefinition.lower(kind) +
                    " window has no " + name, kind == WindowKind.SESSION ? "gap" :
                    kind == WindowKind.SLIDING ? "size, slide, offset" : "size, offset");
            }
        }
    }

    private void checkUnique(
        final long id, final String name, final Node node, final Map<String, Node> fields, final String where)
    {
        if (id >= 0 && name != null)
        {
            final String clash = namesById.putIfAbsent(id, name);
            if (clash != null)
            {
                parser.error(fields.get("id"), where, "field 'id': " + id + " is already the id of window '" +
                    clash + "'", "an id used once among windows");
            }
        }
        if (name != null)
        {
            final Integer nameLine = linesByName.putIfAbsent(name, RulesFileParser.line(node));
            if (nameLine != null)
            {
                parser.error(fields.get("name"), where, "field 'name': already used by the window at line " +
                    nameLine, "a unique name");
            }
        }
    }

    private <E extends Enum<E>> E choice(
        final Map<String, Node> fields, final String name, final Node node, final String where, final Class<E> type,
        final E defaultValue)
    {
        final String allowed = Arrays.stream(type.getEnumConstants())
            .map(WindowDefinition::lower).collect(Collectors.joining(", "));
        final String text = parser.text(fields, name, node, where, defaultValue == null ? REQUIRED : null);
        if (text == null)
        {
            return defaultValue;
        }
        for (final E constant : type.getEnumConstants())
        {
            if (WindowDefinition.lower(constant).equals(text))
            {
                return constant;
            }
        }
        parser.error(fields.get(name), where, "field '" + name + "': unknown " + name + " '" + text + "'", allowed);
        return null;
    }

    private static String keysOf(final WindowInput input)
    {
        return Arrays.stream(WindowInput.Key.values()).filter(input::has)
            .map(WindowDefinition::lower).collect(Collectors.joining(", "));
    }
}
