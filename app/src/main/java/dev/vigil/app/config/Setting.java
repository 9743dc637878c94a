package dev.vigil.app.config;

import dev.vigil.core.time.Durations;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One named configuration setting: its default, what values it allows, and what it is for.
 */
public final class Setting
{
    /** Kinds of value a setting holds. */
    public enum Type
    {
        /** Free text. */
        STRING,
        /** An integer within [min, max]. */
        INTEGER,
        /** A power of two within [min, max]. */
        POWER_OF_TWO,
        /** true or false. */
        BOOLEAN,
        /** A duration with a unit, within [min, max] nanoseconds. */
        DURATION,
        /** One of a fixed list of words. */
        CHOICE,
        /** Comma-separated IP addresses and CIDR blocks, or nothing. */
        ADDRESS_LIST,
        /** One literal IP address (never a host name: nothing is looked up). */
        ADDRESS,
        /** Comma-separated CPU ids and ranges, or nothing. */
        CPU_LIST,
        /** A file path, or nothing. */
        OPTIONAL_PATH,
        /** An Aeron channel, udp or ipc, that the engine subscribes to: a udp one names an endpoint. */
        SUBSCRIPTION_CHANNEL,
        /** An Aeron channel, udp or ipc, that the engine publishes on: a udp one names an endpoint or control. */
        PUBLICATION_CHANNEL
    }

    private final String name;
    private final Type type;
    private final String defaultValue;
    private final String description;
    private final long min;
    private final long max;
    private final List<String> choices;

    private Setting(
        final String name,
        final Type type,
        final String defaultValue,
        final String description,
        final long min,
        final long max,
        final List<String> choices)
    {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.min = min;
        this.max = max;
        this.choices = choices;
    }

    static Setting cpuList(final String name, final String description)
    {
        return new Setting(name, Type.CPU_LIST, "", description, 0, 0, List.of());
    }

    static Setting subscriptionChannel(final String name, final String defaultValue, final String description)
    {
        return new Setting(name, Type.SUBSCRIPTION_CHANNEL, defaultValue, description, 0, 0, List.of());
    }

    static Setting publicationChannel(final String name, final String defaultValue, final String description)
    {
        return new Setting(name, Type.PUBLICATION_CHANNEL, defaultValue, description, 0, 0, List.of());
    }

    static Setting string(final String name, final String defaultValue, final String description)
    {
        return new Setting(name, Type.STRING, defaultValue, description, 0, 0, List.of());
    }

    static Setting integer(
        final String name, final long defaultValue, final long min, final long max, final String description)
    {
        return new Setting(name, Type.INTEGER, Long.toString(defaultValue), description, min, max, List.of());
    }

    static Setting powerOfTwo(
        final String name, final long defaultValue, final long min, final long max, final String description)
    {
        return new Setting(name, Type.POWER_OF_TWO, Long.toString(defaultValue), description, min, max, List.of());
    }

    static Setting bool(final String name, final boolean defaultValue, final String description)
    {
        return new Setting(name, Type.BOOLEAN, Boolean.toString(defaultValue), description, 0, 0, List.of());
    }

    static Setting duration(
        final String name, final String defaultValue, final String min, final String max, final String description)
    {
        return new Setting(
            name, Type.DURATION, defaultValue, description, Durations.parseNs(min), Durations.parseNs(max), List.of());
    }

    static Setting choice(
        final String name, final String defaultValue, final String description, final String... choices)
    {
        return new Setting(name, Type.CHOICE, defaultValue, description, 0, 0, Arrays.asList(choices));
    }

    static Setting optionalPath(final String name, final String description)
    {
        return new Setting(name, Type.OPTIONAL_PATH, "", description, 0, 0, List.of());
    }

    static Setting address(final String name, final String defaultValue, final String description)
    {
        return new Setting(name, Type.ADDRESS, defaultValue, description, 0, 0, List.of());
    }

    static Setting addressList(final String name, final String description)
    {
        return new Setting(name, Type.ADDRESS_LIST, "", description, 0, 0, List.of());
    }

    public String name()
    {
        return name;
    }

    public Type type()
    {
        return type;
    }

    public String defaultValue()
    {
        return defaultValue;
    }

    public String description()
    {
        return description;
    }

    /**
     * @return what values this setting allows, in words, for error messages and documentation.
     */
    public String allowed()
    {
        switch (type)
        {
            case INTEGER:
                return "an integer in [" + min + ", " + max + "]";
            case POWER_OF_TWO:
                return "a power of two in [" + min + ", " + max + "]";
            case BOOLEAN:
                return "true or false";
            case DURATION:
                return "a duration in [" + Durations.format(min) + ", " + Durations.format(max) + "] like 10ms or 2s";
            case CHOICE:
                return "one of " + String.join(", ", choices);
            case ADDRESS_LIST:
                return "comma-separated IP addresses or CIDR blocks like 10.0.0.0/8, 192.168.1.7, fd00::/8, " +
                    "or nothing";
            case ADDRESS:
                return "a literal IP address like 127.0.0.1, ::1 or 0.0.0.0";
            case CPU_LIST:
                return "comma-separated CPU ids and ranges like 2,3,4-8, or nothing";
            case OPTIONAL_PATH:
                return "a file path, or nothing";
            case SUBSCRIPTION_CHANNEL:
                return "an Aeron channel: aeron:udp with an endpoint, or aeron:ipc; e.g. " + defaultValue;
            case PUBLICATION_CHANNEL:
                return "an Aeron channel: aeron:udp with an endpoint or a control address, or aeron:ipc; e.g. " +
                    defaultValue;
            default:
                return "any text";
        }
    }

    /**
     * Check a value and bring it to its canonical form.
     *
     * @param value  as written.
     * @param source where it was written, for the error message, e.g. {@code vigil.conf:12}.
     * @return the canonical value.
     * @throws ConfigException naming the setting, the value, the source and what is allowed.
     */
    String validate(final String value, final String source)
    {
        final String trimmed = value.trim();
        try
        {
            switch (type)
            {
                case INTEGER:
                case POWER_OF_TWO:
                {
                    final long parsed = Long.parseLong(trimmed.replace("_", ""));
                    if (parsed < min || parsed > max || (type == Type.POWER_OF_TWO && Long.bitCount(parsed) != 1))
                    {
                        throw invalid(value, source);
                    }
                    return Long.toString(parsed);
                }
                case BOOLEAN:
                    if (!"true".equals(trimmed) && !"false".equals(trimmed))
                    {
                        throw invalid(value, source);
                    }
                    return trimmed;
                case DURATION:
                {
                    final long ns = Durations.parseNs(trimmed);
                    if (ns < min || ns > max)
                    {
                        throw invalid(value, source);
                    }
                    return trimmed;
                }
                case CHOICE:
                {
                    final String lower = trimmed.toLowerCase(Locale.ROOT);
                    if (!choices.contains(lower))
                    {
                        throw invalid(value, source);
                    }
                    return lower;
                }
                case ADDRESS_LIST:
                    return parseAddressList(value, source);
                case ADDRESS:
                    if (AddressRanges.literal(trimmed) == null)
                    {
                        throw invalid(value, source);
                    }
                    return trimmed;
                case CPU_LIST:
                    CpuList.parse(trimmed);
                    return trimmed;
                case OPTIONAL_PATH:
                    return trimmed;
                case SUBSCRIPTION_CHANNEL:
                case PUBLICATION_CHANNEL:
                    return checkChannel(trimmed, source);
                default:
                    if (trimmed.isEmpty())
                    {
                        throw invalid(value, source);
                    }
                    return trimmed;
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw invalid(value, source);
        }
    }

    /**
     * What Aeron would refuse only when the engine adds the subscription or publication, found here instead: not an
     * Aeron URI, a media other than udp or ipc, a udp channel without the address it needs, an address that is not
     * host:port. Host names are not looked up.
     */
    private String checkChannel(final String channel, final String source)
    {
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            throw invalidChannel(channel, source, "not an Aeron channel (" + ex.getMessage() + ")");
        }
        if (!uri.prefix().isEmpty())
        {
            throw invalidChannel(channel, source, "prefix '" + uri.prefix() + ":' is not allowed");
        }
        if (CommonContext.IPC_MEDIA.equals(uri.media()))
        {
            return channel;
        }
        if (!CommonContext.UDP_MEDIA.equals(uri.media()))
        {
            throw invalidChannel(channel, source, "media '" + uri.media() + "' is neither udp nor ipc");
        }
        final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
        final String control = uri.get(CommonContext.MDC_CONTROL_PARAM_NAME);
        if (type == Type.SUBSCRIPTION_CHANNEL && endpoint == null)
        {
            throw invalidChannel(channel, source, "a udp channel the engine listens on needs an endpoint");
        }
        if (endpoint == null && control == null)
        {
            throw invalidChannel(channel, source, "a udp channel needs an endpoint or a control address");
        }
        checkAddress(channel, source, "endpoint", endpoint);
        checkAddress(channel, source, "control", control);
        return channel;
    }

    private void checkAddress(final String channel, final String source, final String key, final String address)
    {
        if (address == null)
        {
            return;
        }
        final int colon = address.lastIndexOf(':');
        final String port = colon < 0 ? "" : address.substring(colon + 1);
        if (colon <= 0 || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit) ||
            Integer.parseInt(port) > 65535)
        {
            throw invalidChannel(channel, source,
                key + " '" + address + "' is not host:port with a port in [0, 65535]");
        }
    }

    private ConfigException invalidChannel(final String channel, final String source, final String problem)
    {
        return new ConfigException(source + ": " + name + "=" + channel + ": " + problem + "; expected e.g. " +
            defaultValue);
    }

    private String parseAddressList(final String value, final String source)
    {
        try
        {
            return AddressRanges.parse(value).toString();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(source + ": setting '" + name + "' has value '" + value + "': " +
                ex.getMessage() + "; allowed: " + allowed());
        }
    }

    private ConfigException invalid(final String value, final String source)
    {
        return new ConfigException(
            source + ": setting '" + name + "' has value '" + value + "'; allowed: " + allowed());
    }
}
