package dev.vigil.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil kafka}: Kafka topics in and out of the engine, each record decided once and each output written once.
 */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = "Feed a Kafka topic to the engine (source), write its alerts, window results and late events to " +
        "Kafka topics (sink), or try both on a local broker (demo). See docs/kafka.md.",
    subcommands = {KafkaSourceCommand.class, KafkaSinkCommand.class, KafkaDemoCommand.class,
        CommandLine.HelpCommand.class})
final class KafkaCommand implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "a subcommand is required: source, sink or demo (try: vigil kafka --help)");
    }
}
