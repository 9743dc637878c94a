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
    /** Aeron refuses to start with a buffer smaller than a receiver window. */
    static final int LEAST = Configuration.INITIAL_WINDOW_LENGTH_DEFAULT;
    /** Asked for first, to learn how the OS reports a size it granted: every OS allows this much. */
    private static final int PROBE = 64 * 1024;

    private final int requested;
    private final int allowed;
    private final String probeFailure;

    private UdpReceiveBuffer(final int requested, final int allowed, final String probeFailure)
    {
        this.requested = requested;
        this.allowed = allowed;
        this.probeFailure = probeFailure;
    }

    /**
     * @param requested bytes asked for.
     * @return what the OS grants a socket asking for that many bytes.
     */
    static UdpReceiveBuffer probe(final int requested)
    {
        try (DatagramChannel probe = DatagramChannel.open())
        {
            // Linux reports twice the size it granted on some JDKs: learn the factor from a size it surely grants.
            probe.setOption(StandardSocketOptions.SO_RCVBUF, PROBE);
            final int factor = Math.max(1, probe.getOption(StandardSocketOptions.SO_RCVBUF) / PROBE);
            probe.setOption(StandardSocketOptions.SO_RCVBUF, requested);
            return new UdpReceiveBuffer(requested, probe.getOption(StandardSocketOptions.SO_RCVBUF) / factor, null);
        }
        catch (final IOException ex)
        {
            return new UdpReceiveBuffer(requested, LEAST, ex.toString());
        }
    }

    /**
     * @return bytes to give the driver's sockets: what was asked as far as the OS allows it, and never less than a
     * receiver window.
     */
    int granted()
    {
        return Math.max(LEAST, Math.min(requested, allowed));
    }

    /**
     * @return a line for the start-up report when the driver gets less than asked, else empty.
     */
    String shortfall()
    {
        if (probeFailure != null)
        {
            return "UDP receive buffer " + granted() / 1024 + " KiB: the OS could not be asked for " +
                "aeron.socket.rcvbuf " + requested / 1024 + " KiB (" + probeFailure + ")";
        }
        if (allowed >= requested)
        {
            return "";
        }
        return "UDP receive buffer " + granted() / 1024 + " KiB of aeron.socket.rcvbuf " + requested / 1024 +
            " KiB: the OS allows no more (net.core.rmem_max on Linux); raise that limit for dozens of clients";
    }
}
