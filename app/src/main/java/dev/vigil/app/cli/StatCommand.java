package dev.vigil.app.cli;

import dev.vigil.app.cluster.MemberCounter;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.engine.EngineErrors;
import dev.vigil.app.engine.EngineInfo;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.CncFileDescriptor;
import io.aeron.cluster.service.Cluster;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vigil stat}: the counters of a running engine, read from its Aeron counters file from outside the process
 * (nothing on the engine's threads notices), refreshed like {@code top} or printed once.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "Show the counters of the engine or cluster member running with this data directory (it names its process",
        "and Aeron directory in DIR/engine.info; a member also shows its role and log position): refreshed every",
        "--interval with rates per second, or once with --once. Read from the",
        "engine's counters file; the engine does no work for it. Exit 0, or 1 when no engine is running there."})
final class StatCommand implements Callable<Integer>
{
    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @Mixin
    private EngineOptions options;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
        description = "time between refreshes (default: ${DEFAULT-VALUE})")
    private String interval;

    @Option(names = "--once", description = "print the counters once and exit")
    private boolean once;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
        description = "stop after N refreshes (default: until Ctrl-C)")
    private long count;

    @Option(names = "--errors", description = "also print the engine's error log: each distinct error, how often " +
        "and when it was seen")
    private boolean showErrors;

    @Override
    public Integer call() throws InterruptedException
    {
        final Path dataDir = Path.of(options.toConfig().get(Settings.DATA_DIR));
        final long intervalMs = Math.max(1, OptionValues.durationNs("--interval", interval) / 1_000_000);
        OptionValues.notNegative("--count", count);
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir))
        {
            throw new ConfigException("data.dir=" + dataDir + ": is a file, not a directory");
        }
        final Optional<EngineInfo> found = EngineInfo.read(dataDir);
        if (found.isEmpty())
        {
            return noEngine(dataDir + ": no " + EngineInfo.FILE_NAME + " (a running engine keeps one there)");
        }
        final EngineInfo info = found.get();
        if (!info.isRunning())
        {
            return noEngine(dataDir.resolve(EngineInfo.FILE_NAME) + " names pid " + info.pid() +
                ", which is not running (left by an engine that did not stop cleanly)");
        }
        final File cncFile = new File(info.aeronDir(), CncFileDescriptor.CNC_FILE);
        if (!cncFile.isFile())
        {
            return noEngine("no counters file " + cncFile + " for pid " + info.pid());
        }

        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        try
        {
            final CountersReader counters = countersReader(cnc);
            final PrintStream out = System.out;
            final boolean clear = !once && System.console() != null;
            Map<String, Long> previous = null;
            long previousNs = 0;
            for (long refresh = 1; ; refresh++)
            {
                final long nowNs = System.nanoTime();
                final Map<String, Long> sample = sample(counters);
                if (!info.isRunning())
                {
                    return noEngine("the engine (pid " + info.pid() + ") stopped");
                }
                final StringBuilder screen = new StringBuilder(clear ? CLEAR_SCREEN : "");
                header(screen, dataDir, info);
                clusterMember(screen, sample);
                table(screen, sample, previous, (nowNs - previousNs) / 1e9);
                if (showErrors)
                {
                    errorLog(screen, dataDir);
                }
                out.print(screen);
                out.flush();
                if (once || (count > 0 && refresh >= count))
                {
                    return VigilMain.EXIT_OK;
                }
                previous = sample;
                previousNs = nowNs;
                Thread.sleep(intervalMs);
            }
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    private static CountersReader countersReader(final MappedByteBuffer cnc)
    {
        final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
        CncFileDescriptor.checkVersion(metaData.getInt(CncFileDescriptor.cncVersionOffset(0)));
        return new CountersReader(
            CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
            CncFileDescriptor.createCountersValuesBuffer(cnc, metaData),
            StandardCharsets.US_ASCII);
    }

    private static Map<String, Long> sample(final CountersReader counters)
    {
        final Map<String, Long> sample = new LinkedHashMap<>();
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == EngineCounters.VIGIL_COUNTER_TYPE_ID)
            {
                final String name = label.startsWith(EngineCounters.LABEL_PREFIX) ?
                    label.substring(EngineCounters.LABEL_PREFIX.length()) : label;
                sample.put(name, counters.getCounterValue(counterId));
            }
        });
        return sample;
    }

    private static void header(final StringBuilder screen, final Path dataDir, final EngineInfo info)
    {
        final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        screen.append(String.format(Locale.ROOT, "vigil stat  %s  engine pid %d", now, info.pid()));
        if (info.processStartMs() > 0)
        {
            final long upS = Math.max(0, (System.currentTimeMillis() - info.processStartMs()) / 1000);
            screen.append(String.format(Locale.ROOT, ", up %dh %02dm %02ds", upS / 3600, upS / 60 % 60, upS % 60));
        }
        screen.append(String.format(Locale.ROOT, "%n  data dir %s, aeron dir %s%s%s%n", dataDir, info.aeronDir(),
            info.metricsPort() == 0 ? "" : ", metrics http://127.0.0.1:" + info.metricsPort() + "/metrics",
            info.livePage().isEmpty() ? "" : ", live page " + info.livePage()));
    }

    /**
     * A cluster member's role and log position, from its member counters, in words above the table.
     */
    private static void clusterMember(final StringBuilder screen, final Map<String, Long> sample)
    {
        final Long role = sample.get(MemberCounter.ROLE.label());
        if (role == null)
        {
            return;
        }
        final Cluster.Role named = Cluster.Role.get(role);
        screen.append(String.format(Locale.ROOT,
            "  cluster member %d: %s, log position %,d, leadership term %d, applied engine seq %,d%n",
            sample.getOrDefault(MemberCounter.MEMBER_ID.label(), -1L), named == null ? "role " + role : named,
            sample.getOrDefault(MemberCounter.COMMIT_POSITION.label(), 0L),
            sample.getOrDefault(MemberCounter.LEADERSHIP_TERM.label(), 0L),
            sample.getOrDefault(MemberCounter.APPLIED_ENGINE_SEQ.label(), 0L)));
    }

    private static void table(
        final StringBuilder screen,
        final Map<String, Long> sample,
        final Map<String, Long> previous,
        final double elapsedS)
    {
        screen.append(String.format(Locale.ROOT, "  %-46s %16s%s%n", "counter", "value",
            previous == null ? "" : String.format(Locale.ROOT, " %14s", "per second")));
        for (final Map.Entry<String, Long> counter : sample.entrySet())
        {
            screen.append(String.format(Locale.ROOT, "  %-46s %,16d", counter.getKey(), counter.getValue()));
            if (previous != null && previous.containsKey(counter.getKey()))
            {
                final long delta = counter.getValue() - previous.get(counter.getKey());
                screen.append(String.format(Locale.ROOT, " %,14.0f", delta / Math.max(1e-9, elapsedS)));
            }
            screen.append(System.lineSeparator());
        }
    }

    private static void errorLog(final StringBuilder screen, final Path dataDir)
    {
        final File file = dataDir.resolve(EngineErrors.FILE_NAME).toFile();
        if (!Files.isRegularFile(file.toPath()))
        {
            screen.append(String.format(Locale.ROOT, "error log %s: none%n", file));
            return;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "error log");
        try
        {
            final List<String> entries = new ArrayList<>();
            ErrorLogReader.read(new UnsafeBuffer(mapped), (observationCount, firstMs, lastMs, encodedException) ->
                entries.add(String.format(Locale.ROOT, "%,d time(s), first %s, last %s%n%s", observationCount,
                    Instant.ofEpochMilli(firstMs), Instant.ofEpochMilli(lastMs), encodedException)));
            screen.append(String.format(Locale.ROOT, "error log %s: %d distinct error(s)%n", file, entries.size()));
            for (final String entry : entries)
            {
                screen.append(entry.stripTrailing()).append(System.lineSeparator());
            }
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    private static int noEngine(final String why)
    {
        System.err.println("vigil stat: no engine running: " + why);
        return VigilMain.EXIT_PROBLEM;
    }
}
