package dev.vigil.core.rules.config;

import java.util.List;

/**
 * A parsed and validated rules file: its text (what is journaled and snapshotted), the rules and the windowed
 * aggregations it defines. Reading the file is the caller's part: this takes its text.
 */
public final class RulesFile
{
    private final String source;
    private final String text;
    private final List<RuleDefinition> rules;
    private final List<WindowDefinition> windows;

    private RulesFile(
        final String source, final String text, final List<RuleDefinition> rules, final List<WindowDefinition> windows)
    {
        this.source = source;
        this.text = text;
        this.rules = List.copyOf(rules);
        this.windows = List.copyOf(windows);
    }

    /**
     * @param source where the text came from, for error messages, e.g. the file name.
     * @param text   the rules file's text.
     * @return the rules file.
     * @throws RulesFileException with every error, when the text does not describe valid rules.
     */
    public static RulesFile parse(final String source, final String text)
    {
        final RulesFileParser parser = new RulesFileParser(source);
        final List<RuleDefinition> rules = parser.parse(text);
        return new RulesFile(source, text, rules, parser.windows());
    }

    /**
     * @return where the rules came from.
     */
    public String source()
    {
        return source;
    }

    /**
     * @return the file's text, exactly.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return every rule defined, enabled or not, in file order.
     */
    public List<RuleDefinition> rules()
    {
        return rules;
    }

    /**
     * @return every windowed aggregation defined, enabled or not, in file order.
     */
    public List<WindowDefinition> windows()
    {
        return windows;
    }
}
