package dev.vigil.app.cli;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code vigil config --print}: the effective configuration, every setting with its value and where the value came
 * from, as a configuration file that can be used as it is.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
        "Print the effective configuration: defaults, then --config FILE, then --data-dir/--profile, then --set,",
        "each value checked as 'run' checks it. Every setting is printed as a 'setting = value' line under a comment",
        "saying where the value came from (default, FILE:LINE, --set), so the output can be used as a config file.",
        "Exit 0, or 2 with the setting, value, source and what is allowed when a value is wrong."})
final class ConfigCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--print", description = "print the effective configuration")
    private boolean print;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        if (!print)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "nothing to do: try vigil config --print");
        }
        final VigilConfig config = options.toConfig();
        final PrintStream out = System.out;
        out.println("# Vigil effective configuration. Above each setting: where its value came from.");
        out.println("# Use as it is with: vigil run --config FILE");
        for (final Setting setting : Settings.ALL)
        {
            out.println("# " + config.sourceOf(setting));
            out.println(setting.name() + " = " + config.get(setting));
        }
        out.flush();
        return VigilMain.EXIT_OK;
    }
}
