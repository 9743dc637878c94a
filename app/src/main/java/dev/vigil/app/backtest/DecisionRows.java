package dev.vigil.app.backtest;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;

import java.io.PrintWriter;
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
    private final CsvRow row = new CsvRow();

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
        row.add(line).add(event.engineSeq());
        if (event.templateId() == TransactionDecoder.TEMPLATE_ID)
        {
            transaction.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = transaction.eventTimeNs();
            row.time(eventTimeNs).add("transaction").add(transaction.accountId()).add(transaction.cardId())
                .add(transaction.merchantId()).none();
        }
        else
        {
            order.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = order.eventTimeNs();
            row.time(eventTimeNs).add("order").add(order.accountId()).none().none().add(order.instrumentId());
        }
        row.add(event.verdict()).add(firedRules(event.firedRules())).writeTo(decisions);

        final RuleAlerts raised = event.alerts();
        for (int i = 0; i < raised.size(); i++)
        {
            row.add(line).add(event.engineSeq()).add(event.clientId()).add(event.clientSeq())
                .add(raised.ruleId(i)).add(ruleName(raised.ruleId(i))).add(raised.action(i)).add(raised.key(i))
                .add(raised.observed(i)).add(raised.threshold(i)).time(raised.windowStartNs(i))
                .time(raised.windowEndNs(i)).time(eventTimeNs).writeTo(alerts);
        }
    }

    private String firedRules(final long firedRules)
    {
        final StringJoiner names = new StringJoiner(";");
        for (long bits = firedRules; bits != 0; bits &= bits - 1)
        {
            names.add(ruleName(Long.numberOfTrailingZeros(bits)));
        }
        return names.toString();
    }

    private String ruleName(final int ruleId)
    {
        final Rule rule = ruleSet.get().ruleById(ruleId);
        return rule == null ? "rule-" + ruleId : rule.name();
    }
}
