package dev.vigil.app.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page's files, read once from the class path: the page itself, and uPlot's script and style from its WebJar
 * (Maven Central's {@code org.webjars.npm:uplot}), so the page needs nothing from outside the host.
 */
final class StaticFiles
{
    /**
     * One file as served.
     *
     * @param contentType its content type.
     * @param bytes       its content.
     */
    record File(String contentType, byte[] bytes)
    {
    }

    private static final String PAGE = "/dev/vigil/app/live/";
    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String UTF8 = "; charset=utf-8";

    private final Map<String, File> files = new HashMap<>();

    StaticFiles()
    {
        add("/", PAGE + "index.html", "text/html" + UTF8);
        add("/live.js", PAGE + "live.js", "text/javascript" + UTF8);
        add("/live.css", PAGE + "live.css", "text/css" + UTF8);
        final String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        add("/uplot/uPlot.iife.min.js", uplot + "uPlot.iife.min.js", "text/javascript" + UTF8);
        add("/uplot/uPlot.min.css", uplot + "uPlot.min.css", "text/css" + UTF8);
    }

    /**
     * @param path a request's path.
     * @return the file served at it, or null.
     */
    File get(final String path)
    {
        return files.get("/index.html".equals(path) ? "/" : path);
    }

    private void add(final String path, final String resource, final String contentType)
    {
        files.put(path, new File(contentType, read(resource)));
    }

    private static String uplotVersion()
    {
        final Properties properties = new Properties();
        try (InputStream in = StaticFiles.class.getResourceAsStream(UPLOT_POM))
        {
            if (in == null)
            {
                throw new IllegalStateException("uPlot's WebJar is not on the class path (" + UPLOT_POM + ")");
            }
            properties.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return properties.getProperty("version");
    }

    private static byte[] read(final String resource)
    {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("the live page's file " + resource + " is not on the class path");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
