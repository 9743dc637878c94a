package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.RulesFiles;
import dev.vigil.core.rules.KeyedStateRule;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.rules.config.RuleDefinition;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.rules.config.RulesFileException;
import dev.vigil.core.rules.config.WindowDefinition;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads and validates a rules file for the {@code rules} commands: parses it and builds every rule once (so a
 * custom rule's own checks run too), and prints the rules or every error.
 */
final class RulesValidation
{
    private RulesValidation()
    {
    }

    /**
     * @param file    the rules file.
     * @param command the command, for messages.
     * @param out     where the rules or the errors go.
     * @return the rules file when valid, null when invalid (errors printed).
     * @throws ConfigException when the file cannot be read.
     */
    static RulesFile validate(final Path file, final String command, final PrintStream out)
    {
        try
        {
            final RulesFile rulesFile = RulesFiles.read(file);
            // One key each is enough to run every rule's constructor checks without allocating real state.
            new RuleSetBuilder(1).build(rulesFile, null);
            return rulesFile;
        }
        catch (final UncheckedIOException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
        catch (final RulesFileException ex)
        {
            out.println("vigil " + command + ": " + file + ": invalid rules, " + ex.errors().size() + " error(s):");
            for (final String error : ex.errors())
            {
                out.println("  " + error);
            }
            return null;
        }
    }

    private static String stateCost(final Rule rule)
    {
        if (!(rule instanceof KeyedStateRule))
        {
            return "";
        }
        final KeyedStateRule keyed = (KeyedStateRule)rule;
        return String.format(Locale.ROOT, "; state %,d bytes per %s", keyed.stateBytes(),
            keyed.stateKey().displayName());
    }

    /**
     * @param rulesFile valid rules.
     * @param out       where to print one line per rule: a keyed rule's ends with the bytes of state it keeps per
     *                  key, in the records of its state key.
     */
    static void print(final RulesFile rulesFile, final PrintStream out)
    {
        final long enabled = rulesFile.rules().stream().filter(RuleDefinition::enabled).count();
        out.printf(Locale.ROOT, "%s: %d rule(s), %d enabled%n", rulesFile.source(), rulesFile.rules().size(), enabled);
        final RuleSet built = new RuleSetBuilder(1).build(rulesFile, null);
        for (final RuleDefinition rule : rulesFile.rules())
        {
            out.printf(Locale.ROOT, "  %2d  %s%s%n", rule.id(), rule.describe(),
                rule.enabled() ? stateCost(built.ruleById(rule.id())) : "  (disabled)");
        }
        if (!rulesFile.windows().isEmpty())
        {
            final long enabledWindows = rulesFile.windows().stream().filter(WindowDefinition::enabled).count();
            out.printf(Locale.ROOT, "%d window(s), %d enabled%n", rulesFile.windows().size(), enabledWindows);
            for (final WindowDefinition window : rulesFile.windows())
            {
                out.printf(Locale.ROOT, "  %2d  %s%s%n", window.id(), window.describe(),
                    window.enabled() ? "" : "  (disabled)");
            }
        }
    }
}
