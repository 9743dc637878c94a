package dev.vigil.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil cluster}: Vigil replicated on Aeron Cluster.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Run Vigil replicated on Aeron Cluster: one member per host, or a three-member demo on this host.",
    subcommands = {ClusterRunCommand.class, ClusterDemoCommand.class, ClusterReloadRulesCommand.class,
        CommandLine.HelpCommand.class})
final class ClusterCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "a subcommand is required: run, demo or reload-rules " +
            "(try: vigil cluster --help)");
    }
}
