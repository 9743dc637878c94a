package dev.vigil.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil journal}: tools for auditors and operators over a journal.
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Read and check the journal of accepted input in DIR/journal.",
    subcommands = {
        JournalVerifyCommand.class, JournalDumpCommand.class, JournalReplayCommand.class, JournalWhatIfCommand.class,
        JournalImportCommand.class})
final class JournalCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "a journal command is required: verify, dump, replay, whatif or import");
    }
}
