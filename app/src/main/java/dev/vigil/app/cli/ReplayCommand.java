package dev.vigil.app.cli;

import dev.vigil.app.backtest.CsvReplay;
import dev.vigil.app.backtest.ReplayOutputs;
import dev.vigil.app.backtest.ReplayReport;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.core.rules.config.RulesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vigil replay}: a backtest of the rules over an events CSV file, offline.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Backtest: run an events CSV file, line by line in file order, through the engine's own input checks and",
        "rules stage (windows included), as one client would have sent it, minus the network. Columns as for",
        "'vigil journal import' (first line, any order): event_time, type (transaction|order|heartbeat), account,",
        "card, merchant, amount, currency, country, channel, instrument, side, order_type, price, quantity.",
        "Writes decisions.csv, alerts.csv, windows.csv, late.csv, rejected.csv and summary.txt into DIR, and",
        "prints the summary. A line that cannot be read stops the run (exit 2) unless --skip-bad-lines. Exit 0:",
        "every line decided; 1: some lines rejected (see rejected.csv); 2: bad usage, configuration or input.",
        "With --threads 2 one thread reads the file while another runs the rules and writes the outputs; the",
        "outputs are the same as with --threads 1; it pays only where a second core is free."})
final class ReplayCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--input", paramLabel = "FILE", required = true, description = "the events CSV file")
    private Path input;

    @Option(names = "--out", paramLabel = "DIR", required = true,
        description = "directory for the output files; created when missing")
    private Path out;

    @Option(names = "--force", description = "overwrite the output files of an earlier run in DIR")
    private boolean force;

    @Option(names = "--skip-bad-lines",
        description = "count a line that cannot be read as rejected (rejected.csv) and go on, instead of stopping")
    private boolean skipBadLines;

    @Option(names = "--client-id", defaultValue = "1",
        description = "client id the input is sent under (default: ${DEFAULT-VALUE})")
    private long clientId;

    @Option(names = "--threads", paramLabel = "N",
        description = "1: read and run the rules on one thread; 2: read on one, rules and outputs on another " +
            "(default: 1)")
    private Integer threads;

    @Override
    public Integer call()
    {
        final VigilConfig config = options.toConfig();
        final int replayThreads = threads != null ? threads : CsvReplay.defaultThreads();
        if (replayThreads != 1 && replayThreads != 2)
        {
            throw new ConfigException("--threads: " + replayThreads + " is not allowed; use 1 or 2");
        }
        PathChecks.readableFile("--input " + input, input);
        final RulesFile rulesFile = RuleSetFactory.rulesFile(config);
        final ReplayOutputs outputs = ReplayOutputs.create(out, force);
        try
        {
            final CsvReplay replay = new CsvReplay(config, rulesFile, clientId, skipBadLines, outputs,
                replayThreads);
            final ProgressLine progress = new ProgressLine("replayed", 0);
            final ReplayReport report = replay.run(input, progress);
            progress.finish();
            final String summary = report.text() + "  written   " + out + "/{" +
                String.join(",", ReplayOutputs.FILES) + "}" + System.lineSeparator();
            outputs.finish(summary);
            System.out.print(summary);
            return report.rejected() == 0 ? VigilMain.EXIT_OK : VigilMain.EXIT_PROBLEM;
        }
        catch (final RuntimeException | Error ex)
        {
            outputs.discard();
            throw ex;
        }
    }
}
