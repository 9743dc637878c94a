package dev.vigil.perf;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * Local resources for a harness run: free UDP ports on the loopback interface and private Aeron directories, so a
 * run never touches another engine's ports or driver and never leaves the host.
 */
final class LocalResources
{
    private static final long PAUSE_NS = 1_000_000L;

    private LocalResources()
    {
    }

    /**
     * @return a UDP port on 127.0.0.1 that was free a moment ago.
     */
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

    /**
     * @param topology what runs in the directory.
     * @param rate     request rate of the run.
     * @return a directory name private to this process and run, on /dev/shm where there is one.
     */
    static String privateAeronDir(final String topology, final int rate)
    {
        final File shm = new File("/dev/shm");
        final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return new File(base, "vigil-perf-" + ProcessHandle.current().pid() + "-" + topology + "-" + rate).getPath();
    }

    /**
     * Wait a little while setting up, without spinning.
     */
    static void pause()
    {
        LockSupport.parkNanos(PAUSE_NS);
    }
}
