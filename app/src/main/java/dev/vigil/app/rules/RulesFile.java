package dev.vigil.app.rules;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.app.config.TextLineReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed and validated rules file: its text (what is journaled and snapshotted), the rules and the windowed
 * aggregations it defines.
 */
public final class RulesFile
{
    /** The rules file a start uses when none is configured: config/rules.yaml. */
    public static final String DEFAULT_PATH = "config/rules.yaml";

    private static final String BUNDLED_DEFAULT = "rules.yaml";

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
     * Read a rules file. The default path, when no such file exists (a start from another directory), means the
     * copy of config/rules.yaml bundled with the engine.
     *
     * @param file the file.
     * @return the rules file.
     * @throws UncheckedIOException when the file cannot be read.
     * @throws ConfigException      naming file, line and byte column when the file is not UTF-8 text.
     * @throws RulesFileException   with every error, when the file does not describe valid rules.
     */
    public static RulesFile read(final Path file)
    {
        return parse(file.toString(), readText(file));
    }

    /**
     * @param file a rules file, or the default path.
     * @return its text.
     * @throws UncheckedIOException when the file cannot be read.
     * @throws ConfigException      naming file, line and byte column when the file is not UTF-8 text.
     */
    public static String readText(final Path file)
    {
        try
        {
            if (!Files.exists(file) && file.equals(Path.of(DEFAULT_PATH)))
            {
                try (InputStream in = RulesFile.class.getResourceAsStream(BUNDLED_DEFAULT))
                {
                    if (in != null)
                    {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
            if (Files.isDirectory(file))
            {
                throw new IOException("is a directory, not a file");
            }
            return TextLineReader.decode(file.toString(), Files.readAllBytes(file));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot read the rules file: " + PathChecks.reason(ex, file), ex);
        }
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
