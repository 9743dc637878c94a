package dev.vigil.app.session;

import dev.vigil.app.config.AddressRanges;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import io.aeron.ChannelUri;
import org.agrona.SystemUtil;
import org.agrona.collections.IntHashSet;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds each client's reply channel from what the engine allows, never taking the client's channel as it is. The
 * client's {@code Connect} only says where it would like its replies:
 * <ul>
 *     <li>UDP: replies go to the address the {@code Connect} came from, at the port the client named; a host name in
 *     the client's endpoint is not looked up. A literal address other than the source is allowed only when it lies
 *     in {@code reply.allowed.hosts}; a multicast address never.</li>
 *     <li>IPC: only for a client on the engine's host (its {@code Connect} came over IPC or from a local address).</li>
 *     <li>Parameters: only {@code term-length} (a power of two from 64 KiB to {@code reply.term.length.max}) and
 *     {@code mtu} (a multiple of 32 from 1,024 to 65,504); anything else refuses the channel.</li>
 *     <li>Never the engine's own: a UDP port of its ingress, alerts or admin channel on this host, or an IPC stream
 *     one of them uses.</li>
 * </ul>
 * Parsing asks no DNS and never throws: a string that is not an Aeron URI is refused like any other bad channel.
 */
public final class ReplyChannelPolicy
{
    /** Smallest term length a client may ask for. */
    public static final int MIN_TERM_LENGTH = 64 * 1024;
    /** Smallest MTU a client may ask for. */
    public static final int MIN_MTU = 1024;
    /** Largest MTU a client may ask for: Aeron's largest UDP payload. */
    public static final int MAX_MTU = 65_504;

    private static final String ENDPOINT = "endpoint";
    private static final String TERM_LENGTH = "term-length";
    private static final String MTU = "mtu";
    private static final List<String> ALLOWED_PARAMETERS = List.of(ENDPOINT, TERM_LENGTH, MTU);
    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    /**
     * What the policy made of a requested channel: the channel the engine will publish on, or why not.
     *
     * @param channel the reply channel to add, null when refused.
     * @param refusal why it was refused, null when allowed.
     * @param detail  what exactly was refused, for the error log; null when allowed.
     */
    public record Result(String channel, ConnectRefusal refusal, String detail)
    {
        static Result allowed(final String channel)
        {
            return new Result(channel, null, null);
        }

        static Result refused(final ConnectRefusal refusal, final String detail)
        {
            return new Result(null, refusal, detail);
        }

        /**
         * @return true when the channel may be used.
         */
        public boolean isAllowed()
        {
            return channel != null;
        }
    }

    private final AddressRanges allowedHosts;
    private final int maxTermLength;
    private final IntHashSet reservedUdpPorts;
    private final IntHashSet reservedIpcStreams;
    private final List<byte[]> localAddresses;

    /**
     * @param allowedHosts       hosts other than a client's own that replies may go to.
     * @param maxTermLength      largest term length a client may ask for.
     * @param reservedUdpPorts   UDP ports of the engine's own channels, never a reply's on this host.
     * @param reservedIpcStreams IPC streams of the engine's own channels, never a reply's.
     * @param localAddresses     this host's addresses, loopback aside.
     */
    public ReplyChannelPolicy(
        final AddressRanges allowedHosts,
        final int maxTermLength,
        final Set<Integer> reservedUdpPorts,
        final Set<Integer> reservedIpcStreams,
        final List<byte[]> localAddresses)
    {
        this.allowedHosts = allowedHosts;
        this.maxTermLength = maxTermLength;
        this.reservedUdpPorts = new IntHashSet();
        this.reservedUdpPorts.addAll(reservedUdpPorts);
        this.reservedIpcStreams = new IntHashSet();
        this.reservedIpcStreams.addAll(reservedIpcStreams);
        this.localAddresses = List.copyOf(localAddresses);
    }

    /**
     * @param config the engine's configuration: its channels and the reply settings.
     * @return the policy for that engine on this host.
     */
    public static ReplyChannelPolicy of(final VigilConfig config)
    {
        final Set<Integer> udpPorts = new HashSet<>();
        final Set<Integer> ipcStreams = new HashSet<>();
        reserve(config.get(Settings.INGRESS_CHANNEL), config.getInt(Settings.INGRESS_STREAM_ID), udpPorts, ipcStreams);
        reserve(config.get(Settings.ALERTS_CHANNEL), config.getInt(Settings.ALERTS_STREAM_ID), udpPorts, ipcStreams);
        reserve(config.get(Settings.ADMIN_CHANNEL), config.getInt(Settings.ADMIN_STREAM_ID), udpPorts, ipcStreams);
        return new ReplyChannelPolicy(
            AddressRanges.parse(config.get(Settings.REPLY_ALLOWED_HOSTS)),
            config.getInt(Settings.REPLY_TERM_LENGTH_MAX),
            udpPorts,
            ipcStreams,
            hostAddresses());
    }

    /**
     * @param requestedChannel the channel the client's Connect named.
     * @param streamId         the stream it named.
     * @param sourceIdentity   where the Connect came from, as Aeron names an image's source.
     * @return the channel to publish replies on, or why there is none.
     */
    public Result replyChannel(final String requestedChannel, final int streamId, final String sourceIdentity)
    {
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(requestedChannel);
        }
        catch (final RuntimeException ex)
        {
            return Result.refused(ConnectRefusal.BAD_REPLY_CHANNEL, "not an Aeron channel: " + ex.getMessage());
        }
        if (uri.prefix() != null && !uri.prefix().isEmpty())
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED, "prefix '" + uri.prefix() + "'");
        }
        final List<String> notAllowed = new ArrayList<>();
        uri.forEachParameter((name, value) ->
        {
            if (!ALLOWED_PARAMETERS.contains(name))
            {
                notAllowed.add(name);
            }
        });
        if (!notAllowed.isEmpty())
        {
            Collections.sort(notAllowed);
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED,
                "parameter(s) " + notAllowed + "; allowed: " + TERM_LENGTH + ", " + MTU);
        }
        final StringBuilder parameters = new StringBuilder();
        final String badParameter = appendParameters(uri, parameters);
        if (badParameter != null)
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED, badParameter);
        }

        final byte[] source = sourceAddress(sourceIdentity);
        if (uri.isIpc())
        {
            return ipc(uri, streamId, source, parameters);
        }
        if (uri.isUdp())
        {
            return udp(uri, source, parameters);
        }
        return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED, "media '" + uri.media() + "'");
    }

    private Result ipc(final ChannelUri uri, final int streamId, final byte[] source, final StringBuilder parameters)
    {
        if (uri.containsKey(ENDPOINT))
        {
            return Result.refused(ConnectRefusal.BAD_REPLY_CHANNEL, "an IPC channel has no endpoint");
        }
        if (!isLocal(source))
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED,
                "IPC replies are only for clients on the engine's host");
        }
        if (reservedIpcStreams.contains(streamId))
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_RESERVED, "IPC stream " + streamId);
        }
        return Result.allowed("aeron:ipc" + (parameters.length() == 0 ? "" : "?" + parameters.substring(1)));
    }

    private Result udp(final ChannelUri uri, final byte[] source, final StringBuilder parameters)
    {
        final String endpoint = uri.get(ENDPOINT);
        final int portColon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (portColon <= 0)
        {
            return Result.refused(ConnectRefusal.BAD_REPLY_CHANNEL, "a UDP reply channel needs endpoint=host:port");
        }
        final int port = parsePort(endpoint.substring(portColon + 1));
        if (port <= 0)
        {
            return Result.refused(ConnectRefusal.BAD_REPLY_CHANNEL,
                "endpoint port '" + endpoint.substring(portColon + 1) + "' is not from 1 to 65535");
        }

        final byte[] named = AddressRanges.literal(endpoint.substring(0, portColon));
        final byte[] target;
        if (named == null || Arrays.equals(named, source))
        {
            // A host name, or the source itself: replies go where the Connect came from, without asking DNS.
            target = source;
        }
        else if (isMulticast(named))
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED, "multicast " + endpoint);
        }
        else if (allowedHosts.contains(named) || (isLoopback(named) && isLoopback(source)))
        {
            target = named;
        }
        else
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_NOT_ALLOWED,
                "host " + endpoint.substring(0, portColon) + " is not where the Connect came from and not in " +
                Settings.REPLY_ALLOWED_HOSTS.name());
        }
        if (isLocal(target) && reservedUdpPorts.contains(port))
        {
            return Result.refused(ConnectRefusal.REPLY_CHANNEL_RESERVED, "UDP port " + port + " on this host");
        }
        return Result.allowed("aeron:udp?endpoint=" + hostText(target) + ":" + port + parameters);
    }

    /**
     * Copies the allowed tuning parameters within bounds.
     *
     * @return null when all are within bounds, else what is not.
     */
    private String appendParameters(final ChannelUri uri, final StringBuilder parameters)
    {
        final String termLength = uri.get(TERM_LENGTH);
        if (termLength != null)
        {
            final long length = parseSize(termLength);
            if (length < MIN_TERM_LENGTH || length > maxTermLength || Long.bitCount(length) != 1)
            {
                return TERM_LENGTH + "=" + termLength + ": a power of two from 64k to " + maxTermLength + " (" +
                    Settings.REPLY_TERM_LENGTH_MAX.name() + ")";
            }
            parameters.append('|').append(TERM_LENGTH).append('=').append(length);
        }
        final String mtu = uri.get(MTU);
        if (mtu != null)
        {
            final long length = parseSize(mtu);
            if (length < MIN_MTU || length > MAX_MTU || length % 32 != 0)
            {
                return MTU + "=" + mtu + ": a multiple of 32 from " + MIN_MTU + " to " + MAX_MTU;
            }
            parameters.append('|').append(MTU).append('=').append(length);
        }
        return null;
    }

    private boolean isLocal(final byte[] address)
    {
        if (address == null)
        {
            // Only an IPC source has no address, and IPC is only ever local.
            return true;
        }
        if (isLoopback(address))
        {
            return true;
        }
        for (final byte[] local : localAddresses)
        {
            if (Arrays.equals(local, address))
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] sourceAddress(final String sourceIdentity)
    {
        // An IPC client shares the engine's host: its replies, if UDP, go to loopback.
        return sourceIdentity.startsWith("aeron:ipc") ? null : AddressRanges.sourceAddress(sourceIdentity);
    }

    private static boolean isLoopback(final byte[] address)
    {
        if (address == null)
        {
            return true;
        }
        if (address.length == 4)
        {
            return address[0] == 127;
        }
        for (int i = 0; i < 15; i++)
        {
            if (address[i] != 0)
            {
                return false;
            }
        }
        return address[15] == 1;
    }

    private static boolean isMulticast(final byte[] address)
    {
        return address.length == 4 ? (address[0] & 0xF0) == 0xE0 : (address[0] & 0xFF) == 0xFF;
    }

    private static String hostText(final byte[] address)
    {
        final byte[] target = address == null ? LOOPBACK : address;
        try
        {
            // From bytes: no lookup.
            final String text = InetAddress.getByAddress(target).getHostAddress();
            return target.length == 16 ? "[" + text + "]" : text;
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("an address of " + target.length + " bytes", ex);
        }
    }

    private static int parsePort(final String text)
    {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit))
        {
            return -1;
        }
        final int port = Integer.parseInt(text);
        return port <= 65535 ? port : -1;
    }

    private static long parseSize(final String text)
    {
        try
        {
            return SystemUtil.parseSize("reply channel parameter", text);
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    private static void reserve(
        final String channel, final int streamId, final Set<Integer> udpPorts, final Set<Integer> ipcStreams)
    {
        final ChannelUri uri = ChannelUri.parse(channel);
        if (uri.isIpc())
        {
            ipcStreams.add(streamId);
            return;
        }
        for (final String key : List.of(ENDPOINT, "control"))
        {
            final String address = uri.get(key);
            final int portColon = address == null ? -1 : address.lastIndexOf(':');
            if (portColon > 0)
            {
                final int port = parsePort(address.substring(portColon + 1));
                if (port > 0)
                {
                    udpPorts.add(port);
                }
            }
        }
    }

    private static List<byte[]> hostAddresses()
    {
        final List<byte[]> addresses = new ArrayList<>();
        try
        {
            for (final NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces()))
            {
                for (final InetAddress address : Collections.list(networkInterface.getInetAddresses()))
                {
                    addresses.add(address.getAddress());
                }
            }
        }
        catch (final SocketException ex)
        {
            // Without the list only loopback counts as local: the reserved-port check still covers the default.
        }
        return addresses;
    }
}
