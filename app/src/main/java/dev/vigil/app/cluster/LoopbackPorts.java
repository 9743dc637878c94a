package dev.vigil.app.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UDP (and TCP) ports free on loopback for members and brokers started on this host (the demos, tests), taken below
 * the kernel's ephemeral range: a port the kernel hands out for a bind to port 0 (every replication and response
 * channel of every member and client does that) would be free when chosen and taken by the time the member binds it.
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
        return reserve(count, false);
    }

    /**
     * @param count TCP ports wanted, e.g. for a local Kafka broker's listeners.
     * @return that many consecutive ports, each bindable for TCP on loopback now.
     * @throws IllegalStateException when no such run is found.
     */
    public static int[] reserveTcp(final int count)
    {
        return reserve(count, true);
    }

    private static int[] reserve(final int count, final boolean tcp)
    {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            final int base = ThreadLocalRandom.current().nextInt(FIRST, LAST - count);
            if (tcp ? allFreeTcp(base, count) : allFree(base, count))
            {
                final int[] ports = new int[count];
                for (int i = 0; i < count; i++)
                {
                    ports[i] = base + i;
                }
                return ports;
            }
        }
        throw new IllegalStateException("no " + count + " free loopback " + (tcp ? "TCP" : "UDP") +
            " ports between " + FIRST + " and " + LAST);
    }

    private static boolean allFreeTcp(final int base, final int count)
    {
        for (int port = base; port < base + count; port++)
        {
            try (ServerSocket socket = new ServerSocket())
            {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
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
