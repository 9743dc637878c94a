package dev.vigil.app.cli;

import dev.vigil.app.config.VigilConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options every engine-running command shares: configuration file, data directory, rules file, overrides.
 */
final class EngineOptions
{
    /** Source of the rules.file setting when --rules gave it. */
    static final String RULES_OPTION = "--rules";

    @Option(names = "--config", paramLabel = "FILE",
        description = "configuration file of 'setting = value' lines (see config/vigil.conf)")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "where journal, snapshots (and keyed-state files when persisted) live (default: ./vigil-data)")
    Path dataDir;

    @Option(names = "--profile", paramLabel = "NAME",
        description = "threading profile: shared (2 cores, default) or dedicated (busy-spin, one core per thread)")
    String profile;

    @Option(names = "--rules", paramLabel = "FILE",
        description = "the rules file (default: config/rules.yaml; the setting rules.file)")
    Path rulesFile;

    @Option(names = {"-s", "--set"}, paramLabel = "SETTING=VALUE",
        description = "override one setting; repeatable, applied after --config")
    List<String> overrides = new ArrayList<>();

    /**
     * @return the effective configuration: defaults, then the file, then --data-dir/--rules/--profile, then --set.
     */
    VigilConfig toConfig()
    {
        final VigilConfig.Builder builder = VigilConfig.builder();
        if (configFile != null)
        {
            builder.file(configFile);
        }
        if (dataDir != null)
        {
            builder.set("data.dir", dataDir.toString(), "--data-dir");
        }
        if (rulesFile != null)
        {
            builder.set("rules.file", rulesFile.toString(), RULES_OPTION);
        }
        if (profile != null)
        {
            builder.set("profile", profile, "--profile");
        }
        for (final String override : overrides)
        {
            builder.override(override);
        }
        return builder.build();
    }
}
