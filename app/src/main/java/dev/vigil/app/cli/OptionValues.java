package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.core.time.Durations;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of option values picocli cannot check by type, each failing with a {@link ConfigException} (exit 2) that
 * names the option, the value and what is allowed.
 */
final class OptionValues
{
    private OptionValues()
    {
    }

    /**
     * @param option the option, e.g. {@code --timeout}.
     * @param value  as given, e.g. {@code 10s}.
     * @return the duration in nanoseconds.
     */
    static long durationNs(final String option, final String value)
    {
        try
        {
            return Durations.parseNs(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(option + " " + ex.getMessage());
        }
    }

    /**
     * @param option the option.
     * @param value  as given.
     */
    static void notNegative(final String option, final long value)
    {
        if (value < 0)
        {
            throw new ConfigException(option + " " + value + ": allowed: 0 or more");
        }
    }

    /**
     * @param option the option, e.g. {@code --client-id}.
     * @param value  as given.
     * @return the client id, an unsigned 64-bit number other than 0.
     */
    static long clientId(final String option, final String value)
    {
        try
        {
            final long id = Long.parseUnsignedLong(value.trim());
            if (id != 0)
            {
                return id;
            }
        }
        catch (final NumberFormatException ex)
        {
            // Reported below with what is allowed.
        }
        throw new ConfigException(option + " " + value + ": allowed: a whole number from 1 to 18446744073709551615");
    }

    /**
     * @param option  the option or setting that named the data directory, e.g. {@code --data-dir}.
     * @param dataDir the data directory.
     * @return its journal directory.
     * @throws ConfigException when the data directory is a file or holds no journal.
     */
    static Path existingJournal(final String option, final Path dataDir)
    {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir))
        {
            throw new ConfigException(option + " " + dataDir + ": is a file, not a directory");
        }
        final Path journalDir = dataDir.resolve("journal");
        if (!Files.isDirectory(journalDir))
        {
            throw new ConfigException(option + " " + dataDir + ": no journal at " + journalDir);
        }
        return journalDir;
    }
}
