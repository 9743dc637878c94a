package dev.vigil.app.kafka;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.WindowResultDecoder;

import java.nio.charset.StandardCharsets;

/**
 * The JSON the Kafka connectors write: one object per decision, alert, window result or late event, with the
 * fields of its SBE message (times in nanoseconds since the epoch, ids as unsigned numbers, fired rules as the rule
 * ids of the bitmap). Documented with examples in {@code docs/kafka.md}; the live page shows the same objects.
 */
public final class OutputJson
{
    private final StringBuilder text = new StringBuilder(256);

    /**
     * @param decision  the engine's decision.
     * @param topic     the topic of the input record.
     * @param partition its partition.
     * @param offset    its offset.
     * @return the decision as JSON.
     */
    byte[] decision(final DecisionDecoder decision, final String topic, final int partition, final long offset)
    {
        begin();
        string("topic", topic);
        number("partition", partition);
        number("offset", offset);
        unsigned("clientId", decision.clientId());
        number("clientSeq", decision.clientSeq());
        number("engineSeq", decision.engineSeq());
        string("verdict", decision.verdict().name());
        ruleIds("firedRules", decision.firedRules());
        return end();
    }

    /**
     * @param alert a rule that fired.
     * @return the alert as JSON.
     */
    public byte[] alert(final AlertDecoder alert)
    {
        begin();
        string("type", "alert");
        number("engineSeq", alert.engineSeq());
        unsigned("clientId", alert.clientId());
        number("clientSeq", alert.clientSeq());
        number("ruleId", alert.ruleId());
        string("action", alert.action().name());
        unsigned("key", alert.key());
        number("observed", alert.observed());
        number("threshold", alert.threshold());
        number("windowStartNs", alert.windowStartNs());
        number("windowEndNs", alert.windowEndNs());
        number("eventTimeNs", alert.eventTimeNs());
        final AlertDecoder.MatchedEventsDecoder matched = alert.matchedEvents();
        if (matched.count() > 0)
        {
            // A sequence pattern's events, in event-time order.
            name("matchedEvents");
            text.append('[');
            boolean first = true;
            for (final AlertDecoder.MatchedEventsDecoder event : matched)
            {
                text.append(first ? "" : ",").append("{\"engineSeq\":").append(event.engineSeq())
                    .append(",\"eventTimeNs\":").append(event.eventTimeNs())
                    .append(",\"value\":").append(event.value()).append('}');
                first = false;
            }
            text.append(']');
        }
        return end();
    }

    /**
     * @param result one key's aggregate over one window.
     * @return the window result as JSON.
     */
    public byte[] windowResult(final WindowResultDecoder result)
    {
        begin();
        string("type", "window");
        number("engineSeq", result.engineSeq());
        number("windowId", result.aggregateId());
        unsigned("key", result.key());
        number("windowStartNs", result.windowStartNs());
        number("windowEndNs", result.windowEndNs());
        number("count", result.count());
        number("sum", result.sum());
        number("min", result.min());
        number("max", result.max());
        literal("update", result.isUpdate() == BooleanType.TRUE ? "true" : "false");
        return end();
    }

    /**
     * @param late an event no window accepts any more.
     * @return the late event as JSON.
     */
    public byte[] lateEvent(final LateEventDecoder late)
    {
        begin();
        string("type", "late");
        number("engineSeq", late.engineSeq());
        number("windowId", late.aggregateId());
        unsigned("key", late.key());
        number("eventTimeNs", late.eventTimeNs());
        number("watermarkNs", late.watermarkNs());
        string("reason", late.reason().name());
        return end();
    }

    private void begin()
    {
        text.setLength(0);
        text.append('{');
    }

    private byte[] end()
    {
        text.append('}');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void name(final String name)
    {
        if (text.length() > 1)
        {
            text.append(',');
        }
        text.append('"').append(name).append("\":");
    }

    private void number(final String name, final long value)
    {
        name(name);
        text.append(value);
    }

    private void unsigned(final String name, final long value)
    {
        name(name);
        text.append(Long.toUnsignedString(value));
    }

    private void literal(final String name, final String value)
    {
        name(name);
        text.append(value);
    }

    private void string(final String name, final String value)
    {
        name(name);
        text.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                text.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                text.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                text.append(c);
            }
        }
        text.append('"');
    }

    private void ruleIds(final String name, final long bitmap)
    {
        name(name);
        text.append('[');
        long bits = bitmap;
        boolean first = true;
        while (bits != 0)
        {
            final int id = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            if (!first)
            {
                text.append(',');
            }
            text.append(id);
            first = false;
        }
        text.append(']');
    }
}
