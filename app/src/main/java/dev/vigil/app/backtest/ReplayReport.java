package dev.vigil.app.backtest;

import dev.vigil.app.audit.DecisionCounts;
import dev.vigil.core.rules.RuleSet;

import java.util.List;
import java.util.Locale;

/**
 * What a backtest did, and its summary.
 *
 * @param source         the events CSV file.
 * @param lines          data lines read, blank ones not counted.
 * @param transactions   transactions the engine accepted.
 * @param orders         orders the engine accepted.
 * @param heartbeats     heartbeats the engine accepted.
 * @param rejected       lines not decided: unreadable and skipped, or refused by the engine's input checks.
 * @param firstRejected  the first of those, each as {@code file:line: why}.
 * @param decisions      decisions by verdict and rules fired.
 * @param ruleSet        the rules, for their names.
 * @param windowResults  window results emitted, updates included.
 * @param windowUpdates  window results that replace an earlier one.
 * @param lateEvents     late events emitted.
 * @param durationNs     how long the run took.
 */
public record ReplayReport(
    String source,
    long lines,
    long transactions,
    long orders,
    long heartbeats,
    long rejected,
    List<String> firstRejected,
    DecisionCounts decisions,
    RuleSet ruleSet,
    long windowResults,
    long windowUpdates,
    long lateEvents,
    long durationNs)
{
    /** How many rejected lines the summary names. */
    public static final int REJECTED_SHOWN = 10;

    /**
     * @return the summary, one item a line.
     */
    public String text()
    {
        final long inputs = transactions + orders + heartbeats;
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "replayed %,d line(s) of %s in %.1f ms (%,.0f lines/s)%n",
            lines, source, durationNs / 1e6, lines * 1e9 / Math.max(1, durationNs)));
        text.append(String.format(Locale.ROOT, "  inputs    %,d: %,d transaction(s), %,d order(s), %,d heartbeat(s)" +
            "%s%n", inputs, transactions, orders, heartbeats,
            inputs == 0 ? "" : String.format(Locale.ROOT, "; engine seq 1 to %,d", inputs)));
        text.append(String.format(Locale.ROOT, "  rejected  %,d line(s)%s%n", rejected,
            rejected == 0 ? "" : " (all in " + ReplayOutputs.REJECTED + ")"));
        for (final String line : firstRejected)
        {
            text.append("    ").append(line).append(System.lineSeparator());
        }
        if (rejected > firstRejected.size())
        {
            text.append(String.format(Locale.ROOT, "    ... and %,d more%n", rejected - firstRejected.size()));
        }
        text.append("  ").append(decisions.verdictLine()).append(System.lineSeparator());
        text.append("  ").append(decisions.alertLine(ruleSet)).append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "  windows   %,d result(s), %,d of them update(s); %,d late event(s)%n",
            windowResults, windowUpdates, lateEvents));
        return text.toString();
    }
}
