package dev.vigil.app.backtest;

import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.EventLayout;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Writes a decided slot as one line of decisions.csv and one line of alerts.csv per alert, with the fields of the
 * live {@code Alert} message. The rules' names are encoded once per rule set, so that a row allocates nothing.
 */
final class DecisionRows
{
    private static final byte[] TRANSACTION = ascii("transaction");
    private static final byte[] ORDER = ascii("order");
    private static final byte[][] VERDICTS = verdictNames();
    private static final byte[] QUOTE = ascii("\"");
    private static final byte[] SEMICOLON = ascii(";");
    private static final byte NO_SEPARATOR = 0;

    private final CsvWriter decisions;
    private final CsvWriter alerts;
    private final Supplier<RuleSet> ruleSet;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();
    /** Each rule's name as a cell of its own: quoted where it needs to be. */
    private final byte[][] nameCells = new byte[Rule.MAX_RULE_ID + 1][];
    /** Each rule's name as part of a quoted cell: quotes doubled, not quoted. */
    private final byte[][] quotedNames = new byte[Rule.MAX_RULE_ID + 1][];
    /** The rules whose names must be quoted, as a bitmap of rule ids. */
    private long needQuotes;
    private RuleSet namesOf;

    /**
     * @param decisions where decisions go.
     * @param alerts    where alerts go.
     * @param ruleSet   the rules in force, for their names.
     */
    DecisionRows(final CsvWriter decisions, final CsvWriter alerts, final Supplier<RuleSet> ruleSet)
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
        final RuleSet rules = ruleSet.get();
        if (rules != namesOf)
        {
            nameRules(rules);
        }
        final long eventTimeNs;
        decisions.add(line).add(event.engineSeq());
        if (event.templateId() == TransactionDecoder.TEMPLATE_ID)
        {
            transaction.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = transaction.eventTimeNs();
            decisions.time(eventTimeNs).add(TRANSACTION).add(transaction.accountId()).add(transaction.cardId())
                .add(transaction.merchantId()).none();
        }
        else
        {
            order.wrapAndApplyHeader(event.frame(), 0, header);
            eventTimeNs = order.eventTimeNs();
            decisions.time(eventTimeNs).add(ORDER).add(order.accountId()).none().none().add(order.instrumentId());
        }
        decisions.add(VERDICTS[event.verdict().ordinal()]);
        firedRules(event.firedRules());
        decisions.endRow();

        alerts(line, event, eventTimeNs);
    }

    /**
     * The alerts of an input that is not decided: those a pattern raised when a heartbeat moved the watermark.
     *
     * @param line  the input's line in the CSV file.
     * @param event the input.
     */
    void writeAlertsOnly(final int line, final RingEvent event)
    {
        final RuleSet rules = ruleSet.get();
        if (rules != namesOf)
        {
            nameRules(rules);
        }
        alerts(line, event, event.frame().getLong(EventLayout.EVENT_TIME_OFFSET, HeartbeatDecoder.BYTE_ORDER));
    }

    private void alerts(final int line, final RingEvent event, final long eventTimeNs)
    {
        final RuleAlerts raised = event.alerts();
        for (int i = 0; i < raised.size(); i++)
        {
            final int ruleId = raised.ruleId(i);
            alerts.add(line).add(event.engineSeq()).add(event.clientId()).add(event.clientSeq())
                .add(ruleId).add(nameCells[ruleId]).add(VERDICTS[raised.action(i).ordinal()]).add(raised.key(i))
                .add(raised.observed(i)).add(raised.threshold(i)).time(raised.windowStartNs(i))
                .time(raised.windowEndNs(i)).time(eventTimeNs);
            matchedEvents(raised, i);
            alerts.endRow();
        }
    }

    /**
     * A sequence pattern's matched events as one cell, {@code engineSeq@eventTime=value} each, {@code ;}-separated, in
     * event-time order; empty for other rules.
     */
    private void matchedEvents(final RuleAlerts raised, final int alert)
    {
        alerts.none();
        for (int m = 0, n = raised.matchedCount(alert); m < n; m++)
        {
            alerts.appendNumber(m == 0 ? NO_SEPARATOR : (byte)';', raised.matchedEngineSeq(alert, m))
                .appendTime((byte)'@', raised.matchedTimeNs(alert, m))
                .appendNumber((byte)'=', raised.matchedValue(alert, m));
        }
    }

    /**
     * The names of the fired rules, {@code ;}-separated, as one cell: quoted as a whole when any of them needs it.
     */
    private void firedRules(final long firedRules)
    {
        final boolean quoted = (firedRules & needQuotes) != 0;
        final byte[][] names = quoted ? quotedNames : nameCells;
        decisions.none();
        if (quoted)
        {
            decisions.append(QUOTE);
        }
        for (long bits = firedRules; bits != 0; bits &= bits - 1)
        {
            decisions.append(names[Long.numberOfTrailingZeros(bits)]);
            if ((bits & (bits - 1)) != 0)
            {
                decisions.append(SEMICOLON);
            }
        }
        if (quoted)
        {
            decisions.append(QUOTE);
        }
    }

    private void nameRules(final RuleSet rules)
    {
        needQuotes = 0;
        for (int id = 0; id <= Rule.MAX_RULE_ID; id++)
        {
            final Rule rule = rules.ruleById(id);
            final String name = rule == null ? "rule-" + id : rule.name();
            final String cell = ReplayOutputs.cell(name);
            nameCells[id] = cell.getBytes(StandardCharsets.UTF_8);
            quotedNames[id] = name.replace("\"", "\"\"").getBytes(StandardCharsets.UTF_8);
            if (!cell.equals(name))
            {
                needQuotes |= 1L << id;
            }
        }
        namesOf = rules;
    }

    private static byte[][] verdictNames()
    {
        final Verdict[] verdicts = Verdict.values();
        final byte[][] names = new byte[verdicts.length][];
        for (final Verdict verdict : verdicts)
        {
            names[verdict.ordinal()] = ascii(verdict.name());
        }
        return names;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
