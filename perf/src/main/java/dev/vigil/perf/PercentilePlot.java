package dev.vigil.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws latency percentile distributions as HdrHistogram's plotter does: the percentile axis is logarithmic in
 * {@code 1 / (1 - percentile)}, so 90%, 99%, 99.9%, 99.99% are evenly spaced and the tail gets the room. Latency is
 * on a logarithmic axis too, so a microsecond median and a millisecond tail fit one picture. One line per series,
 * overlaid: runs, rates and baselines side by side. Drawn with java.awt, headless.
 */
final class PercentilePlot
{
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 650;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final int MAX_NINES = 6;
    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private final String title;
    private final List<String> labels = new ArrayList<>();
    private final List<Histogram> histograms = new ArrayList<>();

    /**
     * @param title heading of the picture.
     */
    PercentilePlot(final String title)
    {
        this.title = title;
    }

    /**
     * @param label       legend entry.
     * @param histogramNs latencies in ns.
     * @return this.
     */
    PercentilePlot add(final String label, final Histogram histogramNs)
    {
        if (histogramNs.getTotalCount() > 0)
        {
            labels.add(label);
            histograms.add(histogramNs);
        }
        return this;
    }

    /**
     * @param file where the PNG goes.
     */
    void writePng(final Path file)
    {
        try
        {
            ImageIO.write(render(), "png", file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    /**
     * @param percentile a percentile below 100.
     * @return its position on the percentile axis: {@code log10(1 / (1 - percentile / 100))}, 0 at the median's left.
     */
    static double percentileAxis(final double percentile)
    {
        return Math.log10(100.0 / (100.0 - percentile));
    }

    BufferedImage render()
    {
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            final Scale scale = scaleFor();
            drawAxes(g, scale);
            for (int i = 0; i < histograms.size(); i++)
            {
                drawSeries(g, scale, histograms.get(i), COLOURS[i % COLOURS.length]);
            }
            drawLegend(g);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 30);
        }
        finally
        {
            g.dispose();
        }
        return image;
    }

    private Scale scaleFor()
    {
        long maxCount = 1;
        double minUs = Double.MAX_VALUE;
        double maxUs = 1;
        for (final Histogram histogram : histograms)
        {
            maxCount = Math.max(maxCount, histogram.getTotalCount());
            minUs = Math.min(minUs, Math.max(0.1, histogram.getMinNonZeroValue() / 1000.0));
            maxUs = Math.max(maxUs, histogram.getMaxValue() / 1000.0);
        }
        // Enough nines to show the max of the largest series, as HdrHistogram's plotter does.
        final int nines = Math.max(2, Math.min(MAX_NINES, (int)Math.ceil(Math.log10(maxCount))));
        final double lowDecade = Math.floor(Math.log10(minUs == Double.MAX_VALUE ? 1 : minUs));
        final double highDecade = Math.max(lowDecade + 1, Math.ceil(Math.log10(maxUs)));
        return new Scale(nines, lowDecade, highDecade);
    }

    private void drawAxes(final Graphics2D g, final Scale scale)
    {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int nine = 0; nine <= scale.nines; nine++)
        {
            final int x = scale.x(nine);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
            g.setColor(Color.BLACK);
            final String label = percentileLabel(nine);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
        for (int decade = (int)scale.lowDecade; decade <= (int)scale.highDecade; decade++)
        {
            final int y = scale.y(Math.pow(10, decade));
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.BLACK);
            final String label = formatUs(Math.pow(10, decade));
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.drawString("percentile", WIDTH / 2 - 30, HEIGHT - 15);
        g.drawString("latency (log scale)", 8, TOP - 8);
    }

    private static void drawSeries(final Graphics2D g, final Scale scale, final Histogram histogram, final Color c)
    {
        final Path2D.Double line = new Path2D.Double();
        boolean first = true;
        final double lastPercentile = 100.0 - 100.0 / Math.pow(10, scale.nines);
        for (final HistogramIterationValue value : histogram.percentiles(5))
        {
            final double percentile = Math.min(value.getPercentileLevelIteratedTo(), lastPercentile);
            final double x = scale.xOf(percentile);
            final double y = scale.yOf(Math.max(0.1, histogram.highestEquivalentValue(value.getValueIteratedTo())
                / 1000.0));
            if (first)
            {
                line.moveTo(x, y);
                first = false;
            }
            else
            {
                line.lineTo(x, y);
            }
            if (percentile >= lastPercentile)
            {
                break;
            }
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        g.draw(line);
    }

    private void drawLegend(final Graphics2D g)
    {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = TOP + 20;
        for (int i = 0; i < labels.size(); i++)
        {
            g.setColor(COLOURS[i % COLOURS.length]);
            g.fillRect(LEFT + 12, y - 10, 18, 10);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), LEFT + 36, y);
            y += 18;
        }
    }

    /**
     * @param nines how many nines: 0, 1, 2, 3...
     * @return the percentile with that many nines: 0%, 90%, 99%, 99.9%...
     */
    static String percentileLabel(final int nines)
    {
        if (nines <= 1)
        {
            return nines == 0 ? "0%" : "90%";
        }
        return "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
    }

    private static String formatUs(final double us)
    {
        if (us >= 1_000_000)
        {
            return String.format(Locale.ROOT, "%.0f s", us / 1_000_000);
        }
        if (us >= 1_000)
        {
            return String.format(Locale.ROOT, "%.0f ms", us / 1_000);
        }
        return us >= 1 ? String.format(Locale.ROOT, "%.0f us", us) : String.format(Locale.ROOT, "%.1f us", us);
    }

    /**
     * Maps percentiles and µs to pixels.
     */
    private static final class Scale
    {
        private final int nines;
        private final double lowDecade;
        private final double highDecade;

        Scale(final int nines, final double lowDecade, final double highDecade)
        {
            this.nines = nines;
            this.lowDecade = lowDecade;
            this.highDecade = highDecade;
        }

        int x(final int nine)
        {
            return (int)Math.round(LEFT + (WIDTH - LEFT - RIGHT) * (double)nine / nines);
        }

        double xOf(final double percentile)
        {
            return LEFT + (WIDTH - LEFT - RIGHT) * percentileAxis(percentile) / nines;
        }

        int y(final double us)
        {
            return (int)Math.round(yOf(us));
        }

        double yOf(final double us)
        {
            final double fraction = (Math.log10(us) - lowDecade) / (highDecade - lowDecade);
            return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * fraction;
        }
    }
}
