package dev.vigil.app.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.app.metrics.MetricsServer;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the page's server answers, GET only: the page and its files at {@code /}, the data as JSON under
 * {@code /api/}, and the stream of updates as server-sent events at {@code /events}. Runs on the server's thread,
 * reading the feed's latest {@link LiveSnapshot}.
 */
final class LiveRoutes
{
    /** Path of the stream of updates. */
    static final String EVENTS = "/events";
    /** Most alerts one request of {@code /api/alerts} gets. */
    static final int MAX_ALERTS = 1000;

    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final StaticFiles files = new StaticFiles();
    private final Supplier<LiveSnapshot> snapshot;
    private final Viewers viewers;

    /**
     * @param snapshot the feed's latest snapshot.
     * @param viewers  who follows the stream of updates.
     */
    LiveRoutes(final Supplier<LiveSnapshot> snapshot, final Viewers viewers)
    {
        this.snapshot = snapshot;
        this.viewers = viewers;
    }

    /**
     * @return handler of each path prefix.
     */
    Map<String, HttpHandler> routes()
    {
        final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        routes.put("/", HostCheck.guard(this::onFile));
        routes.put("/api/", HostCheck.guard(this::onApi));
        routes.put(EVENTS, HostCheck.guard(exchange -> viewers.open(exchange, null)));
        return routes;
    }

    private void onFile(final HttpExchange exchange) throws IOException
    {
        final StaticFiles.File file = files.get(exchange.getRequestURI().getPath());
        if (file == null)
        {
            notFound(exchange);
            return;
        }
        MetricsServer.respond(exchange, 200, file.contentType(), file.bytes());
    }

    private void onApi(final HttpExchange exchange) throws IOException
    {
        final LiveSnapshot now = snapshot.get();
        final String body;
        switch (exchange.getRequestURI().getPath())
        {
            case "/api/history":
                body = now.history();
                break;
            case "/api/histogram":
                body = now.histogram();
                break;
            case "/api/alerts":
                body = alerts(now.alerts(), query(exchange));
                break;
            case "/api/windows":
                body = now.windows();
                break;
            case "/api/rules":
                body = now.rules();
                break;
            case "/api/engine":
                body = now.engine();
                break;
            case "/api/counters":
                body = now.counters();
                break;
            default:
                notFound(exchange);
                return;
        }
        MetricsServer.respond(exchange, JSON, body);
    }

    /**
     * The latest alerts, newest first, of one rule and one key when the query names them.
     */
    static String alerts(final AlertFeed.Entry[] alerts, final Map<String, String> query)
    {
        final String rule = emptyToNull(query.get("rule"));
        final String key = emptyToNull(query.get("key"));
        int limit = MAX_ALERTS;
        try
        {
            limit = Math.max(0, Math.min(MAX_ALERTS, Integer.parseInt(query.getOrDefault("limit", "100"))));
        }
        catch (final NumberFormatException ex)
        {
            limit = 100;
        }
        final JsonText json = new JsonText(16 * 1024).beginObject()
            .field("rule", rule).field("key", key).field("kept", alerts.length).name("alerts").beginArray();
        int written = 0;
        for (int i = 0; i < alerts.length && written < limit; i++)
        {
            final AlertFeed.Entry entry = alerts[i];
            if ((rule == null || rule.equals(entry.rule())) && (key == null || key.equals(entry.key())))
            {
                json.raw(entry.json());
                written++;
            }
        }
        return json.endArray().endObject().toString();
    }

    private static Map<String, String> query(final HttpExchange exchange)
    {
        final Map<String, String> query = new HashMap<>();
        final String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null)
        {
            return query;
        }
        for (final String pair : raw.split("&"))
        {
            final int equals = pair.indexOf('=');
            try
            {
                if (equals > 0)
                {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8).trim());
                }
            }
            catch (final IllegalArgumentException ex)
            {
                // A malformed escape: the pair is left out, as if not given.
            }
        }
        return query;
    }

    private static String emptyToNull(final String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void notFound(final HttpExchange exchange) throws IOException
    {
        MetricsServer.respond(exchange, 404, TEXT, ("not found: " + exchange.getRequestURI().getPath() +
            "; the page is at /, its data under /api/ (history, histogram, alerts, windows, rules, engine, " +
            "counters), its updates at " + EVENTS + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
