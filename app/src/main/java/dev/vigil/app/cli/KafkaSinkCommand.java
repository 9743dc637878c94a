package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.kafka.KafkaConnectorException;
import dev.vigil.app.kafka.KafkaCounters;
import dev.vigil.app.kafka.KafkaMetricsEndpoint;
import dev.vigil.app.kafka.KafkaSink;
import dev.vigil.app.kafka.KafkaStatCounters;
import dev.vigil.app.kafka.ReconnectingAeron;
import dev.vigil.app.kafka.SinkFeeds;
import dev.vigil.app.kafka.SinkSettings;
import io.aeron.ChannelUri;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vigil kafka sink}: the engine's alerts, window results and late events written to Kafka topics, each once.
 */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
        "Write the engine's alerts, window results and late events to Kafka topics, each exactly once.",
        "Writes them with a transactional producer.",
        "Each transaction also commits the position of its last output (engine seq and ordinal); a restarted sink",
        "drops outputs at or below it. --from journal (default) rebuilds the outputs from the engine's journal in",
        "--data-dir with the rules of the journal and the state settings of --config/--set, so every output is",
        "written exactly once, whenever the sink runs; --from stream takes the live alert stream (of one engine or",
        "of every cluster member), which loses what is published while no sink listens. Stops cleanly on SIGINT or",
        "SIGTERM. Exit 0 after a clean stop, 1 when Kafka or the engine cannot be used, 2 for bad usage. See",
        "docs/kafka.md."})
final class KafkaSinkCommand implements Callable<Integer>
{
    private static final long DRIVER_TIMEOUT_MS = 10_000;

    @Mixin
    private EngineOptions options;

    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--alerts-topic", required = true, paramLabel = "TOPIC",
        description = "where alerts go; its partition 0 also keys the sink's position in --position-group")
    private String alertsTopic;

    @Option(names = "--windows-topic", paramLabel = "TOPIC",
        description = "where window results go (default: not written)")
    private String windowsTopic;

    @Option(names = "--late-topic", paramLabel = "TOPIC", description = "where late events go (default: not written)")
    private String lateTopic;

    @Option(names = "--from", paramLabel = "FEED", defaultValue = "journal",
        description = "journal (default): rebuild outputs from the journal in --data-dir; stream: the live alert " +
            "stream")
    private String from;

    @Option(names = "--alerts-subscription", paramLabel = "CHANNEL",
        description = "with --from stream: the channel to subscribe on, repeated for each cluster member (default: " +
            "the control address of alerts.channel, from localhost)")
    private List<String> alertsSubscriptions = new ArrayList<>();

    @Option(names = "--transactional-id", paramLabel = "ID",
        description = "the producer's transactional id, one sink at a time per id (default: vigil-sink-ALERTS_TOPIC)")
    private String transactionalId;

    @Option(names = "--position-group", paramLabel = "GROUP",
        description = "the consumer group that holds the position, used for nothing else (default: " +
            "TRANSACTIONAL_ID-position)")
    private String positionGroup;

    @Option(names = "--commit-interval", paramLabel = "DURATION", defaultValue = "100ms",
        description = "longest a transaction stays open while outputs arrive (default: ${DEFAULT-VALUE})")
    private String commitInterval;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "10000",
        description = "outputs per transaction at most (default: ${DEFAULT-VALUE})")
    private int maxBatch;

    @Override
    public Integer call()
    {
        final VigilConfig config = options.toConfig();
        final boolean fromJournal = switch (from.toLowerCase(Locale.ROOT))
        {
            case "journal" -> true;
            case "stream" -> false;
            default -> throw new ConfigException("--from " + from + ": allowed: journal, stream");
        };
        if (maxBatch < 1)
        {
            throw new ConfigException("--max-batch " + maxBatch + ": allowed: 1 or more");
        }
        final String txnId = transactionalId == null ? "vigil-sink-" + alertsTopic : transactionalId;
        final SinkSettings settings = new SinkSettings(alertsTopic, windowsTopic, lateTopic, kafka.format(), txnId,
            positionGroup == null ? txnId + "-position" : positionGroup,
            OptionValues.durationNs("--commit-interval", commitInterval), maxBatch, 256);
        final Path journalDir = fromJournal ?
            OptionValues.existingJournal("--data-dir", Path.of(config.get(Settings.DATA_DIR))) : null;
        final List<String> channels = fromJournal ? List.of() : subscriptionChannels(config);
        final Map<String, Object> kafkaProperties = kafka.properties();
        final String aeronDir = config.get(Settings.AERON_DIR);
        if (!fromJournal && !Files.isDirectory(Path.of(aeronDir)))
        {
            System.err.println("vigil kafka sink: no engine running: no media driver at aeron.dir=" + aeronDir);
            return VigilMain.EXIT_PROBLEM;
        }

        final PrintStream out = System.out;
        final KafkaCounters counters = new KafkaCounters(KafkaCounters.Role.SINK);
        final StopSignals signals = StopSignals.install();
        final ReconnectingAeron aeron = new ReconnectingAeron(DRIVER_TIMEOUT_MS, System.err);
        KafkaMetricsEndpoint metrics = null;
        KafkaSink sink = null;
        KafkaStatCounters statRows = null;
        try
        {
            final int streamId = config.getInt(Settings.ALERTS_STREAM_ID);
            sink = KafkaSink.start(kafka.bootstrap, settings, kafkaProperties, fromJournal ?
                SinkFeeds.journal(config, journalDir) :
                SinkFeeds.alertStream(() -> aeron.client(aeronDir), channels, streamId),
                counters, SystemNanoClock.INSTANCE);
            metrics = kafka.metricsPort == 0 ? null :
                KafkaMetricsEndpoint.start("--metrics-port", kafka.metricsPort, counters);
            out.println("vigil kafka sink: " + sink.describeFeed() + " -> alerts " + alertsTopic +
                (windowsTopic == null ? "" : ", window results " + windowsTopic) +
                (lateTopic == null ? "" : ", late events " + lateTopic) + " (" +
                settings.format().name().toLowerCase(Locale.ROOT) + ")");
            out.println("  transactional id " + txnId + ", position in group " + settings.positionGroup() +
                ": engine seq " + sink.committedSeq());
            if (metrics != null)
            {
                out.println("  metrics http://127.0.0.1:" + metrics.port() + "/metrics");
            }
            out.println("Ctrl-C to stop.");
            out.flush();
            final KafkaStatCounters rows = new KafkaStatCounters(counters, "kafka sink " + alertsTopic);
            statRows = rows;
            // The journal-fed sink needs the engine's media driver only for these rows: it connects a client when
            // an engine runs, and again after the engine restarted.
            ConnectorLoop.run(sink::doWork, signals, counters, kafka.statsIntervalNs(), System.err,
                fromJournal ? () -> rows.update(aeron.clientIfDriverRuns(aeronDir, System.nanoTime())) :
                () -> rows.update(aeron.current()));
            out.println("vigil kafka sink: stopping on " + signals.name());
            sink.flush();
            out.println(counters.statusLine());
            out.println("vigil kafka sink: stopped at engine seq " + sink.committedSeq());
            return VigilMain.EXIT_OK;
        }
        catch (final KafkaConnectorException | KafkaException ex)
        {
            System.err.println("vigil kafka sink: " + ex.getMessage());
            return VigilMain.EXIT_PROBLEM;
        }
        catch (final AeronException ex)
        {
            System.err.println("vigil kafka sink: no engine running: no media driver answers at aeron.dir=" +
                aeronDir + " (" + ex.getMessage() + ")");
            return VigilMain.EXIT_PROBLEM;
        }
        finally
        {
            CloseHelper.quietCloseAll(sink, metrics, statRows, aeron);
        }
    }

    private List<String> subscriptionChannels(final VigilConfig config)
    {
        if (!alertsSubscriptions.isEmpty())
        {
            return alertsSubscriptions;
        }
        final String alertsChannel = config.get(Settings.ALERTS_CHANNEL);
        final String control = ChannelUri.parse(alertsChannel).get("control");
        if (control == null)
        {
            throw new ConfigException("alerts.channel=" + alertsChannel + ": has no control address to subscribe " +
                "to; name the subscription channel with --alerts-subscription");
        }
        return List.of("aeron:udp?endpoint=localhost:0|control=" + control + "|control-mode=dynamic");
    }
}
