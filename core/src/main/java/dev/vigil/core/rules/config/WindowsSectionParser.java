package dev.vigil.core.rules.config;

import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.window.WindowInput;
import dev.vigil.core.window.WindowKind;
import dev.vigil.core.window.WindowSpec;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.util.Arrays;
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
        "id", "name", "type", "input", "key", "value", "where", "size", "slide", "gap", "offset", "allowed-lateness",
        "max-keys", "max-windows", "enabled", "description");
    private static final String MAX_DURATION = "8784h";
    private static final int MAX_LIMIT = 1 << 26;
    private static final String REQUIRED = "every window has id, name and type";

    private final FieldReader reader;
    private final IdsAndNames idsAndNames;
    private final ExpressionReader expressions;

    /**
     * @param reader reads the fields and collects the errors of the whole file.
     */
    WindowsSectionParser(final FieldReader reader)
    {
        this.reader = reader;
        this.idsAndNames = new IdsAndNames(reader, "window", "an id used once among windows");
        this.expressions = new ExpressionReader(reader);
    }

    /**
     * @param node the section's value.
     * @return the valid windowed aggregations, in file order; errors for the others are with the reader.
     */
    List<WindowDefinition> parse(final Node node)
    {
        return reader.entries(node, "windows", "a list of windows, each starting with '- id:'", this::parseWindow);
    }

    private WindowDefinition parseWindow(final Node node, final int index)
    {
        if (!(node instanceof MappingNode))
        {
            reader.error(node, "windows[" + index + "]", "is not a mapping", "fields " + String.join(", ", FIELDS));
            return null;
        }
        final String where = FieldReader.where((MappingNode)node, "window", "windows[" + index + "]");
        final int errorsBefore = reader.errorCount();
        final Map<String, Node> fields = reader.fields((MappingNode)node, where, FIELDS);
        final String name = reader.text(fields, "name", node, where, REQUIRED);
        final long id = reader.integer(fields, "id", node, where, 0, WindowSpec.MAX_ID, REQUIRED);
        idsAndNames.check(id, name, node, fields, where);
        final WindowKind kind = choice(fields, "type", node, where, WindowKind.class, null);
        final WindowInput input = choice(fields, "input", node, where, WindowInput.class, WindowInput.TRANSACTIONS);
        final WindowInput.Key key = choice(fields, "key", node, where, WindowInput.Key.class, WindowInput.Key.ACCOUNT);
        final WindowInput.Value value = choice(fields, "value", node, where, WindowInput.Value.class,
            input == WindowInput.ORDERS ? WindowInput.Value.NOTIONAL : WindowInput.Value.AMOUNT);
        final boolean enabled = reader.enabled(fields, node, where);
        reader.text(fields, "description", node, where, null);
        checkInputHas(input, key, value, fields, where);
        final Condition condition = fields.containsKey("where") && input != null ?
            expressions.condition(fields.get("where"), where, "where", ExprScope.fieldsOf(input)) : null;

        final long[] timing = timing(kind, fields, node, where);
        final long lateness = fields.containsKey("allowed-lateness") ?
            reader.duration(fields, "allowed-lateness", node, where, "allowed-lateness", "0ms", MAX_DURATION) : 0;
        final long maxKeys = reader.integer(fields, "max-keys", node, where, 1, MAX_LIMIT, null);
        final long maxWindows = reader.integer(fields, "max-windows", node, where, 1, MAX_LIMIT, null);
        if (reader.errorCount() > errorsBefore || kind == null)
        {
            return null;
        }
        return checked(new WindowDefinition((int)id, name, kind, input, key, value, timing[0], timing[1], timing[2],
            lateness, (int)Math.max(0, maxKeys), (int)Math.max(0, maxWindows), enabled, condition,
            FieldReader.line(node)),
            node, where);
    }

    private void checkInputHas(
        final WindowInput input, final WindowInput.Key key, final WindowInput.Value value,
        final Map<String, Node> fields, final String where)
    {
        if (input != null && key != null && !input.has(key))
        {
            reader.error(fields.get("key"), where, "field 'key': " + WindowDefinition.lower(input) + " have no " +
                WindowDefinition.lower(key), keysOf(input));
        }
        if (input != null && value != null && !input.has(value))
        {
            reader.error(fields.get("value"), where, "field 'value': " + WindowDefinition.lower(input) +
                " have no " + WindowDefinition.lower(value), input == WindowInput.ORDERS ?
                "quantity, price, notional" : "amount");
        }
    }

    /**
     * @return the window, or null after reporting limits the window operator refuses.
     */
    private WindowDefinition checked(final WindowDefinition window, final Node node, final String where)
    {
        try
        {
            window.toSpec(1);
        }
        catch (final IllegalArgumentException ex)
        {
            reader.error(node, where, ex.getMessage().replaceFirst("^window '[^']*': ", ""),
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
            timing[0] = reader.duration(fields, "gap", node, where, "gap", "1ms", MAX_DURATION);
            timing[1] = timing[0];
            return timing;
        }
        timing[0] = reader.duration(fields, "size", node, where, "size", "1ms", MAX_DURATION);
        timing[1] = kind == WindowKind.SLIDING ?
            reader.duration(fields, "slide", node, where, "slide", "1ms", MAX_DURATION) : timing[0];
        if (kind == WindowKind.SLIDING && timing[0] > 0 && timing[1] > 0 &&
            (timing[0] % timing[1] != 0 || timing[0] / timing[1] > 100_000))
        {
            reader.error(fields.get("slide"), where, "field 'slide' does not divide 'size' into at most 100000 steps",
                "a slide that divides the size, e.g. size 1m slide 10s");
        }
        if (fields.containsKey("offset"))
        {
            timing[2] = reader.duration(fields, "offset", node, where, "offset", "0ms", MAX_DURATION);
            if (timing[1] > 0 && timing[2] >= timing[1])
            {
                final String period = kind == WindowKind.SLIDING ? "slide" : "size";
                reader.error(fields.get("offset"), where, "field 'offset' is not shorter than the " + period,
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
                reader.error(fields.get(name), where, "field '" + name + "': a " + WindowDefinition.lower(kind) +
                    " window has no " + name, kind == WindowKind.SESSION ? "gap" :
                    kind == WindowKind.SLIDING ? "size, slide, offset" : "size, offset");
            }
        }
    }

    private <E extends Enum<E>> E choice(
        final Map<String, Node> fields, final String name, final Node node, final String where, final Class<E> type,
        final E defaultValue)
    {
        final String allowed = Arrays.stream(type.getEnumConstants())
            .map(WindowDefinition::lower).collect(Collectors.joining(", "));
        final String text = reader.text(fields, name, node, where, defaultValue == null ? REQUIRED : null);
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
        reader.error(fields.get(name), where, "field '" + name + "': unknown " + name + " '" + text + "'", allowed);
        return null;
    }

    private static String keysOf(final WindowInput input)
    {
        return Arrays.stream(WindowInput.Key.values()).filter(input::has)
            .map(WindowDefinition::lower).collect(Collectors.joining(", "));
    }
}
