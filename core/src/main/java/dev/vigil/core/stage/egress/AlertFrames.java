package dev.vigil.core.stage.egress;

import dev.vigil.codecs.AlertEncoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.core.ring.EventLayout;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the {@code Alert} messages of an input's alerts, matched events of sequence patterns included: the one
 * place both egress and whatever rebuilds outputs from the journal take them from, so they cannot differ.
 */
public final class AlertFrames
{
    /** Bytes the longest alert takes: header, block, and a whole match of the longest pattern. */
    public static final int MAX_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + AlertEncoder.BLOCK_LENGTH +
        AlertEncoder.MatchedEventsEncoder.sbeHeaderSize() +
        RingEvent.MAX_MATCHED_EVENTS_PER_EVENT * AlertEncoder.MatchedEventsEncoder.sbeBlockLength();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AlertEncoder alertEncoder = new AlertEncoder();

    /**
     * @param buffer where to encode, at least {@link #MAX_LENGTH} bytes from {@code offset}.
     * @param offset where the message starts.
     * @param event  the input whose alert it is.
     * @param index  which of its alerts.
     * @return the message's length.
     */
    public int encode(final MutableDirectBuffer buffer, final int offset, final RingEvent event, final int index)
    {
        final RuleAlerts alerts = event.alerts();
        alertEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .clientId(event.clientId())
            .clientSeq(event.clientSeq())
            .engineSeq(event.engineSeq())
            .ruleId(alerts.ruleId(index))
            .action(alerts.action(index))
            .key(alerts.key(index))
            .observed(alerts.observed(index))
            .threshold(alerts.threshold(index))
            .windowStartNs(alerts.windowStartNs(index))
            .windowEndNs(alerts.windowEndNs(index))
            .eventTimeNs(event.frame().getLong(EventLayout.EVENT_TIME_OFFSET, AlertEncoder.BYTE_ORDER));
        final int matched = alerts.matchedCount(index);
        final AlertEncoder.MatchedEventsEncoder events = alertEncoder.matchedEventsCount(matched);
        for (int m = 0; m < matched; m++)
        {
            events.next()
                .engineSeq(alerts.matchedEngineSeq(index, m))
                .eventTimeNs(alerts.matchedTimeNs(index, m))
                .value(alerts.matchedValue(index, m));
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + alertEncoder.encodedLength();
    }
}
