package dev.vigil.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page's options: documented by {@code --help}, and a bad port, address or a port in use is a usage
 * error (exit 2) naming the setting, before or instead of a running engine.
 */
@Timeout(60)
class LivePageOptionsTest extends CommandLineTest
{
    @TempDir
    Path dataDir;

    @Test
    void helpDocumentsTheOption()
    {
        assertEquals(0, VigilMain.execute("run", "--help"));
        // Help wraps its lines: compare with whitespace collapsed.
        final String run = output().replaceAll("\\s+", " ");
        assertTrue(run.contains("--http-port=PORT serve the live page"), run);
        assertTrue(run.contains("0: off; http.bind sets the address, loopback by default)"), run);
        out.reset();
        assertEquals(0, VigilMain.execute("demo", "--help"));
        final String demo = output().replaceAll("\\s+", " ");
        assertTrue(demo.contains("serve the live page at http://127.0.0.1:PORT/ while the demo runs"), demo);
        assertTrue(demo.contains("--stay after the report, keep the engine and its live page up"), demo);
    }

    @Test
    void aPortOutOfRangeIsAUsageError()
    {
        assertEquals(2, VigilMain.execute("run", "--data-dir", dataDir.toString(), "--http-port", "70000"));
        assertTrue(errors().contains("setting 'http.port' has value '70000'; allowed: an integer in [0, 65535]"),
            errors());
        assertEquals(2, VigilMain.execute("run", "--data-dir", dataDir.toString(), "--http-port", "eighty"));
        assertTrue(errors().contains("--http-port"), errors());
        assertEquals(2, VigilMain.execute("demo", SMALL_STATE, "--http-port", "-1"));
        assertTrue(errors().contains("setting 'http.port' has value '-1'"), errors());
    }

    @Test
    void anAddressMustBeALiteralOne()
    {
        assertEquals(2, VigilMain.execute("run", "--data-dir", dataDir.toString(), "--http-port", "8080",
            "--set", "http.bind=example.com"));
        assertTrue(errors().contains("setting 'http.bind' has value 'example.com'; allowed: a literal IP address"),
            errors());
    }

    @Test
    void aPortInUseStopsTheStartWithAUsageError() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final int exit = VigilMain.execute("run", "--data-dir", dataDir.toString(),
                "--http-port", Integer.toString(taken.getLocalPort()),
                "--set", "aeron.dir=/dev/shm/vigil-test-" + UUID.randomUUID(),
                "--set", "rules.max.keys=4096",
                "--set", "ingress.channel=aeron:udp?endpoint=localhost:" + freeUdpPort(),
                "--set", "alerts.channel=aeron:udp?control=localhost:" + freeUdpPort() + "|control-mode=dynamic");
            assertEquals(2, exit, errors());
            assertTrue(errors().contains("http.bind=127.0.0.1, http.port=" + taken.getLocalPort() +
                ": cannot listen on 127.0.0.1:" + taken.getLocalPort()), errors());
        }
    }

    private static int freeUdpPort()
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
