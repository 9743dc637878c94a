package dev.vigil.app.cluster;

import dev.vigil.app.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of a cluster, from its members file: the same file on every member and for every client. One line per
 * member, {@code #} starts a comment:
 * <pre>
 *   # id  host        base-port    (ingress, consensus, log, catchup, archive, alerts: base-port .. base-port + 5)
 *   0     10.0.0.1    9000
 *   1     10.0.0.2    9000
 *   # or each port named: id host ingress consensus log catchup archive alerts
 *   2     10.0.0.3    9000 9001 9002 9003 9004 9005
 * </pre>
 * Ids run from 0 without gaps; the host is a name or an IPv4 address (the member binds and is reached there); no
 * endpoint is used twice. The first five are Aeron Cluster's; the sixth is the control address of the alert stream the
 * member publishes while it leads.
 */
public final class ClusterMembers
{
    /** Ports of each member, in the order the file names them. */
    public static final int PORTS_PER_MEMBER = 6;
    /** Of those, the ports Aeron Cluster knows the member by. */
    public static final int CLUSTER_PORTS = 5;
    /** Index of each port in {@link Member#ports()}. */
    public static final int INGRESS = 0;
    /** Index of the consensus port. */
    public static final int CONSENSUS = 1;
    /** Index of the log port. */
    public static final int LOG = 2;
    /** Index of the catch-up port. */
    public static final int CATCHUP = 3;
    /** Index of the archive control port. */
    public static final int ARCHIVE = 4;
    /** Index of the alert stream's control port. */
    public static final int ALERTS = 5;

    private static final String[] PORT_NAMES = {"ingress", "consensus", "log", "catchup", "archive", "alerts"};

    private final List<Member> members;

    private ClusterMembers(final List<Member> members)
    {
        this.members = Collections.unmodifiableList(members);
    }

    /**
     * One member: its id, host and ports.
     *
     * @param id    member id.
     * @param host  host name or address.
     * @param ports ingress, consensus, log, catch-up, archive and alerts ports.
     */
    public record Member(int id, String host, int[] ports)
    {
        /**
         * @param which {@link #INGRESS}, {@link #CONSENSUS}, {@link #LOG}, {@link #CATCHUP}, {@link #ARCHIVE} or
         *              {@link #ALERTS}.
         * @return {@code host:port} of that endpoint.
         */
        public String endpoint(final int which)
        {
            return host + ":" + ports[which];
        }
    }

    /**
     * @param members the members, ids from 0 in order.
     * @return the cluster.
     */
    public static ClusterMembers of(final List<Member> members)
    {
        return new ClusterMembers(new ArrayList<>(members));
    }

    /**
     * Read and check a members file.
     *
     * @param file the members file.
     * @return its members.
     * @throws ConfigException naming the file and line of the first problem.
     */
    public static ClusterMembers read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigException("members file " + file + ": not found");
        }
        catch (final IOException ex)
        {
            throw new ConfigException("members file " + file + ": cannot be read (" + ex + ")");
        }
        return parse(file.toString(), lines);
    }

    /**
     * @param source what the lines came from, named in errors.
     * @param lines  the members file's lines.
     * @return its members.
     * @throws ConfigException naming the source and line of the first problem.
     */
    public static ClusterMembers parse(final String source, final List<String> lines)
    {
        final List<Member> members = new ArrayList<>();
        final Map<String, String> endpoints = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String where = source + ":" + (i + 1);
            String line = lines.get(i);
            final int comment = line.indexOf('#');
            if (comment >= 0)
            {
                line = line.substring(0, comment);
            }
            line = line.strip();
            if (line.isEmpty())
            {
                continue;
            }
            final String[] fields = line.split("\\s+");
            if (fields.length != 3 && fields.length != 2 + PORTS_PER_MEMBER)
            {
                throw new ConfigException(where + ": '" + line + "': expected '<id> <host> <base-port>' or " +
                    "'<id> <host> <ingress> <consensus> <log> <catchup> <archive> <alerts>'");
            }
            final int id = number(where, "member id", fields[0], 0, 1000);
            if (id != members.size())
            {
                throw new ConfigException(where + ": member id " + id + ": expected " + members.size() +
                    " (ids run from 0 in order, one line each)");
            }
            final String host = fields[1];
            if (!host.matches("[A-Za-z0-9._-]+"))
            {
                throw new ConfigException(where + ": host '" + host + "': expected a host name or IPv4 address");
            }
            final int[] ports = new int[PORTS_PER_MEMBER];
            if (fields.length == 3)
            {
                final int base = number(where, "base port", fields[2], 1, 65535 - (PORTS_PER_MEMBER - 1));
                for (int p = 0; p < PORTS_PER_MEMBER; p++)
                {
                    ports[p] = base + p;
                }
            }
            else
            {
                for (int p = 0; p < PORTS_PER_MEMBER; p++)
                {
                    ports[p] = number(where, PORT_NAMES[p] + " port", fields[2 + p], 1, 65535);
                }
            }
            for (int p = 0; p < PORTS_PER_MEMBER; p++)
            {
                final String endpoint = host + ":" + ports[p];
                final String previous = endpoints.putIfAbsent(endpoint, where + " (" + PORT_NAMES[p] + ")");
                if (previous != null)
                {
                    throw new ConfigException(where + ": " + PORT_NAMES[p] + " endpoint " + endpoint +
                        " is already used at " + previous);
                }
            }
            members.add(new Member(id, host, ports));
        }
        if (members.isEmpty())
        {
            throw new ConfigException(source + ": no members (one '<id> <host> <base-port>' line per member)");
        }
        return new ClusterMembers(members);
    }

    private static int number(final String where, final String what, final String text, final int min, final int max)
    {
        try
        {
            final int value = Integer.parseInt(text);
            if (value >= min && value <= max)
            {
                return value;
            }
        }
        catch (final NumberFormatException ex)
        {
            // Reported below with what is allowed.
        }
        throw new ConfigException(where + ": " + what + " '" + text + "': allowed: a whole number from " + min +
            " to " + max);
    }

    /**
     * @return the members, by id.
     */
    public List<Member> members()
    {
        return members;
    }

    /**
     * @return how many members.
     */
    public int size()
    {
        return members.size();
    }

    /**
     * @param id a member id.
     * @return that member.
     */
    public Member member(final int id)
    {
        return members.get(id);
    }

    /**
     * @return Aeron Cluster's members setting: {@code id,ingress,consensus,log,catchup,archive|...}.
     */
    public String clusterMembers()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member member : members)
        {
            if (text.length() > 0)
            {
                text.append('|');
            }
            text.append(member.id());
            for (int p = 0; p < CLUSTER_PORTS; p++)
            {
                text.append(',').append(member.endpoint(p));
            }
        }
        return text.toString();
    }

    /**
     * @param id a member.
     * @return the channel that member publishes alerts, window results and late events on while it leads.
     */
    public String alertsChannel(final int id)
    {
        return "aeron:udp?control=" + member(id).endpoint(ALERTS) + "|control-mode=dynamic";
    }

    /**
     * @param subscriberHost the address the subscriber receives on, reachable from the members.
     * @return one subscription channel per member, for {@code AlertSubscriber}: the alert stream of whichever leads.
     */
    public List<String> alertSubscriberChannels(final String subscriberHost)
    {
        final List<String> channels = new ArrayList<>();
        for (final Member member : members)
        {
            channels.add("aeron:udp?endpoint=" + subscriberHost + ":0|control=" + member.endpoint(ALERTS) +
                "|control-mode=dynamic");
        }
        return channels;
    }

    /**
     * @return a client's ingress endpoints, {@code id=host:port,...}, for
     * {@code VigilClient.Context.clusterIngressEndpoints}.
     */
    public String ingressEndpoints()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member member : members)
        {
            if (text.length() > 0)
            {
                text.append(',');
            }
            text.append(member.id()).append('=').append(member.endpoint(INGRESS));
        }
        return text.toString();
    }

    /**
     * @return the lines of a members file for these members, each port named.
     */
    public List<String> toLines()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("# id host ingress consensus log catchup archive alerts");
        for (final Member member : members)
        {
            final StringBuilder line = new StringBuilder().append(member.id()).append(' ').append(member.host());
            for (final int port : member.ports())
            {
                line.append(' ').append(port);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
