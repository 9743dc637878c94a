package dev.vigil.app.engine;

import io.aeron.driver.Configuration;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/**
 * The receive buffer of the embedded driver's UDP sockets, as large as asked where the OS allows it.
 * <p>
 * Every client may have a receiver window in flight to the engine (Aeron's default, 128 KiB). While the engine's
 * thread is busy elsewhere (in the shared profile it also runs the driver), what they send waits in this buffer, and
 * what does not fit is lost. The receiver then asks for it again (NAKs, every microsecond per gap by default), and
 * with a few dozen clients behind Aeron's default buffer (also 128 KiB) those requests crowded out the status
 * messages the clients' publications live on, until they reported themselves not connected.
 */
final class UdpReceiveBuffer
{
    private final int requested;
    private final int granted;

    private UdpReceiveBuffer(final int requested, final int granted)
    {
        this.requested = requested;
        this.granted = granted;
    }

    /**
     * @param requested bytes asked for.
     * @return the buffer the OS grants a socket asking for that many bytes, never more than asked.
     */
    static UdpReceiveBuffer probe(final int requested)
    {
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.setOption(StandardSocketOptions.SO_RCVBUF, requested);
            final int granted = probe.getOption(StandardSocketOptions.SO_RCVBUF);
            return new UdpReceiveBuffer(requested, Math.min(requested, granted));
        }
        catch (final IOException ex)
        {
            return new UdpReceiveBuffer(requested, Configuration.SOCKET_RCVBUF_LENGTH_DEFAULT);
        }
    }

    /**
     * @return bytes to give the driver's sockets: what the OS grants, so the driver has nothing to warn about.
     */
    int granted()
    {
        return granted;
    }

    /**
     * @return a line for the start-up report when the OS grants less than asked, else empty.
     */
    String shortfall()
    {
        if (granted >= requested)
        {
            return "";
        }
        return "UDP receive buffer " + granted / 1024 + " KiB of aeron.socket.rcvbuf " + requested / 1024 +
            " KiB: the OS allows no more (net.core.rmem_max on Linux); raise that limit for dozens of clients";
    }
}
