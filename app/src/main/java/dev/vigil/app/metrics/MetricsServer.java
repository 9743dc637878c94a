package dev.vigil.app.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.app.config.ConfigException;
import dev.vigil.core.counters.CounterMetric;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves the engine's metrics at {@code http://127.0.0.1:PORT/metrics} in the Prometheus text format, with the JDK's
 * HTTP server on one thread of its own: scrapes read counters and take round-trip intervals there, never on an
 * engine thread. Loopback only.
 */
public final class MetricsServer implements AutoCloseable
{
    /** Path metrics are served on. */
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<String> exposition;

    private MetricsServer(final HttpServer server, final Supplier<String> exposition, final String threadName)
    {
        this.server = server;
        this.exposition = exposition;
        this.executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        server.createContext(PATH, this::onScrape);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * @param port      loopback TCP port.
     * @param metrics   the counters to serve.
     * @param roundTrip the round trips to serve.
     * @return a started server.
     * @throws ConfigException when the port cannot be bound.
     */
    public static MetricsServer start(
        final int port, final List<CounterMetric> metrics, final RoundTripHistogram roundTrip)
    {
        return start("metrics.port=" + port, port, () -> PrometheusExposition.write(metrics, roundTrip),
            "vigil-metrics");
    }

    /**
     * @param setting    what named the port, e.g. {@code --metrics-port 9400}, for the message when it cannot be
     *                   bound.
     * @param port       loopback TCP port; 0 picks a free one.
     * @param exposition the Prometheus text to serve, made at each scrape.
     * @param threadName the name of the server's thread.
     * @return a started server.
     * @throws ConfigException when the port cannot be bound.
     */
    public static MetricsServer start(
        final String setting, final int port, final Supplier<String> exposition, final String threadName)
    {
        try
        {
            return new MetricsServer(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16),
                exposition,
                threadName);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(setting + ": cannot listen on 127.0.0.1:" + port + " (" +
                ex.getMessage() + "); choose a free port");
        }
    }

    /**
     * @return the port the server listens on.
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
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PrometheusExposition.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }
}
