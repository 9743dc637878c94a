package dev.vigil.app.kafka;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaCountersTest
{
    @Test
    void exportsItsRolesCountersInThePrometheusFormatOverLoopback() throws Exception
    {
        final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
        counters.add(KafkaCounters.Counter.SOURCE_RECORDS_IN, 5);
        counters.increment(KafkaCounters.Counter.SOURCE_BAD_UNPARSEABLE);
        counters.set(KafkaCounters.Counter.SOURCE_LAG, 42);

        try (KafkaMetricsEndpoint endpoint = KafkaMetricsEndpoint.start("--metrics-port", 0, counters))
        {
            final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            final String text = response.body();
            assertTrue(text.contains("# TYPE vigil_kafka_source_records_in_total counter\n" +
                "vigil_kafka_source_records_in_total 5\n"), text);
            assertTrue(text.contains("vigil_kafka_source_bad_records_total{reason=\"unparseable\"} 1\n"), text);
            assertTrue(text.contains("vigil_kafka_source_bad_records_total{reason=\"rejected\"} 0\n"), text);
            assertTrue(text.contains("# TYPE vigil_kafka_source_lag gauge\nvigil_kafka_source_lag 42\n"), text);
            assertEquals(1, text.split("# HELP vigil_kafka_source_bad_records_total", -1).length - 1, text);
            assertFalse(text.contains("vigil_kafka_sink"), text);
        }
        assertEquals("kafka source:  records in 5  bad records: unparseable 1  lag 42", counters.statusLine());
    }
}
