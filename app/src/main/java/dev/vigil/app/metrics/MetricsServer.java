package dev.vigil.app.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.app.config.ConfigException;
import dev.vigil.core.counters.CounterMetric;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves the engine's metrics at {@code http://127.0.0.1:PORT/metrics} in the Prometheus text format, with the JDK's
 * HTTP server on one thread of its own: scrapes read counters and take round-trip intervals there, never on an
 * engine thread. Loopback only. The same server, given other paths and an address, serves the live page
 * ({@code dev.vigil.app.live}); every path answers GET only.
 */
public final class MetricsServer implements AutoCloseable
{
    /** Path metrics are served on. */
    public static final String PATH = "/metrics";

    private static final int HANDLER_THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(final HttpServer server, final Map<String, HttpHandler> routes, final String threadName)
    {
        this.server = server;
        // A few threads: a client that stops reading its answer holds one of them, not every other request.
        this.executor = Executors.newFixedThreadPool(HANDLER_THREADS, runnable ->
        {
            final Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        for (final Map.Entry<String, HttpHandler> route : routes.entrySet())
        {
            final HttpHandler handler = route.getValue();
            server.createContext(route.getKey(), exchange -> getOnly(exchange, handler));
        }
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
        return start(setting, InetAddress.getLoopbackAddress(), port,
            Map.of(PATH, exchange -> respond(exchange, PrometheusExposition.CONTENT_TYPE, exposition.get())),
            threadName);
    }

    /**
     * A server of several paths, each answering GET only (any other method gets 405), on one thread of its own.
     * A handler answers and closes its exchange, or hands it to a thread of its own (a stream of events).
     *
     * @param setting     what named the address and port, for the message when they cannot be bound.
     * @param bindAddress the address to listen on.
     * @param port        TCP port; 0 picks a free one.
     * @param routes      handler of each path prefix, as {@link HttpServer#createContext} matches them.
     * @param threadName  the name of the server's thread.
     * @return a started server.
     * @throws ConfigException when the address and port cannot be bound.
     */
    public static MetricsServer start(
        final String setting,
        final InetAddress bindAddress,
        final int port,
        final Map<String, HttpHandler> routes,
        final String threadName)
    {
        try
        {
            return new MetricsServer(
                HttpServer.create(new InetSocketAddress(bindAddress, port), 16), routes, threadName);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(setting + ": cannot listen on " + bindAddress.getHostAddress() + ":" + port +
                " (" + ex.getMessage() + "); choose a free port");
        }
    }

    /**
     * Answer 200 with a body and close the exchange.
     *
     * @param exchange    the request.
     * @param contentType the body's type.
     * @param body        the body.
     * @throws IOException when the client went away.
     */
    public static void respond(final HttpExchange exchange, final String contentType, final String body)
        throws IOException
    {
        respond(exchange, 200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Answer with a status and a body, and close the exchange.
     *
     * @param exchange    the request.
     * @param status      HTTP status.
     * @param contentType the body's type.
     * @param body        the body.
     * @throws IOException when the client went away.
     */
    public static void respond(
        final HttpExchange exchange, final int status, final String contentType, final byte[] body) throws IOException
    {
        try (exchange)
        {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0)
            {
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(body);
                }
            }
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

    private static void getOnly(final HttpExchange exchange, final HttpHandler handler) throws IOException
    {
        if (!"GET".equals(exchange.getRequestMethod()))
        {
            try (exchange)
            {
                // Read-only: nothing served here changes anything.
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
            }
            return;
        }
        handler.handle(exchange);
    }
}
