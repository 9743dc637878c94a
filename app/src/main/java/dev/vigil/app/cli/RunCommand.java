package dev.vigil.app.cli;

import dev.vigil.app.config.StartChecks;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RecoveryProgress;
import dev.vigil.app.engine.VigilEngine;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil run}: start the engine and serve until SIGINT or SIGTERM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run the engine: embedded media driver (unless driver.embedded=false), ingress on the configured channel,",
        "decisions back to each client, alerts on the alert channel. Stops cleanly on SIGINT or SIGTERM: takes no",
        "more input, decides and answers what it took, forces the journal to storage, snapshots, exits 0."})
final class RunCommand implements Callable<Integer>
{
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long LARGE_SNAPSHOT_BYTES = 256L << 20;

    @Mixin
    private EngineOptions options;

    @Option(names = "--truncate-at-corruption",
        description = "when the journal is damaged before its end, cut it there (the cut part is kept as *.corrupt) " +
            "and start, instead of refusing to start")
    private boolean truncateAtCorruption;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "serve Prometheus metrics at http://127.0.0.1:PORT/metrics (setting metrics.port; 0: off)")
    private Integer metricsPort;

    @Option(names = "--http-port", paramLabel = "PORT",
        description = "serve the live page (throughput, latency, decisions, alerts, rules, engine state) and its " +
            "JSON at http://127.0.0.1:PORT/ (setting http.port; 0: off; http.bind sets the address, loopback by " +
            "default)")
    private Integer httpPort;

    @Override
    public Integer call() throws InterruptedException
    {
        VigilConfig config = truncateAtCorruption ?
            options.toConfig().with(Settings.JOURNAL_TRUNCATE_AT_CORRUPTION.name(), "true") : options.toConfig();
        if (metricsPort != null)
        {
            config = config.with(Settings.METRICS_PORT.name(), metricsPort.toString());
        }
        if (httpPort != null)
        {
            config = config.with(Settings.HTTP_PORT.name(), httpPort.toString());
        }
        StartChecks.check(config);
        final PrintStream out = System.out;
        final StopSignals signals = StopSignals.install();
        final EngineErrorPrinter errorPrinter = new EngineErrorPrinter();
        // A recovery longer than a couple of seconds prints a line every two seconds.
        final VigilEngine engine = VigilEngine.launch(config, errorPrinter, RecoveryProgress.printingTo(
            out, SystemNanoClock.INSTANCE, PROGRESS_INTERVAL_NS, LARGE_SNAPSHOT_BYTES));
        errorPrinter.started = true;
        try
        {
            out.println("vigil: engine running, profile " + config.get(Settings.PROFILE));
            out.println("  ingress   " + config.get(Settings.INGRESS_CHANNEL) + " stream " +
                config.get(Settings.INGRESS_STREAM_ID));
            out.println("  alerts    " + config.get(Settings.ALERTS_CHANNEL) + " stream " +
                config.get(Settings.ALERTS_STREAM_ID));
            out.println("  aeron dir " + engine.aeronDirectoryName());
            out.println("  data dir  " + config.get(Settings.DATA_DIR));
            if (engine.metricsPort() != 0)
            {
                out.println("  metrics   http://127.0.0.1:" + engine.metricsPort() + "/metrics");
            }
            if (engine.livePageAddress() != null)
            {
                out.println("  live page " + engine.livePageAddress());
            }
            out.println(engine.startupReport());
            out.println("Ctrl-C to stop.");
            out.flush();
            out.println("vigil: stopping on " + signals.await());
            out.flush();
        }
        finally
        {
            engine.close();
        }
        out.println("vigil: stopped; " + engine.stopReport() + "; " + engine.snapshotReport());
        return VigilMain.EXIT_OK;
    }

    /**
     * Prints what the engine's threads report, each error also kept in the engine's error log: in full once the
     * engine runs; while it starts in one line, as a start that fails says why itself (a port in use, say).
     */
    private static final class EngineErrorPrinter implements ErrorHandler
    {
        private volatile boolean started;

        @Override
        public void onError(final Throwable throwable)
        {
            if (started)
            {
                throwable.printStackTrace();
            }
            else
            {
                System.err.println("vigil run: while starting: " + throwable);
            }
        }
    }
}
