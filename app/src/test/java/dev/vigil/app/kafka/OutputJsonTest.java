package dev.vigil.app.kafka;

import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.stage.egress.AlertFrames;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Alerts as the Kafka sink writes them: a sequence pattern's alert carries its matched events, others none.
 */
class OutputJsonTest
{
    @Test
    void aPatternsAlertListsItsMatchedEventsAndOthersDoNot()
    {
        final RingEvent event = new RingEvent(256);
        final RuleAlerts alerts = event.alerts();
        alerts.add(0, Verdict.DECLINE, 7, 2_000_000, 1_000_000, 10, 11);
        alerts.add(5, Verdict.DECLINE, 71, 2, 2, 100, 201);
        alerts.addMatchedEvent(3, 100, 150);
        alerts.addMatchedEvent(9, 200, 150_000);

        final AlertFrames frames = new AlertFrames();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(AlertFrames.MAX_LENGTH);
        final OutputJson json = new OutputJson();

        frames.encode(buffer, 0, event, 0);
        final String plain = new String(json.alert(decode(buffer)), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"alert\",\"engineSeq\":0,\"clientId\":0,\"clientSeq\":0,\"ruleId\":0," +
            "\"action\":\"DECLINE\",\"key\":7,\"observed\":2000000,\"threshold\":1000000,\"windowStartNs\":10," +
            "\"windowEndNs\":11,\"eventTimeNs\":0}", plain);

        frames.encode(buffer, 0, event, 1);
        final String pattern = new String(json.alert(decode(buffer)), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"alert\",\"engineSeq\":0,\"clientId\":0,\"clientSeq\":0,\"ruleId\":5," +
            "\"action\":\"DECLINE\",\"key\":71,\"observed\":2,\"threshold\":2,\"windowStartNs\":100," +
            "\"windowEndNs\":201,\"eventTimeNs\":0,\"matchedEvents\":[{\"engineSeq\":3,\"eventTimeNs\":100," +
            "\"value\":150},{\"engineSeq\":9,\"eventTimeNs\":200,\"value\":150000}]}", pattern);
    }

    private static AlertDecoder decode(final ExpandableArrayBuffer buffer)
    {
        return new AlertDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }
}
