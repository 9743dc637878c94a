package dev.vigil.app.live;

import com.sun.net.httpserver.HttpHandler;
import dev.vigil.app.metrics.MetricsServer;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Serves only requests addressed to the page by IP address or as {@code localhost}. A web page in the operator's
 * browser could otherwise point a host name of its own at 127.0.0.1 (DNS rebinding) and read the page's data as if
 * it were its own origin: such a request names that host, and is refused.
 */
final class HostCheck
{
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-fA-F:.%]+]");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}$");

    private HostCheck()
    {
    }

    /**
     * @param handler what serves the requests allowed.
     * @return a handler that answers 403 to the others.
     */
    static HttpHandler guard(final HttpHandler handler)
    {
        return exchange ->
        {
            if (allowed(exchange.getRequestHeaders().getFirst("Host")))
            {
                handler.handle(exchange);
            }
            else
            {
                MetricsServer.respond(exchange, 403, "text/plain; charset=utf-8", ("address the page as " +
                    "localhost or by IP address, not by a host name\n").getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /**
     * @param host the request's Host header, null when it has none.
     * @return true for an IP address or {@code localhost}, with or without a port.
     */
    static boolean allowed(final String host)
    {
        if (host == null)
        {
            return false;
        }
        final String name = host.startsWith("[") ? host.replaceFirst("(?<=])" + PORT.pattern(), "") :
            PORT.matcher(host).replaceFirst("");
        return "localhost".equals(name.toLowerCase(Locale.ROOT)) || IPV4.matcher(name).matches() ||
            IPV6.matcher(name).matches();
    }
}
