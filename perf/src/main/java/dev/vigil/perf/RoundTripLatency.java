package dev.vigil.perf;

import dev.vigil.core.time.Durations;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Round-trip latency of a Vigil engine next to the bare Aeron it runs on, open loop at fixed rates, both in this
 * process, one after the other for each rate:
 * <pre>
 *  aeron-echo, the baseline: Aeron alone on the engine's thread layout and channel type
 *
 *     main thread                          echo thread, yields when idle
 *    +---------------------+    UDP    +-----------------------------------------------+
 *    | client              |---------->| media driver duty cycle (INVOKER mode)        |
 *    |   send at the rate  | loopback  | Aeron client conductor                        |
 *    |   poll answers      |<----------| echo: subscription -> same bytes -> publication|
 *    +---------------------+           +-----------------------------------------------+
 *
 *  vigil: VigilEngine.launch with the default configuration (shared profile)
 *
 *     main thread                          engine thread, yields when idle
 *    +---------------------+    UDP    +-----------------------------------------------+
 *    | VigilClient         |---------->| media driver duty cycle (INVOKER mode)        |
 *    |   send at the rate  | loopback  | Aeron client conductor                        |
 *    |   poll decisions    |<----------| ingress -> ring -> journal, rules -> egress   |
 *    +---------------------+           +-----------------------------------------------+
 * </pre>
 * Each client also has its own Aeron client conductor thread, which sleeps between duty cycles. Requests are 86-byte
 * SBE Transactions in both topologies; the engine answers each with a Decision, the echo with the request itself.
 * So two threads spin or yield, one per core of a 2-core machine; the client yields whenever it has nothing to do.
 * <p>
 * Latency is recorded from each request's intended send time (coordinated-omission free) and from its actual send
 * time; see {@link OpenLoopRun}. For each rate the program prints both tables (p50, p90, p99, p99.9, p99.99, max in
 * µs, and vigil / echo per percentile), writes them to {@code rtt-RATE-summary.txt} and writes every histogram as an
 * HdrHistogram percentile distribution in µs to {@code rtt-RATE-TOPOLOGY-{intended,actual}.hgrm} in the output
 * directory. Exit status 0 when every request was answered in every run and no thread reported an error.
 * <p>
 * Run, after {@code mvn -B package -DskipTests} (at the defaults, about 30 s per rate):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.RoundTripLatency \
 *     --rates 10000,100000 --duration 10s --warmup 3s --out perf/results
 * </pre>
 * On Java 24 and later add {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}.
 */
public final class RoundTripLatency
{
    private static final String ECHO = "aeron-echo";
    private static final String VIGIL = "vigil";
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
    private static final String USAGE =
        "usage: RoundTripLatency [--rates R1,R2,...] [--duration 10s] [--warmup 3s] [--out perf/results] " +
        "[--set SETTING=VALUE]...%n" +
        "  --rates     requests per second, one run of each topology per rate (default 10000,100000)%n" +
        "  --duration  recorded sending per run (default 10s)%n" +
        "  --warmup    sending before recording starts, per run (default 3s)%n" +
        "  --out       directory for the .hgrm files and summaries (default perf/results)%n" +
        "  --set       engine setting override for the vigil runs, repeatable (e.g. journal.enabled=false)%n";

    private RoundTripLatency()
    {
    }

    /**
     * @param args see the class description.
     */
    public static void main(final String[] args)
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.err.printf(USAGE);
            System.exit(2);
            return;
        }
        if (options == null)
        {
            System.out.printf(USAGE);
            return;
        }
        System.exit(run(options, System.out) ? 0 : 1);
    }

    private static boolean run(final Options options, final PrintStream out)
    {
        try
        {
            Files.createDirectories(options.outDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("--out " + options.outDir + ": cannot create the directory", ex);
        }

        final String header = String.format(Locale.ROOT,
            "RoundTripLatency: Java %s, %d cores, warm-up %s + %s recorded per run, JVM flags %s%n",
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
            Durations.format(options.warmupNs), Durations.format(options.durationNs),
            ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.print(header);

        boolean ok = true;
        for (final int rate : options.rates)
        {
            final String rateLine = String.format(Locale.ROOT, "%nrate %,d msg/s%n", rate);
            final StringBuilder report = new StringBuilder(header).append(rateLine);
            out.print(rateLine);

            final List<String> problems = new ArrayList<>();
            final OpenLoopRun echo = measure(ECHO, rate, options, AeronEchoTarget::launch, out, report, problems);
            final List<String> engineSettings = options.engineSettings;
            final OpenLoopRun vigil = measure(VIGIL, rate, options,
                (aeronDir, run, errorHandler) -> VigilTarget.launch(aeronDir, run, errorHandler, engineSettings),
                out, report, problems);

            final String tables =
                table("round trip from the intended send time (coordinated-omission free), microseconds",
                    echo, vigil, OpenLoopRun::fromIntendedNs) +
                table("round trip from the actual send time, microseconds", echo, vigil, OpenLoopRun::fromActualNs);
            report.append(tables);
            for (final String problem : problems)
            {
                report.append("  PROBLEM: ").append(problem).append(System.lineSeparator());
            }
            out.print(tables);
            problems.forEach(problem -> out.println("  PROBLEM: " + problem));

            writeText(options.outDir.resolve("rtt-" + rate + "-summary.txt"), report.toString());
            for (final OpenLoopRun run : List.of(echo, vigil))
            {
                writeHistogram(options.outDir, run, "intended", run.fromIntendedNs());
                writeHistogram(options.outDir, run, "actual", run.fromActualNs());
            }
            ok &= problems.isEmpty();
        }
        return ok;
    }

    private static OpenLoopRun measure(
        final String topology,
        final int rate,
        final Options options,
        final RoundTripTarget.Launcher launcher,
        final PrintStream out,
        final StringBuilder report,
        final List<String> problems)
    {
        final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final OpenLoopRun run = new OpenLoopRun(topology, rate, options.warmupNs, options.durationNs);
        final String targetCounts;
        try (RoundTripTarget target = launcher.launch(
            LocalResources.privateAeronDir(topology, rate), run, errors::add))
        {
            run.execute(target);
            targetCounts = target.describe();
        }

        final String lines = String.format(Locale.ROOT, "  %-10s %s%n  %-10s %s%n  %-10s %s%n",
            topology, run.describe(), "", targetCounts, "", run.describeGarbage());
        report.append(lines);
        out.print(lines);
        if (!run.isComplete())
        {
            problems.add(topology + ": not every scheduled request was sent and answered");
        }
        for (final Throwable error : errors)
        {
            problems.add(topology + ": " + error);
        }
        return run;
    }

    private static String table(
        final String title,
        final OpenLoopRun echo,
        final OpenLoopRun vigil,
        final Function<OpenLoopRun, Histogram> histogramOf)
    {
        final Histogram echoNs = histogramOf.apply(echo);
        final Histogram vigilNs = histogramOf.apply(vigil);
        final StringBuilder text = new StringBuilder();
        text.append("  ").append(title).append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "  %-12s", ""));
        for (final double percentile : PERCENTILES)
        {
            text.append(String.format(Locale.ROOT, "%10s", "p" + formatPercentile(percentile)));
        }
        text.append(String.format(Locale.ROOT, "%10s%n", "max"));

        final double[] echoUs = percentilesUs(echoNs);
        final double[] vigilUs = percentilesUs(vigilNs);
        text.append(row(ECHO, echoUs, "%10.1f"));
        text.append(row(VIGIL, vigilUs, "%10.1f"));
        final double[] ratios = new double[echoUs.length];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = echoUs[i] > 0 ? vigilUs[i] / echoUs[i] : Double.NaN;
        }
        text.append(row(VIGIL + "/echo", ratios, "%10.2f"));
        return text.toString();
    }

    private static double[] percentilesUs(final Histogram histogramNs)
    {
        final double[] values = new double[PERCENTILES.length + 1];
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            values[i] = histogramNs.getValueAtPercentile(PERCENTILES[i]) / 1000.0;
        }
        values[PERCENTILES.length] = histogramNs.getMaxValue() / 1000.0;
        return values;
    }

    private static String row(final String label, final double[] values, final String format)
    {
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "  %-12s", label));
        for (final double value : values)
        {
            text.append(String.format(Locale.ROOT, format, value));
        }
        return text.append(System.lineSeparator()).toString();
    }

    private static String formatPercentile(final double percentile)
    {
        return percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile);
    }

    private static void writeHistogram(
        final Path outDir, final OpenLoopRun run, final String measuredFrom, final Histogram histogramNs)
    {
        final Path file =
            outDir.resolve("rtt-" + run.ratePerSecond() + "-" + run.name() + "-" + measuredFrom + ".hgrm");
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8))
        {
            histogramNs.outputPercentileDistribution(stream, 1000.0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    private static void writeText(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write", ex);
        }
    }

    /**
     * Command-line options, parsed by hand: four options do not need a framework.
     */
    private static final class Options
    {
        private static final int MAX_RATE = 10_000_000;

        private int[] rates = {10_000, 100_000};
        private long durationNs = Durations.parseNs("10s");
        private long warmupNs = Durations.parseNs("3s");
        private Path outDir = Paths.get("perf", "results");
        private final List<String> engineSettings = new ArrayList<>();

        /**
         * @param args the command line.
         * @return the options, or null when help was asked for.
         * @throws IllegalArgumentException naming the option and value that are wrong.
         */
        static Options parse(final String[] args)
        {
            final Options options = new Options();
            for (int i = 0; i < args.length; i++)
            {
                final String option = args[i];
                if ("--help".equals(option) || "-h".equals(option))
                {
                    return null;
                }
                if (i + 1 == args.length)
                {
                    throw new IllegalArgumentException(option + ": missing value");
                }
                final String value = args[++i];
                switch (option)
                {
                    case "--rates":
                        options.rates = parseRates(value);
                        break;
                    case "--duration":
                        options.durationNs = parseDuration(option, value);
                        break;
                    case "--warmup":
                        options.warmupNs = parseDuration(option, value);
                        break;
                    case "--out":
                        options.outDir = Paths.get(value);
                        break;
                    case "--set":
                        options.engineSettings.add(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (options.durationNs <= 0)
            {
                throw new IllegalArgumentException("--duration must be more than 0");
            }
            return options;
        }

        private static int[] parseRates(final String value)
        {
            final String[] parts = value.split(",");
            final int[] rates = new int[parts.length];
            for (int i = 0; i < parts.length; i++)
            {
                try
                {
                    rates[i] = Integer.parseInt(parts[i].trim());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("--rates " + value + ": '" + parts[i] + "' is not a number");
                }
                if (rates[i] < 1 || rates[i] > MAX_RATE)
                {
                    throw new IllegalArgumentException(
                        "--rates " + value + ": " + rates[i] + " outside 1 to " + MAX_RATE + " messages per second");
                }
            }
            return rates;
        }

        private static long parseDuration(final String option, final String value)
        {
            try
            {
                return Durations.parseNs(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(option + " " + ex.getMessage(), ex);
            }
        }
    }
}
