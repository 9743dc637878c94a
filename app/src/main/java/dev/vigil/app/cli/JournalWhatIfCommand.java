package dev.vigil.app.cli;

import com.lmax.disruptor.EventHandler;
import dev.vigil.app.audit.JournalRecordView;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import dev.vigil.core.stage.rules.RulesHandler;
import org.agrona.collections.Long2LongHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vigil journal whatif}: replays the journal under the rules in force and under other rules, side by side,
 * and reports which decisions would change.
 */
@Command(
    name = "whatif",
    mixinStandardHelpOptions = true,
    description = {
        "Replay the journal twice in one pass: under the rules in force (the journal's, as the engine ran them)",
        "and under new rules (--new-rules FILE; --new-config and --new-set change engine-wide settings). Reports",
        "how many decisions change, verdict by verdict, how often each rule would fire, and the accounts with",
        "the most changes."})
final class JournalWhatIfCommand implements Callable<Integer>
{
    private static final int TOP_KEYS = 10;

    @Mixin
    private EngineOptions options;

    @Option(names = "--new-config", paramLabel = "FILE", description = "configuration file for the new rules")
    private Path newConfigFile;

    @Option(names = "--new-rules", paramLabel = "FILE",
        description = "rules file of the new rules; they decide throughout, whatever rules updates the journal holds")
    private Path newRulesFile;

    @Option(names = "--new-set", paramLabel = "SETTING=VALUE",
        description = "change one setting for the new rules; repeatable, applied after --new-config")
    private List<String> newOverrides = new ArrayList<>();

    @Override
    public Integer call()
    {
        final VigilConfig current = options.toConfig();
        if (newRulesFile == null && newConfigFile == null && newOverrides.isEmpty())
        {
            throw new ConfigException("whatif: give the new rules with --new-rules FILE, and/or other engine-wide " +
                "rule settings with --new-config FILE and --new-set SETTING=VALUE");
        }
        VigilConfig.Builder newBuilder = VigilConfig.builder();
        for (final Map.Entry<String, String> entry : current.values().entrySet())
        {
            newBuilder = newBuilder.set(entry.getKey(), entry.getValue(), "current");
        }
        if (newConfigFile != null)
        {
            newBuilder.file(newConfigFile);
        }
        if (newRulesFile != null)
        {
            newBuilder.set(Settings.RULES_FILE.name(), newRulesFile.toString(), "--new-rules");
        }
        newOverrides.forEach(newBuilder::override);
        final VigilConfig proposed = newBuilder.build();

        final Path journalDir = OptionValues.existingJournal("--data-dir", Path.of(current.get(Settings.DATA_DIR)));

        final RulesHandler currentRules = new RulesStageContext(current).newHandler();
        final RulesHandler proposedRules = new RulesStageContext(proposed).newHandler();
        // The rules now follow the journal's rules updates, as the engine did; new rules from a file decide alone.
        proposedRules.followRulesUpdates(newRulesFile == null);
        final Comparison comparison =
            new Comparison(currentRules, proposedRules, current.getInt(Settings.FRAME_MAX_LENGTH));
        final ProgressLine progress = new ProgressLine("replayed under both rule sets", 0);
        final JournalReplay.ReplayResult result = new JournalReplay(
            comparison, current.getInt(Settings.FRAME_MAX_LENGTH)).replay(journalDir, 1, progress);
        progress.finish();
        comparison.print(System.out, result, currentRules.ruleSet(), proposedRules.ruleSet());
        return "NONE".equals(result.stopReason()) ? VigilMain.EXIT_OK : VigilMain.EXIT_PROBLEM;
    }

    /**
     * Runs both rule stages on every replayed event, each on its own copy of the slot, and counts the differences.
     */
    private static final class Comparison implements EventHandler<RingEvent>
    {
        private final RulesHandler currentRules;
        private final RulesHandler proposedRules;
        private final RingEvent proposedEvent;
        private final JournalRecordView view = new JournalRecordView();
        private final long[][] transitions = new long[Verdict.values().length][Verdict.values().length];
        private final long[] currentFired = new long[Rule.MAX_RULE_ID + 1];
        private final long[] proposedFired = new long[Rule.MAX_RULE_ID + 1];
        private final Long2LongHashMap changesByAccount = new Long2LongHashMap(0);
        private long decisions;
        private long changed;

        Comparison(final RulesHandler currentRules, final RulesHandler proposedRules, final int maxFrameLength)
        {
            this.currentRules = currentRules;
            this.proposedRules = proposedRules;
            this.proposedEvent = new RingEvent(maxFrameLength);
        }

        @Override
        public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
        {
            proposedEvent.resetForFrame(FrameKind.EVENT, event.frame(), 0, event.frameLength(),
                event.sessionId(), event.engineSeq(), event.receiveTimeNs());
            proposedEvent.identify(event.templateId(), event.clientId(), event.clientSeq());
            currentRules.onEvent(event, sequence, endOfBatch);
            proposedRules.onEvent(proposedEvent, sequence, endOfBatch);

            final int templateId = event.templateId();
            if ((templateId != TransactionDecoder.TEMPLATE_ID && templateId != OrderDecoder.TEMPLATE_ID) ||
                event.rejectReason() != null || event.decisionEngineSeq() != event.engineSeq())
            {
                return;
            }
            decisions++;
            transitions[event.verdict().ordinal()][proposedEvent.verdict().ordinal()]++;
            count(event.firedRules(), currentFired);
            count(proposedEvent.firedRules(), proposedFired);
            if (event.verdict() != proposedEvent.verdict() || event.firedRules() != proposedEvent.firedRules())
            {
                changed++;
                final long account = view.accountId(event.frame(), 0);
                changesByAccount.put(account, changesByAccount.get(account) + 1);
            }
        }

        void print(
            final PrintStream out,
            final JournalReplay.ReplayResult result,
            final RuleSet currentRuleSet,
            final RuleSet proposedRuleSet)
        {
            out.printf(Locale.ROOT, "replayed %,d record(s) under both rule sets in %.1f ms%n",
                result.records(), result.durationNs() / 1e6);
            out.printf(Locale.ROOT, "  decisions %,d, changed %,d (%.2f%%)%n",
                decisions, changed, decisions == 0 ? 0.0 : 100.0 * changed / decisions);
            out.println("  verdict now -> under the new rules:");
            for (final Verdict from : Verdict.values())
            {
                for (final Verdict to : Verdict.values())
                {
                    final long count = from == Verdict.NULL_VAL || to == Verdict.NULL_VAL ?
                        0 : transitions[from.ordinal()][to.ordinal()];
                    if (count > 0 && from != to)
                    {
                        out.printf(Locale.ROOT, "    %s -> %s  %,d%n", from, to, count);
                    }
                }
            }
            out.println("  rule fired: now -> new");
            for (int id = 0; id <= Rule.MAX_RULE_ID; id++)
            {
                final Rule rule = currentRuleSet.ruleById(id) != null ?
                    currentRuleSet.ruleById(id) : proposedRuleSet.ruleById(id);
                if (rule != null)
                {
                    out.printf(Locale.ROOT, "    %-18s %,d -> %,d%n", rule.name(), currentFired[id], proposedFired[id]);
                }
            }
            final List<Map.Entry<Long, Long>> top = new ArrayList<>(changesByAccount.entrySet());
            top.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            if (!top.isEmpty())
            {
                out.println("  accounts with the most changed decisions:");
                top.stream().limit(TOP_KEYS).forEach(entry ->
                    out.printf(Locale.ROOT, "    account %d  %,d%n", entry.getKey(), entry.getValue()));
            }
        }

        private static void count(final long firedRules, final long[] byRule)
        {
            for (long bits = firedRules; bits != 0; bits &= bits - 1)
            {
                byRule[Long.numberOfTrailingZeros(bits)]++;
            }
        }
    }
}
