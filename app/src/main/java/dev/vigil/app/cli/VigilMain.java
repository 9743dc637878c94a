package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.journal.JournalCorruptionException;
import io.aeron.exceptions.RegistrationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code vigil} command line. Exit status: 0 success, 1 a problem found, 2 bad usage or configuration.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilMain.Version.class,
    description = "Vigil: a microsecond event processor for payment fraud and pre-trade risk.",
    subcommands = {
        RunCommand.class, DemoCommand.class, SnapshotCommand.class, JournalCommand.class, RulesCommand.class,
        StatCommand.class, ConfigCommand.class, ReplayCommand.class, CredentialsCommand.class, ClusterCommand.class,
        KafkaCommand.class, CommandLine.HelpCommand.class})
public final class VigilMain implements Runnable
{
    /** Success. */
    public static final int EXIT_OK = 0;
    /** The command ran and found a problem. */
    public static final int EXIT_PROBLEM = 1;
    /** Bad usage or configuration. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run a command line without exiting the JVM.
     *
     * @param args command line.
     * @return exit status.
     */
    public static int execute(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new VigilMain());
        commandLine.setExecutionExceptionHandler(VigilMain::onException);
        return commandLine.execute(args);
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: vigil --help)");
    }

    /**
     * The one place a command's exception becomes an exit status and a message. Expected errors (configuration,
     * usage, unreadable or unwritable files, a damaged journal) print one message naming what and where, and no stack
     * trace; only an unexpected exception, a fault of the program, prints its stack trace.
     */
    private static int onException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        final String command = commandLine.getCommandSpec().qualifiedName();
        final int exitCode;
        if (ex instanceof ConfigException)
        {
            err.println(command + ": " + ex.getMessage());
            exitCode = EXIT_USAGE;
        }
        else if (ex instanceof JournalCorruptionException)
        {
            err.println(command + ": " + ex.getMessage());
            err.println("  the journal is damaged before its end; to cut it there and start (the cut part is kept " +
                "as *.corrupt): vigil run --truncate-at-corruption");
            exitCode = EXIT_PROBLEM;
        }
        else if (ex instanceof RegistrationException)
        {
            // The media driver refused a channel of the configuration: a port in use, an address not on this host.
            err.println(command + ": the media driver refused a channel: " + ex.getMessage());
            exitCode = EXIT_USAGE;
        }
        else if (ex instanceof UncheckedIOException)
        {
            // Reading or writing a file failed mid-way (disk full, I/O error): the message names the file.
            final IOException cause = ((UncheckedIOException)ex).getCause();
            final String reason = PathChecks.reason(cause, null);
            final boolean bare = ex.getMessage() == null || ex.getMessage().equals(cause.toString());
            err.println(command + ": failed: " + (bare ? reason : ex.getMessage() + " (" + reason + ")"));
            exitCode = EXIT_PROBLEM;
        }
        else
        {
            err.println(command + ": failed: " + ex);
            ex.printStackTrace(err);
            exitCode = EXIT_PROBLEM;
        }
        err.flush();
        return exitCode;
    }

    /**
     * Version from the jar manifest, when there is one.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = VigilMain.class.getPackage().getImplementationVersion();
            return new String[]{"vigil " + (version == null ? "development build" : version) +
                ", Java " + System.getProperty("java.version")};
        }
    }
}
