package dev.vigil.app.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UDP ports free on loopback for members started on this host (the demo, tests), taken below the kernel's
 * ephemeral range: a port the kernel hands out for a bind to port 0 (every replication and response channel of
 * every member and client does that) would be free when chosen and taken by the time the member binds it.
 */
public final class LoopbackPorts
{
    /** Below Linux's default ephemeral range, 32768-60999. */
    static final int FIRST = 20_000;
    static final int LAST = 32_000;
    private static final int ATTEMPTS = 100;

    private LoopbackPorts()
    {
    }

    /**
     * @param count ports wanted.
     * @return that many consecutive ports, each bindable on loopback now.
     * @throws IllegalStateException when no such run is found.
     */
    public static int[] reserve(final int count)
    {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            final int base = ThreadLocalRandom.current().nextInt(FIRST, LAST - count);
            if (allFree(base, count))
            {
                final int[] ports = new int[count];
                for (int i = 0; i < count; i++)
                {
                    ports[i] = base + i;
                }
                return ports;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback UDP ports between " + FIRST + " and " + LAST);
    }

    private static boolean allFree(final int base, final int count)
    {
        for (int port = base; port < base + count; port++)
        {
            try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress()))
            {
                socket.getLocalPort();
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
    }
}
