package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.core.counters.CounterMetric;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A valid client's round trips while a storm of bogus Connects is pending, against the same client with none, each
 * on an engine of its own in one process, run one after the other. Each bogus Connect comes on a publication of its
 * own, from a media driver of the storm's own (as an attacker's would be: not the engine's), and names a reply port
 * nobody listens on, so its handshake stays pending for the whole run (the handshake timeout is raised, and the
 * bounds on pending handshakes with it). All come from one host, which is let hold every reply publication the
 * engine gives handshakes at once ({@code sessions.connecting.max}): the most a storm can cost. Run:
 * <pre>
 * java $(vigil's JVM flags) -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.ConnectStormProbe \
 *     [bogus Connects, default 500] [rate msg/s, default 10000] [seconds, default 10]
 * </pre>
 */
public final class ConnectStormProbe
{
    private static final long BOGUS_CLIENT_BASE = 1_000_000;

    private ConnectStormProbe()
    {
    }

    /**
     * @param args optionally the number of bogus Connects, the rate and the measured seconds.
     */
    public static void main(final String[] args)
    {
        final int bogus = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        final long durationNs = TimeUnit.SECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 10);
        final long warmupNs = TimeUnit.SECONDS.toNanos(3);
        final List<String> settings = List.of(
            "sessions.max=" + (bogus + 64),
            "sessions.pending.max=" + (bogus + 16),
            "sessions.pending.per.source=" + (bogus + 16),
            "sessions.connecting.per.source=" + Settings.SESSIONS_CONNECTING_MAX.defaultValue(),
            "session.handshake.timeout=60s");

        System.out.printf(Locale.ROOT, "one client at %,d msg/s for %d s (after %d s warm-up); %,d bogus Connects%n",
            rate, TimeUnit.NANOSECONDS.toSeconds(durationNs), TimeUnit.NANOSECONDS.toSeconds(warmupNs), bogus);
        final LatencySummary quiet = measure("quiet", 0, rate, warmupNs, durationNs, settings);
        final LatencySummary storm = measure("storm", bogus, rate, warmupNs, durationNs, settings);

        System.out.printf(Locale.ROOT, "%-22s", "µs");
        for (final String column : LatencySummary.COLUMNS)
        {
            System.out.printf(Locale.ROOT, "%10s", column);
        }
        System.out.println();
        print("no pending Connects", quiet.valuesUs());
        print(bogus + " pending Connects", storm.valuesUs());
        print("ratio", storm.ratioTo(quiet));
    }

    private static LatencySummary measure(
        final String name,
        final int bogus,
        final int rate,
        final long warmupNs,
        final long durationNs,
        final List<String> settings)
    {
        final String aeronDir = LocalResources.privateAeronDir("storm-" + name, rate);
        final OpenLoopRun run = new OpenLoopRun(name, rate, warmupNs, durationNs);
        final VigilTarget target = VigilTarget.launch(aeronDir, run, Throwable::printStackTrace, settings);
        final List<ExclusivePublication> publications = new ArrayList<>();
        MediaDriver stormDriver = null;
        Aeron stormAeron = null;
        try
        {
            if (bogus > 0)
            {
                // Sleeps between duty cycles: the storm's sender must not take a core from the engine.
                stormDriver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                    .termBufferSparseFile(true)
                    .dirDeleteOnShutdown(true));
                stormAeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(stormDriver.aeronDirectoryName()));
                storm(target, stormAeron, bogus, publications);
            }
            run.execute(target);
            System.out.printf(Locale.ROOT, "%s: %s; sessions pending at the end %d, of them waiting %d%n",
                name, target.describe(), metric(target, "vigil_sessions_pending"),
                metric(target, "vigil_sessions_waiting"));
            return LatencySummary.of(run.fromIntendedNs());
        }
        finally
        {
            CloseHelper.quietCloseAll(publications);
            CloseHelper.quietCloseAll(stormAeron, stormDriver);
            target.close();
            IoUtil.delete(new java.io.File(aeronDir), true);
        }
    }

    private static void storm(
        final VigilTarget target, final Aeron aeron, final int bogus, final List<ExclusivePublication> publications)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final ConnectEncoder connect = new ConnectEncoder();
        final String channel = target.ingressChannel() + "|term-length=64k";
        // Refused at once (the engine's own ingress port): only the storm's publications remain, no handshakes.
        final boolean refusedAtOnce = Boolean.getBoolean("storm.refused");
        for (int i = 0; i < bogus; i++)
        {
            publications.add(aeron.addExclusivePublication(channel, 1001));
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < bogus; i++)
        {
            final ExclusivePublication publication = publications.get(i);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + connect.wrapAndApplyHeader(buffer, 0, header)
                .clientId(BOGUS_CLIENT_BASE + i)
                .responseStreamId(1002)
                .responseChannel(refusedAtOnce ? channel.substring(0, channel.indexOf('|')) :
                    "aeron:udp?endpoint=localhost:" + LocalResources.freeUdpPort())
                .putCredentials(new byte[0], 0, 0)
                .encodedLength();
            while (publication.offer(buffer, 0, length) < 0)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("could not send bogus Connect " + i);
                }
                Thread.yield();
            }
        }
        while (!refusedAtOnce && metric(target, "vigil_sessions_pending") < bogus)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("only " + metric(target, "vigil_sessions_pending") +
                    " of " + bogus + " bogus Connects pending");
            }
            Thread.yield();
        }
        System.out.printf(Locale.ROOT, "%,d bogus Connects pending%n", metric(target, "vigil_sessions_pending"));
    }

    private static long metric(final VigilTarget target, final String family)
    {
        for (final CounterMetric metric : target.engine().counters().metrics())
        {
            if (metric.family().equals(family))
            {
                return metric.value();
            }
        }
        throw new IllegalStateException("no metric " + family);
    }

    private static void print(final String label, final double[] values)
    {
        System.out.printf(Locale.ROOT, "%-22s", label);
        for (final double value : values)
        {
            System.out.printf(Locale.ROOT, "%10.1f", value);
        }
        System.out.println();
    }
}
