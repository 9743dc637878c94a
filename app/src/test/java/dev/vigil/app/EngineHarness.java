package dev.vigil.app;

import dev.vigil.app.config.RulesFiles;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RecoveryProgress;
import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.client.VigilClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * Starts a real engine with its embedded media driver on loopback, on free ports and a private Aeron directory,
 * for end-to-end tests; collects errors from the engine's threads so tests can assert there were none.
 */
public final class EngineHarness implements AutoCloseable
{
    /** Records the default rules take at the head of a fresh engine's journal, before the first event. */
    public static final int DEFAULT_RULES_RECORDS = RulesUpdateFrames.encode(
        RulesFiles.readText(Path.of(RulesFiles.DEFAULT_PATH)), 0, Integer.parseInt(
        Settings.FRAME_MAX_LENGTH.defaultValue())).size();

    /**
     * Aeron timeouts of every engine the tests start (setting {@code aeron.timeout}; Aeron's default is 10 s): long
     * enough that a busy 2-core host, which may leave a thread unscheduled for seconds, never fails a test through a
     * driver or client timeout. Chosen in one place, the build's {@code vigil.test.aeron.timeout.seconds}, which also
     * sets the test clients' Aeron driver timeout; a test of the timeouts themselves overrides it.
     */
    public static final String AERON_TIMEOUT = System.getProperty("vigil.test.aeron.timeout", "60s");

    private final VigilEngine engine;
    private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final int ingressPort;
    private final int alertsPort;

    private EngineHarness(final Path dataDir, final RecoveryProgress recoveryProgress, final String... overrides)
    {
        ingressPort = freeUdpPort();
        alertsPort = freeUdpPort();
        VigilConfig.Builder builder = VigilConfig.builder()
            .set("aeron.dir", "/dev/shm/vigil-test-" + UUID.randomUUID(), "test")
            .set("data.dir", dataDir.toString(), "test")
            .set("aeron.timeout", AERON_TIMEOUT, "test")
            // Tests use few keys; the default 65,536 would take ~80 MB of rule state per engine.
            .set("rules.max.keys", "4096", "test")
            .set("ingress.channel", "aeron:udp?endpoint=localhost:" + ingressPort, "test")
            .set("alerts.channel", "aeron:udp?control=localhost:" + alertsPort + "|control-mode=dynamic", "test");
        for (final String override : overrides)
        {
            builder = builder.override(override);
        }
        engine = VigilEngine.launch(builder.build(), errors::add, recoveryProgress);
    }

    /**
     * @param dataDir   the engine's data directory.
     * @param overrides {@code setting=value} overrides.
     * @return a running engine.
     */
    public static EngineHarness start(final Path dataDir, final String... overrides)
    {
        return new EngineHarness(dataDir, RecoveryProgress.NONE, overrides);
    }

    /**
     * Start an engine whose embedded media driver also takes Aeron driver properties the engine has no setting for,
     * e.g. {@code aeron.image.liveness.timeout}, so a test of what follows an Aeron timeout need not wait out
     * Aeron's default. The driver reads them as its context is made, during the start: they are set for the start
     * only and restored after (tests do not run in parallel).
     *
     * @param dataDir          the engine's data directory.
     * @param driverProperties Aeron system properties, name to value.
     * @param overrides        {@code setting=value} overrides.
     * @return a running engine.
     */
    public static EngineHarness startWithDriverProperties(
        final Path dataDir, final Map<String, String> driverProperties, final String... overrides)
    {
        final Map<String, String> previous = new HashMap<>();
        driverProperties.forEach((name, value) -> previous.put(name, System.setProperty(name, value)));
        try
        {
            return new EngineHarness(dataDir, RecoveryProgress.NONE, overrides);
        }
        finally
        {
            previous.forEach((name, value) ->
            {
                if (value == null)
                {
                    System.clearProperty(name);
                }
                else
                {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /**
     * @param dataDir          the engine's data directory.
     * @param recoveryProgress told what recovery does, on the starting thread.
     * @param overrides        {@code setting=value} overrides.
     * @return a running engine.
     */
    public static EngineHarness start(
        final Path dataDir, final RecoveryProgress recoveryProgress, final String... overrides)
    {
        return new EngineHarness(dataDir, recoveryProgress, overrides);
    }

    public VigilEngine engine()
    {
        return engine;
    }

    public Queue<Throwable> errors()
    {
        return errors;
    }

    public String ingressChannel()
    {
        return "aeron:udp?endpoint=localhost:" + ingressPort;
    }

    public int ingressPort()
    {
        return ingressPort;
    }

    public String alertSubscriptionChannel()
    {
        return "aeron:udp?endpoint=localhost:0|control=localhost:" + alertsPort + "|control-mode=dynamic";
    }

    /**
     * @param clientId the client's id.
     * @return a client context pointing at this engine.
     */
    public VigilClient.Context clientContext(final long clientId)
    {
        return new VigilClient.Context()
            .aeronDirectoryName(engine.aeronDirectoryName())
            .ingressChannel(ingressChannel())
            .clientId(clientId);
    }

    /**
     * @param clientId the client's id.
     * @return a connected client.
     */
    public VigilClient connect(final long clientId)
    {
        return VigilClient.connect(clientContext(clientId));
    }

    /**
     * Spin on a condition, doing work between checks, until it holds or the deadline passes.
     *
     * @param condition what to wait for.
     * @param work      done between checks (e.g. polling a client).
     * @param timeoutMs bound on the wait.
     * @return true when the condition held in time.
     */
    public static boolean await(final BooleanSupplier condition, final Runnable work, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                return false;
            }
            work.run();
            Thread.yield();
        }
        return true;
    }

    @Override
    public void close()
    {
        engine.close();
    }

    static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
