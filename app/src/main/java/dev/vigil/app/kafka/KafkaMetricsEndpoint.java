package dev.vigil.app.kafka;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.metrics.MetricsServer;

/**
 * Serves a Kafka source's or sink's counters at {@code http://127.0.0.1:PORT/metrics} in the Prometheus text
 * format: the engine's {@link MetricsServer}, on one thread of its own, over the connector's counters. Loopback only.
 */
public final class KafkaMetricsEndpoint implements AutoCloseable
{
    private final MetricsServer server;

    private KafkaMetricsEndpoint(final MetricsServer server)
    {
        this.server = server;
    }

    /**
     * @param option   the option that named the port, for the message when it cannot be bound.
     * @param port     loopback TCP port; 0 picks a free one.
     * @param counters what to serve.
     * @return the running endpoint.
     * @throws ConfigException when the port cannot be bound.
     */
    public static KafkaMetricsEndpoint start(final String option, final int port, final KafkaCounters counters)
    {
        return new KafkaMetricsEndpoint(
            MetricsServer.start(option + " " + port, port, counters::prometheus, "vigil-kafka-metrics"));
    }

    /**
     * @return the port it listens on.
     */
    public int port()
    {
        return server.port();
    }

    @Override
    public void close()
    {
        server.close();
    }
}
