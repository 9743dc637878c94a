package dev.vigil.app.backtest;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Writes a decided slot as one line of decisions.csv and one line of alerts.csv per alert, with the fields of the
 * live {@code Alert} message.
 */
final class DecisionRows
{
    private final PrintWriter decisions;
    private final PrintWriter alerts;
    private final Supplier<RuleSet> ruleSet;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();

    /**
     * @param decisions where decisions go.
     * @param alerts    where alerts go.
     * @param ruleSet   the rules in force, for their names.
     */
    DecisionRows(final PrintWriter decisions, final PrintWriter alerts, final Supplier<RuleSet> ruleSet)
    {
        this.decisions = decisions;
        this.alerts = alerts;
        this.ruleSet = ruleSet;
    }

    /**
     * @param line  the input's line in the CSV file.
     * @param event a transaction or order the rules stage decided.
     */
    void write(final int line, final RingEvent event)
    {
        final long eventTimeNs;
        if (event.templateId() == TransactionDecoder.TEMPLATE_ID)
        {
            transaction.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = transaction.eventTimeNs();
            decisions.printf(Locale.ROOT, "%d,%d,%s,transaction,%d,%d,%d,,%s,%s%n", line, event.engineSeq(),
                ReplayOutputs.time(eventTimeNs), transaction.accountId(), transaction.cardId(),
                transaction.merchantId(), event.verdict(), firedRules(event.firedRules()));
        }
        else
        {
            order.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = order.eventTimeNs();
            decisions.printf(Locale.ROOT, "%d,%d,%s,order,%d,,,%d,%s,%s%n", line, event.engineSeq(),
                ReplayOutputs.time(eventTimeNs), order.accountId(), order.instrumentId(), event.verdict(),
                firedRules(event.firedRules()));
        }

        final RuleAlerts raised = event.alerts();
        for (int i = 0; i < raised.size(); i++)
        {
            alerts.printf(Locale.ROOT, "%d,%d,%d,%d,%d,%s,%s,%d,%d,%d,%s,%s,%s%n", line, event.engineSeq(),
                event.clientId(), event.clientSeq(), raised.ruleId(i), ruleName(raised.ruleId(i)), raised.action(i),
                raised.key(i), raised.observed(i), raised.threshold(i), ReplayOutputs.time(raised.windowStartNs(i)),
                ReplayOutputs.time(raised.windowEndNs(i)), ReplayOutputs.time(eventTimeNs));
        }
    }

    private String firedRules(final long firedRules)
    {
        final StringJoiner names = new StringJoiner(";");
        for (long bits = firedRules; bits != 0; bits &= bits - 1)
        {
            names.add(ruleName(Long.numberOfTrailingZeros(bits)));
        }
        return ReplayOutputs.cell(names.toString());
    }

    private String ruleName(final int ruleId)
    {
        final Rule rule = ruleSet.get().ruleById(ruleId);
        return ReplayOutputs.cell(rule == null ? "rule-" + ruleId : rule.name());
    }
}
