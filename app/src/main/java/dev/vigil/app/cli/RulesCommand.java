package dev.vigil.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil rules}: check a rules file, and apply one to a running engine.
 */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Check a rules file, or apply one to the running engine.",
    subcommands = {RulesCheckCommand.class, RulesReloadCommand.class})
final class RulesCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a rules command is required: check or reload");
    }
}
