package dev.vigil.app;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.VigilEngine;
import dev.vigil.client.VigilClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that fails at its last step releases everything it opened before: the journal's lock, the embedded
 * driver and its directory, the keyed state's files. The same data directory then starts and serves.
 */
@Timeout(120)
class EngineStartFailureTest
{
    @TempDir
    Path dataDir;

    @Test
    void aContextWithoutItsRequiredPartsIsRefusedBeforeAnythingOpens()
    {
        final ConfigException noConfig =
            assertThrows(ConfigException.class, () -> VigilEngine.launch(new VigilEngine.Context()));
        assertTrue(noConfig.getMessage().contains("needs a configuration"), noConfig.getMessage());
        final ConfigException noErrorHandler = assertThrows(ConfigException.class, () -> VigilEngine.launch(
            new VigilEngine.Context().config(VigilConfig.builder().override("data.dir=" + dataDir).build())));
        assertTrue(noErrorHandler.getMessage().contains("error handler"), noErrorHandler.getMessage());
        assertFalse(Files.exists(dataDir.resolve("journal")), "a refused context opened the journal");
    }

    @Test
    void aStartWhoseIngressCannotBindReleasesEverythingItOpened() throws IOException
    {
        final Path aeronDir = Path.of("/dev/shm/vigil-test-failed-start-" + UUID.randomUUID());
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            // Found only when the ingress subscription is added, after recovery.
            assertThrows(RuntimeException.class, () -> EngineHarness.start(dataDir, "aeron.dir=" + aeronDir,
                "ingress.channel=aeron:udp?endpoint=localhost:" + taken.getLocalPort()));
        }
        assertFalse(Files.exists(aeronDir), "the embedded driver's directory was left behind");
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient client = harness.connect(5))
        {
            assertTrue(client.isConnected());
        }
    }

    @Test
    void aStartThatFailsLateReleasesEverythingItOpened() throws IOException
    {
        final Path aeronDir = Path.of("/dev/shm/vigil-test-failed-start-" + UUID.randomUUID());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            // The metrics server starts last, after the journal, driver, state and recovery: its port is taken.
            final ConfigException failure = assertThrows(ConfigException.class, () -> EngineHarness.start(
                dataDir, "aeron.dir=" + aeronDir, "metrics.port=" + taken.getLocalPort()));
            assertTrue(failure.getMessage().startsWith("metrics.port=" + taken.getLocalPort()), failure.getMessage());
        }
        assertFalse(Files.exists(aeronDir), "the embedded driver's directory was left behind");

        // The journal's lock was released: the same data directory starts, recovers and serves.
        try (EngineHarness harness = EngineHarness.start(dataDir);
            VigilClient client = harness.connect(5))
        {
            assertTrue(client.isConnected());
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
        }
    }
}
