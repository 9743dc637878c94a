package dev.vigil.perf;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.core.time.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil bench}: the latency lab. Open-loop load at fixed rates against a real engine in this process, next to
 * two baselines measured in the same run — a raw Aeron echo over the same channel, thread layout and message size,
 * and a Disruptor ring handing off to a no-op handler — with a percentile table, the engine's ratio to the echo, a
 * stage breakdown from each Decision's timestamps, the stalls over a threshold and the collections while measuring;
 * or a sweep that raises the rate until p99 breaks an SLO or throughput saturates. Files go to {@code --out}.
 * Exit status: 0 every run complete, 1 a run lost requests or a thread failed, 2 bad usage.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Measure round-trip latency at fixed rates, open loop: from each request's",
        "intended send time, free of coordinated omission. The engine runs in this",
        "process; at each rate a raw Aeron echo and an in-process ring -> no-op",
        "handler are measured too. Prints p50..p99.99 and max, the engine / echo",
        "ratio, a stage breakdown, stalls and collections; writes .hgrm, .hlog,",
        "summary.txt, latency.png (and report.html) to --out. With --sweep, steps",
        "the rate until p99 breaks --slo or throughput saturates."})
public final class BenchCommand implements Callable<Integer>
{
    private static final int MAX_RATE = 10_000_000;
    private static final int MAX_CLIENTS = 64;

    @Option(names = "--rate", paramLabel = "MSGS_PER_S", split = ",", defaultValue = "10000",
        converter = RateConverter.class,
        description = "requests per second; a list (10000,100000 or 10k,100k) runs each; with --sweep the first " +
            "rate (default: ${DEFAULT-VALUE})")
    private int[] rates;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
        description = "measured sending per run, e.g. 10s, 2m (default: ${DEFAULT-VALUE})")
    private long durationNs;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
        description = "sending before measurement, per run (default: ${DEFAULT-VALUE})")
    private long warmupNs;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1",
        description = "engine clients, each its own session; requests go round-robin (default: ${DEFAULT-VALUE})")
    private int clients;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "10000",
        description = "accounts the requests are spread over, uniformly (default: ${DEFAULT-VALUE})")
    private int keys;

    @Option(names = "--mix", paramLabel = "transactions=W,orders=W", defaultValue = "transactions=85,orders=15",
        description = "message mix as weights (default: ${DEFAULT-VALUE})")
    private String mix;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
        description = "seed of the request stream (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--profile", paramLabel = "shared|dedicated", defaultValue = "shared",
        description = "threading profile of the engine and of the baselines (default: ${DEFAULT-VALUE})")
    private String profile;

    @Option(names = {"-s", "--set"}, paramLabel = "SETTING=VALUE",
        description = "engine setting override, repeatable, e.g. --set journal.enabled=false")
    private List<String> settings = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
        description = "directory for the files (default: ${DEFAULT-VALUE})")
    private Path outDir;

    @Option(names = "--hiccups", paramLabel = "THRESHOLD", defaultValue = "1ms", converter = DurationConverter.class,
        description = "list every stall of the engine's round trip above this (default: ${DEFAULT-VALUE})")
    private long hiccupThresholdNs;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "also measure the Aeron echo and the ring at each rate (default: on; not in a sweep)")
    private boolean baselines;

    @Option(names = "--sweep", description = "raise the rate from --rate by --sweep-factor until p99 breaks --slo " +
        "or throughput saturates")
    private boolean sweep;

    @Option(names = "--slo", paramLabel = "DURATION", defaultValue = "1ms", converter = DurationConverter.class,
        description = "p99 the sweep must stay within (default: ${DEFAULT-VALUE})")
    private long sloNs;

    @Option(names = "--sweep-factor", paramLabel = "FACTOR", defaultValue = "2",
        description = "rate multiplier between sweep steps, above 1 (default: ${DEFAULT-VALUE})")
    private double sweepFactor;

    @Option(names = "--max-rate", paramLabel = "MSGS_PER_S", defaultValue = "2000000", converter = RateConverter.class,
        description = "highest rate a sweep tries (default: ${DEFAULT-VALUE})")
    private int maxRate;

    @Option(names = "--html", description = "also write report.html: the report and the plot in one file")
    private boolean html;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run a command line without exiting the JVM.
     *
     * @param args command line.
     * @return exit status.
     */
    public static int execute(final String... args)
    {
        return new CommandLine(new BenchCommand())
            .setCommandName("vigil bench")
            .setExecutionExceptionHandler(BenchCommand::onException)
            .execute(args);
    }

    private static int onException(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        if (ex instanceof ConfigException)
        {
            // A --set the engine refused: the message names the setting, the value and what is allowed.
            err.println("vigil bench: " + ex.getMessage());
            err.flush();
            return 2;
        }
        err.println("vigil bench: failed: " + ex);
        ex.printStackTrace(err);
        err.flush();
        return 1;
    }

    @Override
    public Integer call() throws IOException
    {
        final PrintStream out = System.out;
        final String usageError = validate();
        if (usageError != null)
        {
            System.err.println("vigil bench: " + usageError);
            return 2;
        }
        final List<String> engineSettings = new ArrayList<>();
        engineSettings.add("profile=" + profile);
        engineSettings.addAll(settings);
        // Refuse a bad --set now, not after the baselines ran.
        final VigilConfig.Builder check = VigilConfig.builder();
        engineSettings.forEach(check::override);
        check.build();
        Files.createDirectories(outDir);
        final TrafficMix trafficMix = new TrafficMix(TrafficMix.parseOrdersPercent(mix), keys, seed);
        final BenchPlan plan = new BenchPlan(warmupNs, durationNs, clients, trafficMix, "dedicated".equals(profile),
            engineSettings, hiccupThresholdNs, outDir);

        final String header = String.format(Locale.ROOT,
            "vigil bench: %s warm-up + %s measured per run, %d client(s), %s, %,d keys, seed %d, profile %s%n" +
            "  Java %s, %d cores, system load average %.1f at start, JVM flags %s%n",
            Durations.format(warmupNs), Durations.format(durationNs), clients, trafficMix.describe(), keys, seed,
            profile, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
            // Other processes' load is the first thing to rule out when a tail looks wrong.
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.print(header);
        final BenchSession session = new BenchSession(new BenchRunner(plan, out), out);
        final String report = sweep ?
            session.sweep(rates[0], new RateSweep(sloNs, sweepFactor, maxRate)) :
            session.fixedRates(rates, baselines);
        session.writeFiles(outDir, header + report, html);
        return session.problems().isEmpty() ? 0 : 1;
    }

    private String validate()
    {
        if (!"shared".equals(profile) && !"dedicated".equals(profile))
        {
            return "--profile '" + profile + "': allowed: shared, dedicated";
        }
        if (durationNs <= 0)
        {
            return "--duration " + Durations.format(durationNs) + ": must be more than 0";
        }
        if (clients < 1 || clients > MAX_CLIENTS)
        {
            return "--clients " + clients + ": allowed: 1 to " + MAX_CLIENTS;
        }
        if (keys < 1)
        {
            return "--keys " + keys + ": allowed: 1 or more";
        }
        if (hiccupThresholdNs <= 0 || sloNs <= 0)
        {
            return (hiccupThresholdNs <= 0 ? "--hiccups" : "--slo") + ": must be more than 0";
        }
        if (sweep && (sweepFactor <= 1 || sweepFactor > 100))
        {
            return "--sweep-factor " + sweepFactor + ": allowed: above 1, at most 100";
        }
        if (sweep && rates.length != 1)
        {
            return "--rate: a sweep starts from one rate, not " + rates.length;
        }
        try
        {
            TrafficMix.parseOrdersPercent(mix);
        }
        catch (final IllegalArgumentException ex)
        {
            return "--mix " + ex.getMessage();
        }
        for (final String setting : settings)
        {
            if (setting.indexOf('=') < 1)
            {
                return "--set '" + setting + "': expected SETTING=VALUE";
            }
        }
        return null;
    }

    /**
     * A rate: a whole number, optionally with k (thousands) or M (millions), 1 to 10 M per second.
     */
    static final class RateConverter implements CommandLine.ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String value)
        {
            final String text = value.trim();
            long multiplier = 1;
            String digits = text;
            if (text.endsWith("k") || text.endsWith("K"))
            {
                multiplier = 1_000;
                digits = text.substring(0, text.length() - 1);
            }
            else if (text.endsWith("M") || text.endsWith("m"))
            {
                multiplier = 1_000_000;
                digits = text.substring(0, text.length() - 1);
            }
            final long rate;
            try
            {
                rate = Long.parseLong(digits) * multiplier;
            }
            catch (final NumberFormatException ex)
            {
                throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a rate like 10000, 10k or 1M messages per second");
            }
            if (rate < 1 || rate > MAX_RATE)
            {
                throw new CommandLine.TypeConversionException(
                    "'" + value + "': allowed 1 to " + MAX_RATE + " messages per second");
            }
            return (int)rate;
        }
    }

    /**
     * A duration with a unit: 500us, 10ms, 10s, 2m.
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            try
            {
                return Durations.parseNs(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(ex.getMessage());
            }
        }
    }
}
