package dev.vigil.app.cli;

import dev.vigil.app.cluster.LoopbackPorts;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.StartChecks;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.demo.DemoTraffic;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.app.kafka.DemoKafkaBroker;
import dev.vigil.app.kafka.KafkaClientIds;
import dev.vigil.app.kafka.KafkaCounters;
import dev.vigil.app.kafka.KafkaFormat;
import dev.vigil.app.kafka.KafkaSink;
import dev.vigil.app.kafka.KafkaSource;
import dev.vigil.app.kafka.ReconnectingAeron;
import dev.vigil.app.kafka.SinkFeeds;
import dev.vigil.app.kafka.SinkSettings;
import dev.vigil.app.kafka.SourceSettings;
import dev.vigil.client.VigilClient;
import dev.vigil.core.counters.CounterMetric;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vigil kafka demo}: a local Kafka broker, the engine, a source fed with the demo's generated events and a
 * sink, in one run; prints the alerts as they arrive on their topic, then what each topic holds.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "A local Kafka broker, the engine, a source and a sink: events in, alerts out, each exactly once.",
        "Starts a Kafka broker (KRaft, loopback), the engine, a source and a sink: writes the demo's seeded",
        "payments and orders (and two bad records) to a topic, decides each through the source, writes decisions,",
        "dead letters, alerts, window results and late events to topics, prints the first alerts as they arrive,",
        "then counts what each topic holds, read committed. Everything is removed afterwards. Exit 0 when every",
        "event was decided once and every output written once."})
final class KafkaDemoCommand implements Callable<Integer>
{
    private static final String EVENTS_TOPIC = "vigil-demo-events";
    private static final String DECISIONS_TOPIC = "vigil-demo-decisions";
    private static final String DEAD_LETTER_TOPIC = "vigil-demo-dead-letters";
    private static final String ALERTS_TOPIC = "vigil-demo-alerts";
    private static final String WINDOWS_TOPIC = "vigil-demo-windows";
    private static final String LATE_TOPIC = "vigil-demo-late";
    private static final Pattern RULE_ID = Pattern.compile("\"ruleId\":(\\d+)");
    private static final Pattern VERDICT = Pattern.compile("\"verdict\":\"([A-Z]+)\"");
    private static final long STOP_TIMEOUT_NS = 10_000_000_000L;

    @Mixin
    private EngineOptions options;

    @Option(names = "--events", paramLabel = "N", defaultValue = "20000",
        description = "events to write to the topic (default: ${DEFAULT-VALUE})")
    private int events;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
        description = "partitions of the events topic (default: ${DEFAULT-VALUE})")
    private int partitions;

    @Option(names = "--seed", defaultValue = "42",
        description = "random seed of the events (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--accounts", defaultValue = "10000",
        description = "payment accounts in the events (default: ${DEFAULT-VALUE})")
    private int accounts;

    @Option(names = "--event-step", paramLabel = "DURATION", defaultValue = "10ms",
        description = "event time between consecutive events (default: ${DEFAULT-VALUE})")
    private String eventStep;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5",
        description = "alerts to print as they arrive on their topic (default: ${DEFAULT-VALUE})")
    private int show;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "300s",
        description = "give up when the events are not all decided and written by then (default: ${DEFAULT-VALUE})")
    private String timeout;

    @Override
    public Integer call()
    {
        if (events < 1 || partitions < 1 || partitions > KafkaClientIds.MAX_PARTITIONS || accounts < 1 || show < 0)
        {
            throw new ConfigException("--events, --accounts: allowed: 1 or more; --partitions: 1 to " +
                KafkaClientIds.MAX_PARTITIONS + "; --show: 0 or more");
        }
        if (options.dataDir != null)
        {
            throw new ConfigException("--data-dir " + options.dataDir + ": the Kafka demo keeps nothing; its engine " +
                "and broker run in a temporary directory");
        }
        final long eventStepNs = OptionValues.durationNs("--event-step", eventStep);
        final long timeoutNs = OptionValues.durationNs("--timeout", timeout);
        final VigilConfig userConfig = options.toConfig();
        final Path work = createTempDir();
        try
        {
            final int[] ports = LoopbackPorts.reserve(2);
            final VigilConfig config = userConfig
                .with("aeron.dir", userConfig.get(Settings.AERON_DIR) + "-kafka-demo-" + ProcessHandle.current().pid())
                .with("data.dir", work.resolve("engine").toString())
                .with("ingress.channel", "aeron:udp?endpoint=localhost:" + ports[0])
                .with("alerts.channel", "aeron:udp?control=localhost:" + ports[1] + "|control-mode=dynamic")
                .with("auth.credentials.file", "");
            StartChecks.check(config);
            final PrintStream out = System.out;
            out.println("vigil kafka demo: starting a Kafka broker (KRaft, loopback)...");
            out.flush();
            try (DemoKafkaBroker broker = DemoKafkaBroker.start(work.resolve("kafka")))
            {
                return runDemo(out, config, broker, eventStepNs, timeoutNs);
            }
        }
        finally
        {
            IoUtil.delete(work.toFile(), true);
        }
    }

    private int runDemo(
        final PrintStream out, final VigilConfig config, final DemoKafkaBroker broker, final long eventStepNs,
        final long timeoutNs)
    {
        final String bootstrap = broker.bootstrapServers();
        createTopics(bootstrap);
        final int bad = produceEvents(bootstrap, eventStepNs);
        out.printf(Locale.ROOT, "  broker    %s (%s); %,d events and %d bad records on %s (%d partitions)%n",
            bootstrap, broker.where(), events, bad, EVENTS_TOPIC, partitions);
        final RuleSet ruleSet = RuleSetFactory.fromConfig(config);

        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (VigilEngine engine = VigilEngine.launch(config, error -> failure.compareAndSet(null, error));
            ReconnectingAeron aeron = new ReconnectingAeron(5_000, System.err))
        {
            final KafkaCounters sourceCounters = new KafkaCounters(KafkaCounters.Role.SOURCE);
            final KafkaCounters sinkCounters = new KafkaCounters(KafkaCounters.Role.SINK);
            final KafkaSource source = KafkaSource.start(bootstrap, new SourceSettings(EVENTS_TOPIC, KafkaFormat.JSON,
                DECISIONS_TOPIC, DEAD_LETTER_TOPIC, "vigil-demo-source", "vigil-demo-source",
                KafkaClientIds.DEFAULT_BASE, config.getInt(Settings.DEDUP_WINDOW),
                2 * config.getInt(Settings.DEDUP_WINDOW), 100_000_000L, 5_000_000_000L, 1_000_000_000L, 256),
                Map.of(), clientId -> new VigilClient.Context()
                    .aeron(aeron.client(engine.aeronDirectoryName()))
                    .ingressChannel(config.get(Settings.INGRESS_CHANNEL))
                    .clientId(clientId),
                config.getInt(Settings.FRAME_MAX_LENGTH), sourceCounters, SystemNanoClock.INSTANCE);
            final KafkaSink sink;
            try
            {
                sink = KafkaSink.start(bootstrap, new SinkSettings(ALERTS_TOPIC, WINDOWS_TOPIC, LATE_TOPIC,
                    KafkaFormat.JSON, "vigil-demo-sink", "vigil-demo-sink-position", 100_000_000L, 10_000, 256),
                    Map.of(), SinkFeeds.journal(config, Path.of(config.get(Settings.DATA_DIR)).resolve("journal")),
                    sinkCounters, SystemNanoClock.INSTANCE);
            }
            catch (final RuntimeException ex)
            {
                source.close();
                throw ex;
            }
            // Measured from here: connecting to Kafka and fencing earlier transactions are not throughput.
            final long startNs = System.nanoTime();
            final ConnectorThread sourceThread = new ConnectorThread("vigil-kafka-source", source::doWork, () ->
            {
                source.drain(STOP_TIMEOUT_NS);
                source.close();
            }, failure);
            final ConnectorThread sinkThread = new ConnectorThread("vigil-kafka-sink", sink::doWork, () ->
            {
                sink.flush();
                sink.close();
            }, failure);
            sourceThread.start();
            sinkThread.start();

            out.println("  first alerts on " + ALERTS_TOPIC + ", read committed:");
            final long[] doneNs = watch(out, bootstrap, engine, sourceCounters, sinkCounters, bad, startNs,
                timeoutNs, failure);
            sourceThread.finish();
            sinkThread.finish();
            return report(out, bootstrap, ruleSet, engine.counters(), sourceCounters, sinkCounters, bad, startNs,
                doneNs, failure.get());
        }
    }

    /**
     * Print the first alerts as the sink commits them, until every event is decided and every output written.
     *
     * @return when the last event was decided and when the last output was committed; 0 when not in time.
     */
    private long[] watch(
        final PrintStream out,
        final String bootstrap,
        final VigilEngine engine,
        final KafkaCounters sourceCounters,
        final KafkaCounters sinkCounters,
        final int bad,
        final long startNs,
        final long timeoutNs,
        final AtomicReference<Throwable> failure)
    {
        final long[] doneNs = new long[2];
        int shown = 0;
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
        try (KafkaConsumer<byte[], byte[]> alerts = committedReader(bootstrap))
        {
            final TopicPartition partition = new TopicPartition(ALERTS_TOPIC, 0);
            alerts.assign(List.of(partition));
            alerts.seekToBeginning(List.of(partition));
            while (System.nanoTime() - startNs < timeoutNs && failure.get() == null)
            {
                if (shown < show)
                {
                    for (final ConsumerRecord<byte[], byte[]> alert : alerts.poll(Duration.ofMillis(20)))
                    {
                        if (shown++ < show)
                        {
                            out.println("    " + new String(alert.value(), StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                }
                final long nowNs = System.nanoTime();
                if (doneNs[0] == 0 && decidedOrBad(sourceCounters) == events + bad)
                {
                    doneNs[0] = nowNs;
                }
                if (doneNs[0] != 0 && doneNs[1] == 0 &&
                    sinkCounters.get(KafkaCounters.Counter.SINK_OUTPUTS_OUT) == outputsMade(engine.counters()))
                {
                    doneNs[1] = nowNs;
                    break;
                }
                idle.idle(shown < show ? 1 : 0);
            }
        }
        return doneNs;
    }

    private int report(
        final PrintStream out,
        final String bootstrap,
        final RuleSet ruleSet,
        final EngineCounters engineCounters,
        final KafkaCounters sourceCounters,
        final KafkaCounters sinkCounters,
        final int bad,
        final long startNs,
        final long[] doneNs,
        final Throwable failure)
    {
        final TreeMap<String, Integer> verdicts = new TreeMap<>();
        final Set<String> decided = new HashSet<>();
        int decisions = 0;
        for (final ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, DECISIONS_TOPIC))
        {
            decisions++;
            decided.add(header(record, KafkaSource.SOURCE_PARTITION_HEADER) + "/" +
                header(record, KafkaSource.SOURCE_OFFSET_HEADER));
            final Matcher verdict = VERDICT.matcher(new String(record.value(), StandardCharsets.UTF_8));
            verdicts.merge(verdict.find() ? verdict.group(1) : "?", 1, Integer::sum);
        }
        final TreeMap<String, Integer> deadReasons = new TreeMap<>();
        for (final ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, DEAD_LETTER_TOPIC))
        {
            deadReasons.merge(header(record, KafkaSource.ERROR_REASON_HEADER), 1, Integer::sum);
        }
        final long[] alertsByRule = new long[64];
        int alerts = 0;
        for (final ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, ALERTS_TOPIC))
        {
            alerts++;
            final Matcher rule = RULE_ID.matcher(new String(record.value(), StandardCharsets.UTF_8));
            if (rule.find())
            {
                alertsByRule[Integer.parseInt(rule.group(1))]++;
            }
        }
        final int windows = readAll(bootstrap, WINDOWS_TOPIC).size();
        final int late = readAll(bootstrap, LATE_TOPIC).size();

        out.printf(Locale.ROOT, "  decided   %,d of %,d events, once each (%,d decisions on %s, %,d distinct " +
            "inputs):", events, events, decisions, DECISIONS_TOPIC, decided.size());
        verdicts.forEach((verdict, count) -> out.printf(Locale.ROOT, "  %s %,d", verdict.toLowerCase(Locale.ROOT),
            count));
        out.println();
        out.println("  dead      " + deadReasons + " on " + DEAD_LETTER_TOPIC);
        final StringBuilder byRule = new StringBuilder();
        for (final Rule rule : ruleSet.rules())
        {
            byRule.append(String.format(Locale.ROOT, "  %s %,d", rule.name(), alertsByRule[rule.id()]));
        }
        out.printf(Locale.ROOT, "  alerts    %,d on %s (the engine raised %,d):%s%n", alerts, ALERTS_TOPIC,
            engineCounters.get(EngineCounter.ALERTS_RAISED).get(), byRule);
        out.printf(Locale.ROOT, "  windows   %,d window results on %s, %,d late events on %s%n", windows,
            WINDOWS_TOPIC, late, LATE_TOPIC);
        if (doneNs[1] != 0)
        {
            final double decidedS = (doneNs[0] - startNs) / 1e9;
            final double writtenS = (doneNs[1] - startNs) / 1e9;
            out.printf(Locale.ROOT, "  rate      %,d events decided in %.2f s (%,.0f/s) through source and engine; " +
                "every output committed by %.2f s (%,.0f events/s end to end)%n", events, decidedS,
                events / decidedS, writtenS, events / writtenS);
        }
        out.println("  " + sourceCounters.statusLine());
        out.println("  " + sinkCounters.statusLine());

        final boolean exact = decisions == events && decided.size() == events &&
            alerts + windows + late == outputsMade(engineCounters) &&
            deadReasons.values().stream().mapToInt(Integer::intValue).sum() == bad;
        if (failure != null)
        {
            out.println("PROBLEM: " + failure);
            return VigilMain.EXIT_PROBLEM;
        }
        if (doneNs[1] == 0 || !exact)
        {
            out.println("PROBLEM: " + (doneNs[1] == 0 ? "not done within " + timeout + "; " : "") +
                "decisions " + decisions + " for " + events + " events, outputs " + (alerts + windows + late) +
                " of " + outputsMade(engineCounters));
            return VigilMain.EXIT_PROBLEM;
        }
        out.println("vigil kafka demo: lost 0, duplicated 0");
        return VigilMain.EXIT_OK;
    }

    private void createTopics(final String bootstrap)
    {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))
        {
            final List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(EVENTS_TOPIC, partitions, (short)1));
            for (final String topic : List.of(DECISIONS_TOPIC, DEAD_LETTER_TOPIC, ALERTS_TOPIC, WINDOWS_TOPIC,
                LATE_TOPIC))
            {
                topics.add(new NewTopic(topic, 1, (short)1));
            }
            admin.createTopics(topics).all().get();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("creating the demo's topics failed: " + ex.getCause(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return bad records written among the events.
     * @throws IllegalStateException when the broker did not take every record.
     */
    private int produceEvents(final String bootstrap, final long eventStepNs)
    {
        final DemoTraffic traffic = new DemoTraffic(seed, accounts, eventStepNs);
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        final Callback onSent = (metadata, exception) ->
        {
            if (exception != null)
            {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, exception);
            }
        };
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer()))
        {
            for (int i = 0; i < events; i++)
            {
                final byte[] key = ("account-" + traffic.nextAccount()).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(EVENTS_TOPIC, key,
                    traffic.nextJson().getBytes(StandardCharsets.UTF_8)), onSent);
                if (i == events / 3)
                {
                    producer.send(new ProducerRecord<>(EVENTS_TOPIC, bytes("bad-1"), bytes("{\"event_time\": 1,")),
                        onSent);
                }
                if (i == 2 * events / 3)
                {
                    producer.send(new ProducerRecord<>(EVENTS_TOPIC, bytes("bad-2"),
                        bytes("{\"event_time\":1,\"type\":\"transaction\",\"acount\":7}")), onSent);
                }
            }
            producer.flush();
        }
        if (failed.get() > 0)
        {
            throw new IllegalStateException("the broker did not take " + failed.get() + " of the demo's records: " +
                firstFailure.get());
        }
        return 2;
    }

    private static long decidedOrBad(final KafkaCounters counters)
    {
        return counters.get(KafkaCounters.Counter.SOURCE_DECIDED) +
            counters.get(KafkaCounters.Counter.SOURCE_BAD_UNPARSEABLE) +
            counters.get(KafkaCounters.Counter.SOURCE_BAD_INVALID_EVENT) +
            counters.get(KafkaCounters.Counter.SOURCE_BAD_SBE) +
            counters.get(KafkaCounters.Counter.SOURCE_BAD_REJECTED);
    }

    /**
     * @return alerts, window results and late events the engine has made so far.
     */
    static long outputsMade(final EngineCounters counters)
    {
        long made = counters.get(EngineCounter.ALERTS_RAISED).get();
        for (final CounterMetric metric : counters.metrics())
        {
            if (metric.family().equals("vigil_window_results_total") ||
                metric.family().equals("vigil_window_late_events_total"))
            {
                made += metric.value();
            }
        }
        return made;
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(final String bootstrap)
    {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(final String bootstrap, final String topic)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap))
        {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            final long deadlineNs = System.nanoTime() + STOP_TIMEOUT_NS * 3;
            while (consumer.position(partition) < end && System.nanoTime() < deadlineNs)
            {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return records;
        }
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name)
    {
        final Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Path createTempDir()
    {
        try
        {
            return Files.createTempDirectory("vigil-kafka-demo-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Runs a connector's duty cycle on a thread of its own until asked to finish, then its clean stop.
     */
    private static final class ConnectorThread extends Thread
    {
        private final IntSupplier dutyCycle;
        private final Runnable stop;
        private final AtomicReference<Throwable> failure;
        private volatile boolean running = true;

        ConnectorThread(
            final String name, final IntSupplier dutyCycle, final Runnable stop,
            final AtomicReference<Throwable> failure)
        {
            super(name);
            this.dutyCycle = dutyCycle;
            this.stop = stop;
            this.failure = failure;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
            try
            {
                while (running)
                {
                    idle.idle(dutyCycle.getAsInt());
                }
            }
            catch (final RuntimeException ex)
            {
                failure.compareAndSet(null, ex);
            }
            finally
            {
                stop.run();
            }
        }

        void finish()
        {
            running = false;
            try
            {
                join(3 * STOP_TIMEOUT_NS / 1_000_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
