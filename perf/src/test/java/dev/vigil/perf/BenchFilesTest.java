package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files a bench run leaves: read back with HdrHistogram's own readers and ImageIO.
 */
class BenchFilesTest
{
    @TempDir
    Path dir;

    @Test
    void intervalLogReadsBackIntervalByInterval() throws IOException
    {
        final Path file = dir.resolve("run.hlog");
        try (IntervalLog log = new IntervalLog(newStream(file), OpenLoopRun.HIGHEST_TRACKABLE_NS))
        {
            log.start(1_767_225_600_000L);
            for (int interval = 1; interval <= 3; interval++)
            {
                for (int i = 1; i <= 1_000; i++)
                {
                    log.record(interval * 1_000L * i);
                }
                log.writeInterval();
            }
            log.record(42_000);
            log.finish();
        }

        final HistogramLogReader reader = new HistogramLogReader(file.toFile());
        long total = 0;
        int intervals = 0;
        long previousStartMs = 0;
        Histogram interval;
        while ((interval = (Histogram)reader.nextIntervalHistogram()) != null)
        {
            intervals++;
            total += interval.getTotalCount();
            if (intervals <= 3)
            {
                assertEquals(1_000, interval.getTotalCount());
                assertEquals(intervals * 1_000_000L, interval.getMaxValue(), intervals * 1_000L);
            }
            assertTrue(interval.getStartTimeStamp() >= previousStartMs);
            previousStartMs = interval.getStartTimeStamp();
        }
        assertEquals(4, intervals);
        assertEquals(3_001, total);
        assertEquals(1_767_225_600.0, reader.getStartTimeSec(), 0.001);
    }

    @Test
    void aWriterThreadWritesWhatWasRecorded() throws IOException
    {
        final Path file = dir.resolve("threaded.hlog");
        try (IntervalLog log = new IntervalLog(newStream(file), OpenLoopRun.HIGHEST_TRACKABLE_NS))
        {
            log.start(System.currentTimeMillis());
            log.startWriterThread(1_000_000L);
            for (int i = 1; i <= 100_000; i++)
            {
                log.record(i);
            }
            log.finish();
        }

        final HistogramLogReader reader = new HistogramLogReader(file.toFile());
        long total = 0;
        Histogram interval;
        while ((interval = (Histogram)reader.nextIntervalHistogram()) != null)
        {
            total += interval.getTotalCount();
        }
        assertEquals(100_000, total);
    }

    @Test
    void distributionFileIsHdrHistogramsPercentileFormatInMicroseconds() throws IOException
    {
        final Histogram histogramNs = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        for (int i = 1; i <= 100; i++)
        {
            histogramNs.recordValue(i * 1_000L);
        }
        final Path file = dir.resolve("run.hgrm");

        BenchReport.writeDistribution(file, histogramNs);

        final List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(0).trim().startsWith("Value"), lines.get(0));
        final String text = String.join("\n", lines);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("#[Max     =      100.0")), text);
        assertTrue(text.contains("Total count    =          100]"), text);
    }

    @Test
    void plotIsAPngWithOneLinePerSeries() throws IOException
    {
        final Histogram fast = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        final Histogram slow = new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3);
        for (int i = 1; i <= 10_000; i++)
        {
            fast.recordValue(5_000 + i);
            slow.recordValue(50_000 + 100L * i);
        }
        final Path file = dir.resolve("latency.png");

        new PercentilePlot("test").add("fast", fast).add("slow", slow)
            .add("empty", new Histogram(OpenLoopRun.HIGHEST_TRACKABLE_NS, 3)).writePng(file);

        final BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "not a readable image");
        assertEquals(1100, image.getWidth());
        assertEquals(650, image.getHeight());
    }

    @Test
    void percentileAxisGivesEachNineTheSameRoom()
    {
        assertEquals(0.0, PercentilePlot.percentileAxis(0), 1e-9);
        assertEquals(1.0, PercentilePlot.percentileAxis(90), 1e-9);
        assertEquals(2.0, PercentilePlot.percentileAxis(99), 1e-9);
        assertEquals(4.0, PercentilePlot.percentileAxis(99.99), 1e-9);
        assertEquals("99.99%", PercentilePlot.percentileLabel(4));
        assertEquals("90%", PercentilePlot.percentileLabel(1));
    }

    @Test
    void htmlPageEmbedsThePlotAndEscapesTheReport() throws IOException
    {
        final Path png = dir.resolve("latency.png");
        new PercentilePlot("test").writePng(png);
        final Path page = dir.resolve("report.html");

        HtmlReport.write(page, "bench", "p50 <1 us & more", png);

        final String html = Files.readString(page);
        assertTrue(html.contains("src=\"data:image/png;base64,iVBOR"), "PNG not embedded");
        assertTrue(html.contains("p50 &lt;1 us &amp; more"));
    }

    @Test
    void noIntervalsNoLines() throws IOException
    {
        final Path file = dir.resolve("empty.hlog");
        try (IntervalLog log = new IntervalLog(newStream(file), OpenLoopRun.HIGHEST_TRACKABLE_NS))
        {
            log.start(0);
            log.finish();
        }
        assertNull(new HistogramLogReader(file.toFile()).nextIntervalHistogram());
    }

    private static PrintStream newStream(final Path file) throws IOException
    {
        return new PrintStream(file.toFile(), StandardCharsets.UTF_8);
    }
}
