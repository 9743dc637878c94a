package dev.vigil.app.kafka;

import dev.vigil.app.cluster.LoopbackPorts;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process, no ZooKeeper) on loopback ports,
 * with its data in one directory: for the tests and {@code vigil kafka demo}, never for production.
 * <p>
 * It needs the broker's classes ({@code kafka_2.13} and its dependencies), which the engine's class path does not
 * carry: the build copies them to {@code app/target/lib-kafka}, and the demo runs {@link #main} in a JVM of its own
 * with that folder on its class path. Internal topics have one partition and one replica, so a transactional producer
 * or a consumer group is ready in moments instead of after 50 partitions are created.
 */
public final class LocalKafkaBroker implements AutoCloseable
{
    /** What {@link #main} prints once the broker takes connections: this, then host:port. */
    public static final String READY_LINE = "vigil kafka broker listening on ";

    private static final long READY_TIMEOUT_MS = 60_000;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private boolean closed;

    private LocalKafkaBroker(final KafkaRaftServer server, final String bootstrapServers)
    {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Format the directory when it holds no broker yet, start the broker on free loopback ports, and wait until it
     * answers.
     *
     * @param dir where the broker keeps its logs and metadata; a directory of an earlier start is reused as it is.
     * @return the running broker.
     */
    public static LocalKafkaBroker start(final Path dir)
    {
        final int[] ports = LoopbackPorts.reserveTcp(2);
        return start(dir, ports[0], ports[1]);
    }

    /**
     * @param dir            where the broker keeps its logs and metadata.
     * @param port           the client listener's port on 127.0.0.1.
     * @param controllerPort the KRaft controller listener's port on 127.0.0.1.
     * @return the running broker, answering on {@code 127.0.0.1:port}.
     */
    public static LocalKafkaBroker start(final Path dir, final int port, final int controllerPort)
    {
        final KafkaConfig config = new KafkaConfig(properties(dir, port, controllerPort), false);
        format(config);
        final KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        final String bootstrap = "127.0.0.1:" + port;
        try
        {
            server.startup();
            awaitReady(bootstrap);
            return new LocalKafkaBroker(server, bootstrap);
        }
        catch (final RuntimeException ex)
        {
            server.shutdown();
            server.awaitShutdown();
            throw ex;
        }
    }

    /**
     * @return {@code 127.0.0.1:port}, for {@code bootstrap.servers}.
     */
    public String bootstrapServers()
    {
        return bootstrapServers;
    }

    /**
     * Stop the broker and wait until it has stopped.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /**
     * Run a broker until standard input closes (the parent process ended or closed it) or the JVM is stopped.
     * Arguments: {@code DIR [PORT CONTROLLER_PORT]}. Prints {@link #READY_LINE} and the address once it answers.
     *
     * @param args the directory, and optionally the two ports.
     * @throws IOException when standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final PrintStream out = System.out;
        if (args.length != 1 && args.length != 3)
        {
            System.err.println("usage: LocalKafkaBroker DIR [PORT CONTROLLER_PORT]");
            System.exit(2);
        }
        final Path dir = Path.of(args[0]);
        try (LocalKafkaBroker broker = args.length == 1 ?
            start(dir) : start(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2])))
        {
            out.println(READY_LINE + broker.bootstrapServers());
            out.flush();
            final InputStream in = System.in;
            while (in.read() >= 0)
            {
                // Anything written is ignored; the end of input is the signal to stop.
            }
        }
    }

    private static Properties properties(final Path dir, final int port, final int controllerPort)
    {
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Small segments and indexes: a test's broker holds little, and each segment preallocates its index files.
        props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        props.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        return props;
    }

    private static void format(final KafkaConfig config)
    {
        final Formatter formatter = new Formatter()
            .setPrintStream(new PrintStream(PrintStream.nullOutputStream(), false, StandardCharsets.UTF_8))
            .setNodeId(config.nodeId())
            .setWriteBootstrapSnapshot(true)
            .setClusterId(Uuid.randomUuid().toString())
            .setUnstableFeatureVersionsEnabled(false)
            .setIgnoreFormatted(true)
            .setControllerListenerName(config.controllerListenerNames().get(0))
            .setMetadataLogDirectory(config.metadataLogDir())
            .setHasDynamicQuorum(false);
        config.logDirs().forEach(formatter::addDirectory);
        try
        {
            Files.createDirectories(Path.of(config.metadataLogDir()));
            formatter.run();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("formatting the broker's storage in " + config.metadataLogDir() +
                " failed: " + ex.getMessage(), ex);
        }
    }

    private static void awaitReady(final String bootstrap)
    {
        try (Admin admin = Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)READY_TIMEOUT_MS)))
        {
            admin.describeCluster().nodes().get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("the local Kafka broker on " + bootstrap + " did not answer within " +
                READY_TIMEOUT_MS + " ms", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the local Kafka broker", ex);
        }
    }
}
