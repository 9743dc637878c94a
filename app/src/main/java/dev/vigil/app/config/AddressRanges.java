package dev.vigil.app.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A list of IP address ranges written as comma-separated addresses or CIDR blocks, e.g.
 * {@code 10.0.0.0/8, 192.168.1.7, fd00::/8}; an address without a prefix length stands for itself alone.
 * <p>
 * Only literal addresses are accepted: parsing never asks DNS, so a host name is an error rather than a lookup.
 * IPv4 and IPv6 are separate families; an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) counts as IPv4.
 */
public final class AddressRanges
{
    private final List<byte[]> networks;
    private final int[] prefixLengths;
    private final String text;

    private AddressRanges(final List<byte[]> networks, final int[] prefixLengths, final String text)
    {
        this.networks = networks;
        this.prefixLengths = prefixLengths;
        this.text = text;
    }

    /**
     * @param text comma-separated addresses and CIDR blocks; blank for none.
     * @return the ranges.
     * @throws IllegalArgumentException naming the entry that is not a literal address or a valid prefix length.
     */
    public static AddressRanges parse(final String text)
    {
        final List<byte[]> networks = new ArrayList<>();
        final List<Integer> prefixes = new ArrayList<>();
        final String trimmed = text.trim();
        if (!trimmed.isEmpty())
        {
            for (final String rawEntry : trimmed.split(",", -1))
            {
                final String entry = rawEntry.trim();
                final int slash = entry.indexOf('/');
                final byte[] address = parseLiteral(slash < 0 ? entry : entry.substring(0, slash));
                if (address == null)
                {
                    throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
                }
                final int maxPrefix = address.length * Byte.SIZE;
                final int prefix = slash < 0 ? maxPrefix : parsePrefix(entry.substring(slash + 1), maxPrefix);
                if (prefix < 0)
                {
                    throw new IllegalArgumentException(
                        "'" + entry + "' has a prefix length outside [0, " + maxPrefix + "]");
                }
                networks.add(address);
                prefixes.add(prefix);
            }
        }

        final int[] prefixLengths = new int[prefixes.size()];
        for (int i = 0; i < prefixLengths.length; i++)
        {
            prefixLengths[i] = prefixes.get(i);
        }
        return new AddressRanges(Collections.unmodifiableList(networks), prefixLengths, trimmed);
    }

    /**
     * @return true when the list names no range at all.
     */
    public boolean isEmpty()
    {
        return networks.isEmpty();
    }

    /**
     * @param address an address in its byte form (4 bytes IPv4, 16 bytes IPv6).
     * @return true when a range holds it.
     */
    public boolean contains(final byte[] address)
    {
        for (int i = 0; i < prefixLengths.length; i++)
        {
            final byte[] network = networks.get(i);
            if (network.length == address.length && matchesPrefix(network, address, prefixLengths[i]))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a source named as Aeron names an image's source ({@code host:port}, the host a literal address) lies
     * in a range. Anything that is not a literal IP address, such as an IPC source, is outside every range.
     *
     * @param sourceIdentity e.g. {@code 127.0.0.1:40555} or {@code 0:0:0:0:0:0:0:1%lo:40555}.
     * @return true when the source address lies in a range.
     */
    public boolean containsSource(final String sourceIdentity)
    {
        final byte[] address = sourceAddress(sourceIdentity);
        return address != null && contains(address);
    }

    /**
     * The address part of a source as Aeron names an image's source, without asking DNS.
     *
     * @param sourceIdentity e.g. {@code 127.0.0.1:40555}, {@code [::1]:40555} or {@code aeron:ipc}.
     * @return the address in its byte form, or null when the source is not a literal address (e.g. IPC).
     */
    public static byte[] sourceAddress(final String sourceIdentity)
    {
        final int portColon = sourceIdentity.lastIndexOf(':');
        if (portColon <= 0)
        {
            return null;
        }
        return literal(sourceIdentity.substring(0, portColon));
    }

    /**
     * A literal IP address, without asking DNS: dotted-quad IPv4, or IPv6 with or without brackets and scope.
     *
     * @param host text that may be a literal address.
     * @return the address in its byte form, or null when the text is not a literal address (e.g. a host name).
     */
    public static byte[] literal(final String host)
    {
        String text = host;
        if (text.startsWith("[") && text.endsWith("]"))
        {
            text = text.substring(1, text.length() - 1);
        }
        final int scope = text.indexOf('%');
        return parseLiteral(scope < 0 ? text : text.substring(0, scope));
    }

    @Override
    public String toString()
    {
        return text;
    }

    private static boolean matchesPrefix(final byte[] network, final byte[] address, final int prefixLength)
    {
        final int wholeBytes = prefixLength / Byte.SIZE;
        for (int i = 0; i < wholeBytes; i++)
        {
            if (network[i] != address[i])
            {
                return false;
            }
        }
        final int remainingBits = prefixLength % Byte.SIZE;
        if (remainingBits == 0)
        {
            return true;
        }
        final int mask = (0xFF << (Byte.SIZE - remainingBits)) & 0xFF;
        return (network[wholeBytes] & mask) == (address[wholeBytes] & mask);
    }

    private static int parsePrefix(final String text, final int maxPrefix)
    {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit))
        {
            return -1;
        }
        final int prefix = Integer.parseInt(text);
        return prefix <= maxPrefix ? prefix : -1;
    }

    /**
     * A literal IPv4 address in dotted-quad form, or an IPv6 literal; null for anything else, without asking DNS.
     */
    private static byte[] parseLiteral(final String text)
    {
        if (text.indexOf(':') >= 0)
        {
            return parseIpv6(text);
        }
        return parseIpv4(text);
    }

    private static byte[] parseIpv4(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            return null;
        }
        final byte[] address = new byte[4];
        for (int i = 0; i < parts.length; i++)
        {
            final String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                return null;
            }
            final int value = Integer.parseInt(part);
            if (value > 255)
            {
                return null;
            }
            address[i] = (byte)value;
        }
        return address;
    }

    private static byte[] parseIpv6(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.')
            {
                return null;
            }
        }
        try
        {
            // A string with a colon is only ever parsed as an IPv6 literal, never looked up.
            return InetAddress.getByName(text).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }
}
