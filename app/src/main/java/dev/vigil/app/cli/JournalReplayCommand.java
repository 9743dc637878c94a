package dev.vigil.app.cli;

import com.lmax.disruptor.EventHandler;
import dev.vigil.app.audit.DecisionCounts;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.rules.RulesHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil journal replay}: re-runs the journal through the rules, as the engine does at start, and reports
 * the decisions it reproduces.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Re-run every journaled input through a fresh rules stage built from the configuration (the defaults, or",
        "--config/--set), in journal order, exactly as the engine does when it starts: rules updates in the journal",
        "switch rules where they did live. With --rules FILE, those rules decide throughout instead. Prints",
        "decisions by verdict, alerts by rule and the replay rate; --out writes every decision as CSV. Changes",
        "nothing in DIR."})
final class JournalReplayCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Option(names = "--out", paramLabel = "FILE",
        description = "write one CSV line per decision: engineSeq,clientId,clientSeq,type,verdict,firedRules")
    private Path out;

    @Override
    public Integer call()
    {
        final VigilConfig config = options.toConfig();
        final Path journalDir = OptionValues.existingJournal("--data-dir", Path.of(config.get(Settings.DATA_DIR)));

        final RulesHandler rules = new RulesStageContext(config).newHandler();
        // Without --rules the journal's own rules updates apply, as they did live; with it, those rules throughout.
        rules.followRulesUpdates(!EngineOptions.RULES_OPTION.equals(config.sourceOf(Settings.RULES_FILE)));

        try (PrintWriter csv = out == null ? null : csvWriter(out))
        {
            final DecisionTally tally = new DecisionTally(rules, csv);
            final ProgressLine progress = new ProgressLine("replayed", 0);
            final JournalReplay.ReplayResult result =
                new JournalReplay(tally, config.getInt(Settings.FRAME_MAX_LENGTH)).replay(journalDir, 1, progress);
            progress.finish();

            final PrintStream stdout = System.out;
            stdout.printf(Locale.ROOT, "replayed %,d record(s) up to engine seq %d in %.1f ms (%,.0f records/s)%n",
                result.records(), result.lastSequence(), result.durationNs() / 1e6,
                result.records() * 1e9 / Math.max(1, result.durationNs()));
            final DecisionCounts counts = tally.counts;
            stdout.printf(Locale.ROOT, "  %s   (retries answered from the dedup table: %,d; refused as stale: %,d)%n",
                counts.verdictLine(), counts.repeated(), counts.refused());
            stdout.println("  " + counts.alertLine(rules.ruleSet()));
            if (!"NONE".equals(result.stopReason()))
            {
                stdout.println("PROBLEM: reading stopped early: " + result.stopReason() +
                    " (run 'vigil journal verify' for where)");
                return VigilMain.EXIT_PROBLEM;
            }
        }
        return VigilMain.EXIT_OK;
    }

    private static PrintWriter csvWriter(final Path file)
    {
        try
        {
            final PrintWriter writer = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            writer.println("engineSeq,clientId,clientSeq,type,verdict,firedRules");
            return writer;
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--out " + file + ": cannot write: " + PathChecks.reason(ex, file));
        }
    }

    /**
     * Runs the rules stage on each replayed event and counts what it decided.
     */
    private static final class DecisionTally implements EventHandler<RingEvent>
    {
        private final RulesHandler rules;
        private final PrintWriter csv;
        private final DecisionCounts counts = new DecisionCounts();

        DecisionTally(final RulesHandler rules, final PrintWriter csv)
        {
            this.rules = rules;
            this.csv = csv;
        }

        @Override
        public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
        {
            rules.onEvent(event, sequence, endOfBatch);
            if (counts.count(event) && csv != null)
            {
                csv.printf(Locale.ROOT, "%d,%d,%d,%s,%s,%d%n", event.engineSeq(), event.clientId(), event.clientSeq(),
                    event.templateId() == TransactionDecoder.TEMPLATE_ID ? "transaction" : "order", event.verdict(),
                    event.firedRules());
            }
        }
    }
}
