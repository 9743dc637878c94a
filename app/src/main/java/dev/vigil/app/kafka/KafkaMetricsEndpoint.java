package dev.vigil.app.kafka;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.app.config.ConfigException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Kafka source's or sink's counters at {@code http://127.0.0.1:PORT/metrics} in the Prometheus text
 * format, on one thread of its own, as the engine's metrics endpoint does. Loopback only.
 */
public final class KafkaMetricsEndpoint implements AutoCloseable
{
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final KafkaCounters counters;

    private KafkaMetricsEndpoint(final HttpServer server, final KafkaCounters counters)
    {
        this.server = server;
        this.counters = counters;
        this.executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "vigil-kafka-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/metrics", this::onScrape);
        server.setExecutor(executor);
        server.start();
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
        try
        {
            return new KafkaMetricsEndpoint(HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16), counters);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(option + " " + port + ": cannot listen on 127.0.0.1:" + port + " (" +
                ex.getMessage() + "); choose a free port");
        }
    }

    /**
     * @return the port it listens on.
     */
    public int port()
    {
        return server.getAddress().getPort();
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }

    private void onScrape(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final byte[] body = counters.prometheus().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
