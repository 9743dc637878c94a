package dev.vigil.app.config;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an engine start needs of its host, checked before anything starts so that each problem is a configuration
 * error naming the setting, the value and what is wrong, rather than a failure deep in the start:
 * <ul>
 *     <li>{@code rules.file} a readable file (the default may be missing: the bundled copy stands in);</li>
 *     <li>the UDP ports the engine binds free: the ingress endpoint and the alerts control address;</li>
 *     <li>{@code aeron.dir} a directory that can be created and written, when the media driver is embedded;</li>
 *     <li>{@code data.dir} too, created when missing as the start would, its journal, snapshots and state
 *     subdirectories not files.</li>
 * </ul>
 */
public final class StartChecks
{
    /** Subdirectories of {@code data.dir} an engine start uses. */
    private static final String[] DATA_SUBDIRECTORIES = {"journal", "snapshots", "state"};

    private StartChecks()
    {
    }

    /**
     * @param config the configuration about to start an engine.
     * @throws ConfigException naming the setting, the value and what is wrong with it.
     */
    public static void check(final VigilConfig config)
    {
        final Path rulesFile = Path.of(config.get(Settings.RULES_FILE));
        if (Files.exists(rulesFile) || !rulesFile.equals(Path.of(Settings.RULES_FILE.defaultValue())))
        {
            PathChecks.readableFile(Settings.RULES_FILE.name() + "=" + rulesFile, rulesFile);
        }
        checkUdpPortFree(config, Settings.INGRESS_CHANNEL, CommonContext.ENDPOINT_PARAM_NAME);
        checkUdpPortFree(config, Settings.ALERTS_CHANNEL, CommonContext.MDC_CONTROL_PARAM_NAME);
        if (config.getBoolean(Settings.DRIVER_EMBEDDED))
        {
            checkAeronDir(config.get(Settings.AERON_DIR));
        }
        final Path dataDir = Path.of(config.get(Settings.DATA_DIR));
        PathChecks.writableDirectory(Settings.DATA_DIR.name() + "=" + dataDir, dataDir);
        for (final String name : DATA_SUBDIRECTORIES)
        {
            final Path subdirectory = dataDir.resolve(name);
            if (Files.exists(subdirectory) && !Files.isDirectory(subdirectory))
            {
                throw new ConfigException(Settings.DATA_DIR.name() + "=" + dataDir + ": " + subdirectory +
                    " is a file, not a directory; the engine keeps its " + name + " there");
            }
        }
    }

    /**
     * The embedded driver makes its directory afresh: one made here only to see that it can be is removed again.
     */
    private static void checkAeronDir(final String aeronDir)
    {
        final Path dir = Path.of(aeronDir);
        final boolean existed = Files.exists(dir);
        PathChecks.writableDirectory(Settings.AERON_DIR.name() + "=" + aeronDir, dir);
        if (!existed)
        {
            try
            {
                Files.deleteIfExists(dir);
            }
            catch (final IOException ex)
            {
                // Left for the driver, which makes it afresh anyway.
            }
        }
    }

    /**
     * Binds the address a channel's key names, and lets it go: a port another process holds fails here, with the
     * setting named, instead of in the media driver. Multicast addresses and port 0 are left to the driver.
     */
    private static void checkUdpPortFree(final VigilConfig config, final Setting setting, final String key)
    {
        final String channel = config.get(setting);
        final ChannelUri uri = ChannelUri.parse(channel);
        final String address = uri.get(key);
        if (!CommonContext.UDP_MEDIA.equals(uri.media()) || address == null)
        {
            return;
        }
        final int colon = address.lastIndexOf(':');
        final int port = Integer.parseInt(address.substring(colon + 1));
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        final String what = setting.name() + "=" + channel + ": ";
        final InetAddress inetAddress;
        try
        {
            inetAddress = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new ConfigException(what + key + " host '" + host + "' is not known");
        }
        if (port == 0 || inetAddress.isMulticastAddress())
        {
            return;
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(inetAddress, port)))
        {
            socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new ConfigException(what + "cannot bind " + key + " " + address + ": " + ex.getMessage() +
                " (another engine using it?)");
        }
    }
}
