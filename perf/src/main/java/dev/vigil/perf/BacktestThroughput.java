package dev.vigil.perf;

import dev.vigil.app.audit.CsvEventFile;
import dev.vigil.app.cli.VigilMain;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Lines per second of the command line's CSV paths, on a generated file of card payments:
 * <pre>
 *   generate ──► events.csv: N card payments, one every 20 ms on average, over A accounts (a tenth of them
 *                Zipf-distributed: a few hot accounts; the rest uniform: a long tail) and 5,000 Zipf-popular
 *                merchants; 29.5% of event times up to 5 s out of order, 0.5% 5 s to 10 min late
 *   vigil replay --input events.csv --rules velocity.yaml   (one velocity rule: more than 10 in 60 s, 1 s slide)
 *   vigil replay --input events.csv                         (the default rules and windows)
 *   vigil journal import --csv events.csv
 *   CsvEventFile: each line read and encoded as its frame, nothing more     (the CSV part of all three)
 * </pre>
 * Each command runs in this JVM, as {@code VigilMain.execute}, writing every output file; its time is the whole
 * command's, from the call to the return (outputs opened, flushed and closed included), reported as lines per second
 * of wall time, per second of the CPU time of the thread that ran it and per second of the whole process's CPU time
 * (every thread: a replay's second thread, and the JIT's and the collector's; on a shared host wall time counts time
 * given to other processes), with the bytes that thread allocated per line, set-up included, and the bytes the heap
 * grew by per line (every thread; "-" when a collection ran meanwhile). Each runs
 * {@code --rounds} times in turn; the first round pays for the JIT. The file is the same for the same {@code --lines},
 * {@code --accounts} and {@code --seed}. Run (the JVM flags of the {@code vigil} launcher):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
 *     --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *     --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
 *     --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED -Dchronicle.analytics.disable=true \
 *     -XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp perf/target/vigil-benchmarks.jar \
 *     dev.vigil.perf.BacktestThroughput [--lines 1000000] [--accounts 10000] [--seed 42] [--rounds 3]
 *     [--dir DIR (default: a temporary directory, deleted afterwards)] [--generate-only]
 *     [--threads 1|2 (vigil replay's --threads; default: its own default)]
 * </pre>
 * With {@code --dir} the directory is kept: events.csv, the rules file and each command's outputs of the last round
 * (out-velocity, out-default, import/journal), to compare with another build's.
 */
public final class BacktestThroughput
{
    /** The one rule of the velocity runs: the default rules' account-velocity. */
    static final String VELOCITY_RULES = String.join("\n",
        "rules:",
        "  - id: 1",
        "    name: account-velocity",
        "    type: velocity",
        "    key: account",
        "    window: {size: 60s, slide: 1s}",
        "    parameters:",
        "      max-count: 10",
        "    action: review",
        "");

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "EUR", "USD", "USD", "GBP"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "GB", "US", "PL"};
    private static final int MERCHANTS = 5_000;

    private BacktestThroughput()
    {
    }

    /**
     * @param args options, see the class description.
     * @throws IOException when the files cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        long lines = 1_000_000;
        int accounts = 10_000;
        long seed = 42;
        int rounds = 3;
        Path dir = null;
        boolean generateOnly = false;
        String threads = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--lines" -> lines = Long.parseLong(args[++i].replace("_", ""));
                case "--accounts" -> accounts = Integer.parseInt(args[++i].replace("_", ""));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--generate-only" -> generateOnly = true;
                case "--threads" -> threads = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the Javadoc");
            }
        }
        final boolean temporary = dir == null;
        final Path workDir = temporary ? Files.createTempDirectory("vigil-backtest-") : Files.createDirectories(dir);
        try
        {
            final Path csv = workDir.resolve("events.csv");
            final long generateStartNs = System.nanoTime();
            generate(csv, lines, accounts, seed);
            System.out.printf(Locale.ROOT, "generated %,d lines (%,d accounts, seed %d) in %.1f s: %s, %,d bytes%n",
                lines, accounts, seed, (System.nanoTime() - generateStartNs) / 1e9, csv, Files.size(csv));
            if (!generateOnly)
            {
                final Path velocityRules = Files.writeString(workDir.resolve("velocity.yaml"), VELOCITY_RULES);
                run(workDir, csv, velocityRules, lines, rounds, threads);
            }
        }
        finally
        {
            if (temporary)
            {
                IoUtil.delete(workDir.toFile(), true);
            }
        }
    }

    private static void run(final Path dir, final Path csv, final Path velocityRules, final long lines,
        final int rounds, final String threads)
    {
        final String[] threadArgs = threads == null ? new String[0] : new String[]{"--threads", threads};
        final String[] names =
            {"replay, one velocity rule", "replay, default rules", "journal import", "read + encode only"};
        final Measurement[][] runs = new Measurement[names.length][rounds];
        for (int round = 0; round < rounds; round++)
        {
            runs[0][round] = measure(lines, concat(threadArgs, "replay", "--input", csv.toString(), "--out",
                dir.resolve("out-velocity").toString(), "--force", "--rules", velocityRules.toString()));
            runs[1][round] = measure(lines, concat(threadArgs, "replay", "--input", csv.toString(), "--out",
                dir.resolve("out-default").toString(), "--force"));
            final Path importDir = dir.resolve("import");
            IoUtil.delete(importDir.toFile(), true);
            runs[2][round] = measure(lines, "journal", "import", "--csv", csv.toString(), "--data-dir",
                importDir.toString());
            runs[3][round] = measureReading(csv, lines);
            for (int i = 0; i < names.length; i++)
            {
                System.out.printf(Locale.ROOT, "round %d: %-26s %s%n", round + 1, names[i], runs[i][round]);
            }
        }
        System.out.printf(Locale.ROOT, "%nover %d round(s) of %,d lines (the first round pays for the JIT)%n",
            rounds, lines);
        System.out.printf(Locale.ROOT, "%-26s %13s %13s %13s %17s %17s %9s%n",
            "lines/s", "first", "median", "best", "best per CPU-s", "per process CPU-s", "B/line");
        for (int i = 0; i < names.length; i++)
        {
            final double[] wall = new double[rounds];
            double bestCpu = 0;
            double bestProcessCpu = 0;
            double fewestBytes = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++)
            {
                wall[round] = runs[i][round].linesPerSecond();
                bestCpu = Math.max(bestCpu, runs[i][round].linesPerCpuSecond());
                bestProcessCpu = Math.max(bestProcessCpu, runs[i][round].linesPerProcessCpuSecond());
                fewestBytes = Math.min(fewestBytes, runs[i][round].bytesPerLine());
            }
            final double first = wall[0];
            Arrays.sort(wall);
            System.out.printf(Locale.ROOT, "%-26s %,13.0f %,13.0f %,13.0f %,17.0f %,17.0f %9.1f%n",
                names[i], first, wall[rounds / 2], wall[rounds - 1], bestCpu, bestProcessCpu, fewestBytes);
        }
        System.out.println("(per CPU-s: lines over the CPU time of the thread that ran the command, which leaves out" +
            " time the host gave to others, and a replay's second thread; per process CPU-s: over the CPU time of" +
            " every thread of the JVM; B/line: bytes the first thread allocated, set-up included, over the lines)");
    }

    /**
     * The CSV part of every command alone: each line read and encoded as its frame, which then goes nowhere.
     */
    private static Measurement measureReading(final Path csv, final long lines)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final Usage start = Usage.now();
        final long startBytes = threads.getCurrentThreadAllocatedBytes();
        final long startCpuNs = threads.getCurrentThreadCpuTime();
        final long startNs = System.nanoTime();
        long read = 0;
        long check = 0;
        try (CsvEventFile events = CsvEventFile.open(csv))
        {
            while (events.next())
            {
                read++;
                check += events.encode(1, read, frame) + events.eventTimeNs();
            }
        }
        final long wallNs = System.nanoTime() - startNs;
        final long cpuNs = threads.getCurrentThreadCpuTime() - startCpuNs;
        final long bytes = threads.getCurrentThreadAllocatedBytes() - startBytes;
        final Usage end = Usage.now();
        if (read != lines || check == 0)
        {
            throw new IllegalStateException("read " + read + " of " + lines + " lines");
        }
        return new Measurement(lines, wallNs, cpuNs, bytes, start, end);
    }

    private static Measurement measure(final long lines, final String... args)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Usage start = Usage.now();
        final long startBytes = threads.getCurrentThreadAllocatedBytes();
        final long startCpuNs = threads.getCurrentThreadCpuTime();
        final long startNs = System.nanoTime();
        final int status = VigilMain.execute(args);
        final long wallNs = System.nanoTime() - startNs;
        final long cpuNs = threads.getCurrentThreadCpuTime() - startCpuNs;
        final long bytes = threads.getCurrentThreadAllocatedBytes() - startBytes;
        final Usage end = Usage.now();
        if (status != VigilMain.EXIT_OK)
        {
            throw new IllegalStateException("vigil " + String.join(" ", args) + " exited with " + status);
        }
        return new Measurement(lines, wallNs, cpuNs, bytes, start, end);
    }

    private static String[] concat(final String[] tail, final String... head)
    {
        final String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /**
     * The whole JVM's CPU time, heap in use and collections so far.
     *
     * @param processCpuNs CPU time of every thread.
     * @param heapUsed     bytes of heap in use.
     * @param collections  collections run.
     */
    private record Usage(long processCpuNs, long heapUsed, long collections)
    {
        static Usage now()
        {
            long collections = 0;
            for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
            {
                collections += collector.getCollectionCount();
            }
            return new Usage(
                ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                collections);
        }
    }

    /**
     * One command's run.
     *
     * @param lines  lines of the file.
     * @param wallNs from the call to the return.
     * @param cpuNs  CPU time of the thread that ran it.
     * @param bytes  bytes that thread allocated.
     * @param start  the JVM's usage before.
     * @param end    the JVM's usage after.
     */
    private record Measurement(long lines, long wallNs, long cpuNs, long bytes, Usage start, Usage end)
    {
        double linesPerProcessCpuSecond()
        {
            return lines * 1e9 / (end.processCpuNs() - start.processCpuNs());
        }

        String heapBytesPerLine()
        {
            return end.collections() != start.collections() ? "-" :
                String.format(Locale.ROOT, "%.1f", (double)(end.heapUsed() - start.heapUsed()) / lines);
        }

        double linesPerSecond()
        {
            return lines * 1e9 / wallNs;
        }

        double linesPerCpuSecond()
        {
            return lines * 1e9 / cpuNs;
        }

        double bytesPerLine()
        {
            return (double)bytes / lines;
        }

        @Override
        public String toString()
        {
            return String.format(Locale.ROOT, "%,11.0f lines/s, %,11.0f per CPU-s, %,11.0f per process CPU-s, " +
                "%7.1f B/line, heap %s B/line (%.2f s)", linesPerSecond(), linesPerCpuSecond(),
                linesPerProcessCpuSecond(), bytesPerLine(), heapBytesPerLine(), wallNs / 1e9);
        }
    }

    /**
     * Write the events file: card payments, one a line, with the columns {@code event_time,type,account,card,
     * merchant,amount,currency,country}; event times are ISO-8601 instants to the millisecond.
     *
     * @param csv      the file.
     * @param lines    how many payments.
     * @param accounts how many accounts: a tenth of the payments Zipf-distributed over them (exponent 1, account 1
     *                 the hottest), the rest uniform.
     * @param seed     the random seed: the same seed gives the same file.
     */
    static void generate(final Path csv, final long lines, final int accounts, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] accountCdf = zipfCdf(accounts);
        final double[] merchantCdf = zipfCdf(MERCHANTS);
        final long startMs = START.toEpochMilli();
        long arrivalMs = 0;
        final StringBuilder line = new StringBuilder(96);
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8))
        {
            out.write("event_time,type,account,card,merchant,amount,currency,country\n");
            for (long i = 0; i < lines; i++)
            {
                // One payment every 20 ms on average: about 5.6 hours of event time per million.
                arrivalMs += random.nextInt(41);
                final int lateness = random.nextInt(1000);
                final long delayMs = lateness < 5 ? 5_000 + random.nextInt(595_000) :
                    lateness < 300 ? random.nextInt(5_000) : 0;
                // A tenth of the payments from Zipf-popular accounts (the hottest pays every 2 s or so), the
                // rest from any account alike.
                final int account = 1 + (random.nextInt(10) == 0 ? draw(accountCdf, random.nextDouble()) :
                    random.nextInt(accounts));
                final int card = account * 10 + (random.nextInt(5) == 0 ? 1 : 0);
                final int merchant = 1 + draw(merchantCdf, random.nextDouble());
                final int kind = random.nextInt(1000);
                final long amount = kind < 2 ? 1_000_000 + random.nextInt(5_000_000) :
                    kind < 20 ? 1 + random.nextInt(200) : 100 + random.nextInt(30_000);
                final String country =
                    random.nextInt(100) == 0 ? COUNTRIES[random.nextInt(COUNTRIES.length)] :
                    COUNTRIES[account % COUNTRIES.length];
                line.setLength(0);
                line.append(Instant.ofEpochMilli(startMs + Math.max(0, arrivalMs - delayMs))).append(",transaction,")
                    .append(account).append(',').append(card).append(',').append(merchant).append(',')
                    .append(amount).append(',').append(CURRENCIES[random.nextInt(CURRENCIES.length)]).append(',')
                    .append(country).append('\n');
                out.append(line);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(csv + ": cannot write", ex);
        }
    }

    private static double[] zipfCdf(final int n)
    {
        final double[] cdf = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++)
        {
            sum += 1.0 / (rank + 1);
            cdf[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++)
        {
            cdf[rank] /= sum;
        }
        return cdf;
    }

    private static int draw(final double[] cdf, final double u)
    {
        final int index = Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, index >= 0 ? index : -index - 1);
    }
}
