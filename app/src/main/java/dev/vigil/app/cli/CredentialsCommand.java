package dev.vigil.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil credentials}: manage the keys clients authenticate with.
 */
@Command(
    name = "credentials",
    mixinStandardHelpOptions = true,
    description = "Manage the credentials file clients authenticate with (auth.credentials.file).",
    subcommands = {CredentialsAddCommand.class})
final class CredentialsCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a credentials command is required: add");
    }
}
