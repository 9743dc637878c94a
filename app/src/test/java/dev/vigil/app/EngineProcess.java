package dev.vigil.app;

import dev.vigil.client.VigilClient;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code vigil run} in a child JVM, with its own embedded media driver: a fresh Aeron directory and ports on each
 * {@link #start}, or those of a killed one on {@link #restart}, so that processes configured for it find it again.
 */
public final class EngineProcess implements AutoCloseable
{
    private static final long START_TIMEOUT_MS = 60_000;

    private final VigilProcess process;
    private final String aeronDir;
    private final int ingressPort;
    private final int alertsPort;

    private EngineProcess(final VigilProcess process, final String aeronDir, final int ingressPort,
        final int alertsPort)
    {
        this.process = process;
        this.aeronDir = aeronDir;
        this.ingressPort = ingressPort;
        this.alertsPort = alertsPort;
    }

    /**
     * Start an engine and wait until it runs ({@code Ctrl-C to stop.}); journal segments of 1 MiB and a snapshot
     * every 250 events unless the extra arguments set others.
     *
     * @param dataDir   its data directory.
     * @param extraArgs more arguments of {@code vigil run}, e.g. {@code --set name=value}.
     * @return the running engine.
     * @throws IOException          when the JVM cannot be started.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static EngineProcess start(final Path dataDir, final String... extraArgs)
        throws IOException, InterruptedException
    {
        return start(dataDir, "/dev/shm/vigil-crash-" + UUID.randomUUID(), EngineHarness.freeUdpPort(),
            EngineHarness.freeUdpPort(), extraArgs);
    }

    /**
     * Start an engine again in the Aeron directory and on the ports of one that was killed. Its directory is removed
     * first: a driver killed with SIGKILL leaves it looking alive for {@code aeron.driver.timeout}, and a new driver
     * would refuse it.
     *
     * @param killed    the engine that ran there, no longer running.
     * @param dataDir   its data directory.
     * @param extraArgs more arguments of {@code vigil run}.
     * @return the running engine.
     * @throws IOException          when the JVM cannot be started.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static EngineProcess restart(final EngineProcess killed, final Path dataDir, final String... extraArgs)
        throws IOException, InterruptedException
    {
        if (killed.process.isAlive())
        {
            throw new IllegalStateException("the engine still runs");
        }
        IoUtil.delete(new File(killed.aeronDir), true);
        return start(dataDir, killed.aeronDir, killed.ingressPort, killed.alertsPort, extraArgs);
    }

    private static EngineProcess start(final Path dataDir, final String aeronDir, final int ingressPort,
        final int alertsPort, final String... extraArgs) throws IOException, InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of("run",
            "--data-dir", dataDir.toString(),
            "--set", "aeron.dir=" + aeronDir,
            "--set", "aeron.timeout=" + EngineHarness.AERON_TIMEOUT,
            "--set", "ingress.channel=aeron:udp?endpoint=localhost:" + ingressPort,
            "--set", "alerts.channel=aeron:udp?control=localhost:" + alertsPort + "|control-mode=dynamic",
            "--set", "rules.max.keys=4096",
            "--set", "journal.segment.size=1048576",
            "--set", "snapshot.interval.events=250"));
        args.addAll(List.of(extraArgs));
        final VigilProcess process = VigilProcess.start(args);
        if (!process.awaitLine("Ctrl-C to stop.", START_TIMEOUT_MS))
        {
            process.kill();
            IoUtil.delete(new File(aeronDir), true);
            throw new AssertionError("engine process did not start:\n" + process.output());
        }
        return new EngineProcess(process, aeronDir, ingressPort, alertsPort);
    }

    public VigilClient.Context clientContext(final long clientId)
    {
        return new VigilClient.Context()
            .aeronDirectoryName(aeronDir)
            .ingressChannel(ingressChannel())
            .clientId(clientId);
    }

    public String aeronDir()
    {
        return aeronDir;
    }

    public String ingressChannel()
    {
        return "aeron:udp?endpoint=localhost:" + ingressPort;
    }

    public String alertSubscriptionChannel()
    {
        return "aeron:udp?endpoint=localhost:0|control=localhost:" + alertsPort + "|control-mode=dynamic";
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * Stop the engine with SIGTERM, as a service manager does.
     *
     * @return the process's exit status.
     * @throws InterruptedException when interrupted while waiting.
     */
    public int terminate() throws InterruptedException
    {
        return process.terminate();
    }

    /**
     * @return everything the process printed so far, start-up included.
     * @throws InterruptedException when interrupted while waiting for the last lines.
     */
    public String output() throws InterruptedException
    {
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        return process.output();
    }

    /**
     * SIGKILL: no shutdown of any kind.
     *
     * @throws InterruptedException when interrupted while waiting for it to die.
     */
    public void kill() throws InterruptedException
    {
        process.kill();
    }

    @Override
    public void close() throws InterruptedException
    {
        process.close();
        // A killed engine cannot remove its Aeron directory (tens of MB of /dev/shm): the test does.
        IoUtil.delete(new File(aeronDir), true);
    }
}
