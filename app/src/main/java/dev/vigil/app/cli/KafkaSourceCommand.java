package dev.vigil.app.cli;

import dev.vigil.app.cluster.ClusterClientDriver;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.kafka.KafkaClientIds;
import dev.vigil.app.kafka.KafkaConnectorException;
import dev.vigil.app.kafka.KafkaCounters;
import dev.vigil.app.kafka.KafkaMetricsEndpoint;
import dev.vigil.app.kafka.KafkaSource;
import dev.vigil.app.kafka.KafkaStatCounters;
import dev.vigil.app.kafka.ReconnectingAeron;
import dev.vigil.app.kafka.SourceSettings;
import dev.vigil.app.session.CredentialsFile;
import dev.vigil.client.HmacCredentials;
import dev.vigil.client.VigilClient;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;

/**
 * {@code vigil kafka source}: a Kafka topic fed to the engine, each record decided exactly once.
 */
@Command(
    name = "source",
    mixinStandardHelpOptions = true,
    description = {
        "Feed a Kafka topic to the engine, each record decided exactly once.",
        "Reads the topic (read_committed) and sends each record to the engine as an ordinary client: partition P",
        "is client id BASE + (CRC-32(topic) mod 2^20) * 4096 + P, offset O is client sequence O + 1. Offsets are",
        "committed only once the engine has answered, in one transaction with the decisions and dead letters",
        "written for them; a restarted source sends again from there and the engine answers each record it",
        "decided before with that decision. The engine is the one of --config/--set (aeron.dir, ingress.channel),",
        "or a cluster (--cluster-ingress-endpoints). Stops cleanly on SIGINT or SIGTERM. Exit 0 after a clean stop,",
        "1 when Kafka or the engine cannot be used, 2 for bad usage or configuration. See docs/kafka.md."})
final class KafkaSourceCommand implements Callable<Integer>
{
    private static final long DRAIN_TIMEOUT_NS = 10_000_000_000L;
    private static final long DRIVER_TIMEOUT_MS = 5_000;

    @Mixin
    private EngineOptions options;

    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "the topic of events to decide")
    private String topic;

    @Option(names = "--decisions-topic", paramLabel = "TOPIC",
        description = "write each decision here, keyed by its input's key")
    private String decisionsTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
        description = "write records that are not decided here, with the reason in their headers")
    private String deadLetterTopic;

    @Option(names = "--group", paramLabel = "GROUP",
        description = "the consumer group whose offsets say what is done (default: vigil-source-TOPIC)")
    private String group;

    @Option(names = "--transactional-id", paramLabel = "ID",
        description = "the producer's transactional id, one source at a time per id (default: vigil-source-TOPIC)")
    private String transactionalId;

    @Option(names = "--client-id-base", paramLabel = "BASE", defaultValue = "1099511627776",
        description = "base of the partitions' client ids (default: 2^40)")
    private String clientIdBase;

    @Option(names = "--credentials", paramLabel = "FILE",
        description = "the partitions' keys, as lines '<client-id> <hex-key>' (the engine's credentials file format)")
    private Path credentials;

    @Option(names = "--cluster-ingress-endpoints", paramLabel = "ENDPOINTS",
        description = "send to a Vigil cluster instead: id=host:port of each member's ingress, comma-separated")
    private String clusterIngressEndpoints;

    @Option(names = "--window", paramLabel = "N",
        description = "offsets a partition may send past its committed offset; at most, and by default, the " +
            "engine's dedup.window")
    private Integer window;

    @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "100ms",
        description = "how often decided records are committed (default: ${DEFAULT-VALUE})")
    private String commitInterval;

    @Option(names = "--answer-timeout", paramLabel = "DURATION", defaultValue = "5s",
        description = "with no answer for this long, open a new session and send again (default: ${DEFAULT-VALUE})")
    private String answerTimeout;

    @Option(names = "--max-rate", paramLabel = "RECORDS_PER_S", defaultValue = "0",
        description = "send at most this many records a second to the engine, all partitions together, to leave " +
            "the engine's other clients the cores they need on a shared host; 0 for no bound (default: " +
            "${DEFAULT-VALUE})")
    private long maxRate;

    @Option(names = "--print-client-ids", description = "print each partition's client id and exit")
    private boolean printClientIds;

    @Override
    public Integer call()
    {
        final VigilConfig config = options.toConfig();
        final long base = OptionValues.clientId("--client-id-base", clientIdBase);
        final PrintStream out = System.out;
        if (printClientIds)
        {
            return printClientIds(base, out);
        }
        final SourceSettings settings = settings(config, base);
        final Map<String, Object> kafkaProperties = kafka.properties();
        final CredentialsFile keys = credentials == null ? null : CredentialsFile.load("--credentials", credentials);
        final String aeronDir = config.get(Settings.AERON_DIR);
        if (clusterIngressEndpoints == null && !Files.isDirectory(Path.of(aeronDir)))
        {
            System.err.println("vigil kafka source: no engine running: no media driver at aeron.dir=" + aeronDir);
            return VigilMain.EXIT_PROBLEM;
        }

        final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SOURCE);
        final StopSignals signals = StopSignals.install();
        MediaDriver driver = null;
        final ReconnectingAeron aeron = new ReconnectingAeron(DRIVER_TIMEOUT_MS, System.err);
        KafkaMetricsEndpoint metrics = null;
        KafkaSource source = null;
        KafkaStatCounters statRows = null;
        try
        {
            driver = clusterIngressEndpoints == null ? null : ClusterClientDriver.launch("kafka-source");
            final String clientAeronDir = driver == null ? aeronDir : driver.aeronDirectoryName();
            source = KafkaSource.start(kafka.bootstrap, settings, kafkaProperties,
                clientContexts(config, aeron, clientAeronDir, keys), config.getInt(Settings.FRAME_MAX_LENGTH),
                counters, SystemNanoClock.INSTANCE);
            checkKeys(keys, source.clientIds());
            metrics = kafka.metricsPort == 0 ? null :
                KafkaMetricsEndpoint.start("--metrics-port", kafka.metricsPort, counters);
            printStart(out, settings, source.clientIds(), metrics);
            final KafkaStatCounters rows = new KafkaStatCounters(counters, "kafka source " + settings.topic());
            statRows = rows;
            ConnectorLoop.run(source::doWork, signals, counters, kafka.statsIntervalNs(), System.err,
                clusterIngressEndpoints != null ? () -> { } : () -> rows.update(aeron.current()));
            out.println("vigil kafka source: stopping on " + signals.name());
            final boolean drained = source.drain(DRAIN_TIMEOUT_NS);
            out.println(counters.statusLine());
            out.println(drained ? "vigil kafka source: stopped; everything read was decided and committed" :
                "vigil kafka source: stopped; records read and not committed are read again by the next start");
            return VigilMain.EXIT_OK;
        }
        catch (final KafkaConnectorException | KafkaException ex)
        {
            System.err.println("vigil kafka source: " + ex.getMessage());
            return VigilMain.EXIT_PROBLEM;
        }
        finally
        {
            CloseHelper.quietCloseAll(source, metrics, statRows, aeron, driver);
        }
    }

    private SourceSettings settings(final VigilConfig config, final long base)
    {
        final int dedupWindow = config.getInt(Settings.DEDUP_WINDOW);
        final int sendWindow = window == null ? dedupWindow : window;
        if (sendWindow < 1 || sendWindow > dedupWindow)
        {
            throw new ConfigException("--window " + sendWindow + ": allowed: 1 to dedup.window (" + dedupWindow +
                "): the engine answers a record sent again only within its last dedup.window sequences");
        }
        final long commitIntervalNs = OptionValues.durationNs("--commit-interval", commitInterval);
        final long answerTimeoutNs = OptionValues.durationNs("--answer-timeout", answerTimeout);
        if (answerTimeoutNs <= 0)
        {
            throw new ConfigException("--answer-timeout " + answerTimeout + ": allowed: more than 0s");
        }
        if (maxRate < 0)
        {
            throw new ConfigException("--max-rate " + maxRate + ": allowed: 0 (no bound) or more records a second");
        }
        final String name = "vigil-source-" + topic;
        return new SourceSettings(topic, kafka.format(), decisionsTopic, deadLetterTopic,
            group == null ? name : group, transactionalId == null ? name : transactionalId, base, sendWindow,
            Math.max(2 * sendWindow, 1024), commitIntervalNs, answerTimeoutNs, 1_000_000_000L, 256, maxRate);
    }

    private LongFunction<VigilClient.Context> clientContexts(
        final VigilConfig config, final ReconnectingAeron aeron, final String aeronDir, final CredentialsFile keys)
    {
        return clientId ->
        {
            final VigilClient.Context context = new VigilClient.Context()
                .aeron(aeron.client(aeronDir))
                .clientId(clientId);
            if (clusterIngressEndpoints != null)
            {
                context.clusterIngressEndpoints(clusterIngressEndpoints);
            }
            else
            {
                context.ingressChannel(config.get(Settings.INGRESS_CHANNEL))
                    .ingressStreamId(config.getInt(Settings.INGRESS_STREAM_ID));
            }
            if (keys != null)
            {
                context.credentials(new HmacCredentials(keys.key(clientId)));
            }
            return context;
        };
    }

    private void checkKeys(final CredentialsFile keys, final Map<Integer, Long> clientIds)
    {
        if (keys == null)
        {
            return;
        }
        for (final Map.Entry<Integer, Long> entry : new TreeMap<>(clientIds).entrySet())
        {
            if (keys.key(entry.getValue()) == null)
            {
                throw new ConfigException("--credentials " + credentials + ": no key for client " +
                    Long.toUnsignedString(entry.getValue()) + " (partition " + entry.getKey() + " of " + topic +
                    "); add one with: vigil credentials add --file FILE --client-id " +
                    Long.toUnsignedString(entry.getValue()));
            }
        }
    }

    private int printClientIds(final long base, final PrintStream out)
    {
        final Map<String, Object> props = new HashMap<>(kafka.properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            final List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty())
            {
                System.err.println("vigil kafka source: topic " + topic + " has no partitions (does it exist?)");
                return VigilMain.EXIT_PROBLEM;
            }
            final Map<Integer, Long> ids = new TreeMap<>();
            for (final PartitionInfo partition : partitions)
            {
                ids.put(partition.partition(), KafkaClientIds.clientId(base, topic, partition.partition()));
            }
            ids.forEach((partition, id) -> out.println(topic + " " + partition + " " + Long.toUnsignedString(id)));
            return VigilMain.EXIT_OK;
        }
        catch (final KafkaException | IllegalArgumentException ex)
        {
            System.err.println("vigil kafka source: " + ex.getMessage());
            return VigilMain.EXIT_PROBLEM;
        }
    }

    private void printStart(
        final PrintStream out, final SourceSettings settings, final Map<Integer, Long> clientIds,
        final KafkaMetricsEndpoint metrics)
    {
        out.println("vigil kafka source: " + topic + " (" + clientIds.size() + " partition(s), " + settings.format()
            .name().toLowerCase(java.util.Locale.ROOT) + ") -> " + (clusterIngressEndpoints == null ?
            "the engine at " + options.toConfig().get(Settings.INGRESS_CHANNEL) : "the cluster " +
            clusterIngressEndpoints));
        new TreeMap<>(clientIds).forEach((partition, id) ->
            out.println("  partition " + partition + " = client " + Long.toUnsignedString(id)));
        out.println("  group " + settings.groupId() + (settings.transactional() ? ", transactional id " +
            settings.transactionalId() : "") + ", window " + settings.window() + " offsets");
        if (decisionsTopic != null)
        {
            out.println("  decisions -> " + decisionsTopic);
        }
        if (deadLetterTopic != null)
        {
            out.println("  dead letters -> " + deadLetterTopic);
        }
        if (metrics != null)
        {
            out.println("  metrics http://127.0.0.1:" + metrics.port() + "/metrics");
        }
        out.println("Ctrl-C to stop.");
        out.flush();
    }
}
