package dev.vigil.app.config;

import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.rules.config.RulesFileException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads rules files from disk and hands their text to {@link RulesFile#parse(String, String)}, which the engine
 * owns.
 */
public final class RulesFiles
{
    /** The rules file a start uses when none is configured: config/rules.yaml. */
    public static final String DEFAULT_PATH = "config/rules.yaml";

    private static final String BUNDLED_DEFAULT = "rules.yaml";

    private RulesFiles()
    {
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
        return RulesFile.parse(file.toString(), readText(file));
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
                try (InputStream in = RulesFiles.class.getResourceAsStream(BUNDLED_DEFAULT))
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
}
