package dev.vigil.core.rules.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads a rules file: YAML composed into nodes, not objects, so that every error can name its line. Collects every
 * error before giving up, each naming file, line, field and what is allowed.
 * <p>
 * The top level is a mapping of sections, {@code rules:} ({@link RulesSectionParser}) and {@code windows:}
 * ({@link WindowsSectionParser}). Another section is one more entry in {@link #sections()} with its own parser.
 */
final class RulesFileParser
{
    private final String source;
    private final FieldReader reader;
    private final List<RuleDefinition> rules = new ArrayList<>();
    private final List<WindowDefinition> windows = new ArrayList<>();

    RulesFileParser(final String source)
    {
        this.source = source;
        this.reader = new FieldReader(source);
    }

    /**
     * @param text the file's text.
     * @return the rules it defines.
     * @throws RulesFileException with every error found.
     */
    List<RuleDefinition> parse(final String text)
    {
        final Node root = compose(text);
        if (!(root instanceof MappingNode))
        {
            reader.error(root, "top level", "the file is " + (root == null ? "empty" : "not a mapping"),
                "a mapping of sections: " + String.join(", ", sections().keySet()));
            throw new RulesFileException(reader.errorsInLineOrder());
        }
        final Map<String, Node> sections =
            reader.fields((MappingNode)root, "top level", sections().keySet().stream().toList());
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
            reader.error(root, "top level", "no 'rules:' or 'windows:' section",
                "a 'rules:' list of rules, a 'windows:' list of windowed aggregations, or both");
        }
        if (reader.errorCount() > 0)
        {
            throw new RulesFileException(reader.errorsInLineOrder());
        }
        return rules;
    }

    /**
     * @return the windowed aggregations of the last text parsed, in file order.
     */
    List<WindowDefinition> windows()
    {
        return windows;
    }

    /**
     * Each top-level section and its parser, in the order they are read.
     */
    private static Map<String, BiConsumer<RulesFileParser, Node>> sections()
    {
        final Map<String, BiConsumer<RulesFileParser, Node>> sections = new LinkedHashMap<>();
        sections.put("rules",
            (parser, node) -> parser.rules.addAll(new RulesSectionParser(parser.reader).parse(node)));
        sections.put("windows",
            (parser, node) -> parser.windows.addAll(new WindowsSectionParser(parser.reader).parse(node)));
        return sections;
    }

    /**
     * @return the text's YAML as nodes, or null when it has none.
     * @throws RulesFileException naming the line, when the text is not valid YAML.
     */
    private Node compose(final String text)
    {
        try
        {
            return new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
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
    }
}
