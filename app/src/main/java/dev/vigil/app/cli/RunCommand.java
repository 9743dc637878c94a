package dev.vigil.app.cli;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.VigilEngine;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code vigil run}: start the engine and serve until SIGINT or SIGTERM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run the engine: embedded media driver (unless driver.embedded=false), ingress on the configured channel,",
        "decisions back to each client, alerts on the alert channel. Stops cleanly on SIGINT or SIGTERM."})
final class RunCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--truncate-at-corruption",
        description = "when the journal is damaged before its end, cut it there (the cut part is kept as *.corrupt) " +
            "and start, instead of refusing to start")
    private boolean truncateAtCorruption;

    @Override
    public Integer call()
    {
        final VigilConfig config = truncateAtCorruption ?
            options.toConfig().with(Settings.JOURNAL_TRUNCATE_AT_CORRUPTION.name(), "true") : options.toConfig();
        final PrintStream out = System.out;
        final VigilEngine engine;
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            engine = VigilEngine.launch(config, Throwable::printStackTrace);
            try
            {
                out.println("vigil: engine running, profile " + config.get(Settings.PROFILE));
                out.println("  ingress   " + config.get(Settings.INGRESS_CHANNEL) + " stream " +
                    config.get(Settings.INGRESS_STREAM_ID));
                out.println("  alerts    " + config.get(Settings.ALERTS_CHANNEL) + " stream " +
                    config.get(Settings.ALERTS_STREAM_ID));
                out.println("  aeron dir " + engine.aeronDirectoryName());
                out.println("  data dir  " + config.get(Settings.DATA_DIR));
                out.println(engine.startupReport());
                out.println("Ctrl-C to stop.");
                out.flush();
                barrier.await();
                out.println("vigil: stopping");
            }
            finally
            {
                engine.close();
            }
        }
        out.println("vigil: stopped; " + engine.snapshotReport());
        return VigilMain.EXIT_OK;
    }
}
