package dev.vigil.app.cli;

import dev.vigil.core.rules.config.RulesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vigil rules check FILE}: validates a rules file and prints the rules it would load, or every error.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
        "Validate a rules file without running anything: print the rules it would load, one line each, or every",
        "error with file, line, field and what is allowed. Exit 0 valid, 1 invalid, 2 unreadable or bad usage."})
final class RulesCheckCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "the rules file")
    private Path file;

    @Override
    public Integer call()
    {
        final RulesFile rulesFile = RulesValidation.validate(file, "rules check", System.out);
        if (rulesFile == null)
        {
            return VigilMain.EXIT_PROBLEM;
        }
        RulesValidation.print(rulesFile, System.out);
        return VigilMain.EXIT_OK;
    }
}
