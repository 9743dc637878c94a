package dev.vigil.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * One self-contained HTML page of a bench run: the console report and the percentile plot embedded as a data URI,
 * so the file can be mailed or attached to a ticket on its own.
 */
final class HtmlReport
{
    private HtmlReport()
    {
    }

    /**
     * @param file    where the page goes.
     * @param title   heading.
     * @param report  the console report.
     * @param plotPng the percentile plot, a PNG file.
     */
    static void write(final Path file, final String title, final String report, final Path plotPng)
    {
        try
        {
            final String image = Base64.getEncoder().encodeToString(Files.readAllBytes(plotPng));
            final String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
                "<title>" + escape(title) + "</title>\n" +
                "<style>body{font-family:sans-serif;margin:2em;}pre{background:#f6f6f6;padding:1em;}</style>\n" +
                "</head>\n<body>\n<h1>" + escape(title) + "</h1>\n" +
                "<img alt=\"latency by percentile\" src=\"data:image/png;base64," + image + "\">\n" +
                "<pre>" + escape(report) + "</pre>\n</body>\n</html>\n";
            Files.writeString(file, page);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
