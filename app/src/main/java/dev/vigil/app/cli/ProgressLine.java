package dev.vigil.app.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A progress line for long runs, rewritten in place on standard error at most once a second; silent for runs
 * shorter than a second, so short runs and tests print nothing extra.
 */
final class ProgressLine implements LongConsumer
{
    private static final long INTERVAL_NS = 1_000_000_000L;

    private final String what;
    private final long total;
    private final PrintStream err = System.err;
    private long lastNs = System.nanoTime();
    private boolean printed;

    /**
     * @param what  what is counted, e.g. "replayed".
     * @param total how many there will be, or 0 when unknown.
     */
    ProgressLine(final String what, final long total)
    {
        this.what = what;
        this.total = total;
    }

    @Override
    public void accept(final long done)
    {
        final long nowNs = System.nanoTime();
        if (nowNs - lastNs >= INTERVAL_NS)
        {
            lastNs = nowNs;
            printed = true;
            if (total > 0)
            {
                err.printf(Locale.ROOT, "\r%s %,d of %,d records (%d%%)   ", what, done, total, done * 100 / total);
            }
            else
            {
                err.printf(Locale.ROOT, "\r%s %,d records   ", what, done);
            }
            err.flush();
        }
    }

    /**
     * End the line, if one was printed.
     */
    void finish()
    {
        if (printed)
        {
            err.println();
        }
    }
}
