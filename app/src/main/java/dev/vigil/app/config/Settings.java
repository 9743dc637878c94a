package dev.vigil.app.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting the engine reads, with its default and what it allows. Defaults suit a 2-core machine.
 */
public final class Settings
{
    private static final List<Setting> REGISTRY = new ArrayList<>();

    /** Threading profile. */
    public static final Setting PROFILE = add(Setting.choice(
        "profile", "shared",
        "shared: one thread runs the embedded media driver, the Aeron client conductor and every stage (2 cores), " +
        "and a journal that forces its writes on a second thread that parks when idle (see journal.thread); " +
        "dedicated: one busy-spinning thread per stage and per driver role (needs 7+ dedicated cores)",
        "shared", "dedicated"));

    /** Where the journal, snapshots and keyed-state files live. */
    public static final Setting DATA_DIR = add(Setting.string(
        "data.dir", "vigil-data", "directory for journal, snapshots and state files"));

    /** Whether to run a media driver in the engine's process. */
    public static final Setting DRIVER_EMBEDDED = add(Setting.bool(
        "driver.embedded", true, "run an Aeron media driver inside the engine (false: use one running at aeron.dir)"));

    /** Aeron directory. */
    public static final Setting AERON_DIR = add(Setting.string(
        "aeron.dir", defaultAeronDir(), "Aeron directory of the media driver (shared memory: keep it on /dev/shm)"));

    /** How long the engine's media driver and Aeron client wait on each other before declaring the other dead. */
    public static final Setting AERON_TIMEOUT = add(Setting.duration(
        "aeron.timeout", "10s", "1s", "10m",
        "how long the embedded media driver keeps a silent client (the engine's own or a connected one) and the " +
        "engine's Aeron client waits on a silent driver; longer rides out a host so loaded that a thread is not " +
        "scheduled for seconds, shorter notices dead clients sooner"));

    /** Receive buffer of the embedded driver's UDP sockets. */
    public static final Setting AERON_SOCKET_RCVBUF = add(Setting.integer(
        "aeron.socket.rcvbuf", 4 * 1024 * 1024, 128 * 1024, 1 << 30,
        "receive buffer of the embedded media driver's UDP sockets, in bytes (at least a receiver window, 128 KiB), " +
        "at most what the OS allows " +
        "(net.core.rmem_max on Linux); what clients send while the engine's thread is busy waits there, and what " +
        "does not fit is lost and sent again"));

    /** Channel the engine receives events on. */
    public static final Setting INGRESS_CHANNEL = add(Setting.subscriptionChannel(
        "ingress.channel", "aeron:udp?endpoint=localhost:40123", "Aeron channel clients send to (loopback default)"));

    /** Stream of the ingress channel. */
    public static final Setting INGRESS_STREAM_ID = add(Setting.integer(
        "ingress.stream.id", 1001, 1, Integer.MAX_VALUE, "stream id on the ingress channel"));

    /** Most fragments taken from Aeron per duty cycle. */
    public static final Setting INGRESS_FRAGMENT_LIMIT = add(Setting.integer(
        "ingress.fragment.limit", 256, 1, 65536, "most fragments polled from Aeron per duty cycle"));

    /** Publisher source addresses the engine takes frames from. */
    public static final Setting INGRESS_ALLOWED_SOURCES = add(Setting.addressList(
        "ingress.allowed.sources",
        "source addresses clients may publish from (comma-separated IPs or CIDR blocks); frames from any other " +
        "source are dropped and counted, never decided; empty allows every source"));

    /** Credentials file; configured, every client must authenticate. */
    public static final Setting AUTH_CREDENTIALS_FILE = add(Setting.optionalPath(
        "auth.credentials.file",
        "file of '<client-id> <hex-key>' lines, readable by its owner only; when set, every client must prove its " +
        "id by answering an HMAC-SHA256 challenge with its key; empty: clients are not authenticated"));

    /** Hosts replies may go to besides a client's own. */
    public static final Setting REPLY_ALLOWED_HOSTS = add(Setting.addressList(
        "reply.allowed.hosts",
        "addresses (IPs or CIDR blocks) a client may name for its replies other than the one its Connect came " +
        "from; empty: replies go only to the client's own host"));

    /** Largest term length of a reply channel. */
    public static final Setting REPLY_TERM_LENGTH_MAX = add(Setting.powerOfTwo(
        "reply.term.length.max", 16 * 1024 * 1024, 64 * 1024, 1 << 30,
        "largest term-length a client may ask for on its reply channel, in bytes"));

    /** Bound on sessions. */
    public static final Setting SESSIONS_MAX = add(Setting.integer(
        "sessions.max", 1024, 1, 1 << 20, "most client sessions open or connecting at once"));

    /** Bound on handshakes under way. */
    public static final Setting SESSIONS_PENDING_MAX = add(Setting.integer(
        "sessions.pending.max", 256, 1, 1 << 16,
        "most Connects being handled at once (waiting for a reply publication, reply channel connecting, challenge " +
        "outstanding)"));

    /** Bound on handshakes under way from one host. */
    public static final Setting SESSIONS_PENDING_PER_SOURCE = add(Setting.integer(
        "sessions.pending.per.source", 16, 1, 1 << 16,
        "most Connects being handled at once from one source address"));

    /** Bound on handshakes holding a reply publication. */
    public static final Setting SESSIONS_CONNECTING_MAX = add(Setting.integer(
        "sessions.connecting.max", 16, 1, 1 << 16,
        "most Connects holding a reply publication at once (added, connecting, challenged); the others wait their " +
        "turn, oldest first, holding no publication"));

    /** Bound on handshakes holding a reply publication, from one host. */
    public static final Setting SESSIONS_CONNECTING_PER_SOURCE = add(Setting.integer(
        "sessions.connecting.per.source", 4, 1, 1 << 16,
        "most Connects from one source address holding a reply publication at once"));

    /** Bound on the rate of session-opening frames from one sender. */
    public static final Setting SESSIONS_CONNECTS_PER_SECOND = add(Setting.integer(
        "sessions.connects.per.second", 10, 1, 1_000_000,
        "most Connects and ChallengeResponses one sender (transport session) may send per second; more are " +
        "refused and counted before they are parsed"));

    /** How long a handshake may take. */
    public static final Setting SESSION_HANDSHAKE_TIMEOUT = add(Setting.duration(
        "session.handshake.timeout", "5s", "1ms", "60s",
        "how long a Connect may take to become a session: its reply channel connected and, with authentication, " +
        "its challenge answered; after it the attempt is dropped and counted"));

    /** Channel alerts are published on. */
    public static final Setting ALERTS_CHANNEL = add(Setting.publicationChannel(
        "alerts.channel", "aeron:udp?control=localhost:40124|control-mode=dynamic",
        "Aeron channel alerts are published on; subscribers join its control address"));

    /** Stream of the alert channel. */
    public static final Setting ALERTS_STREAM_ID = add(Setting.integer(
        "alerts.stream.id", 1003, 1, Integer.MAX_VALUE, "stream id on the alerts channel"));

    /** Local admin channel. */
    public static final Setting ADMIN_CHANNEL = add(Setting.subscriptionChannel(
        "admin.channel", "aeron:ipc", "channel of admin commands (vigil snapshot, vigil rules reload); IPC: only " +
        "this host's processes using the engine's media driver can send them"));

    /** Admin stream. */
    public static final Setting ADMIN_STREAM_ID = add(Setting.integer(
        "admin.stream.id", 1010, 1, Integer.MAX_VALUE, "stream id of the admin channel"));

    /** Ring size. */
    public static final Setting RING_SIZE = add(Setting.powerOfTwo(
        "ring.size", 16384, 64, 1 << 22, "slots in the Disruptor ring"));

    /** Longest inbound frame. */
    public static final Setting FRAME_MAX_LENGTH = add(Setting.integer(
        "frame.max.length", 512, 64, 65536, "longest inbound frame in bytes; longer frames are rejected"));

    /** Idle strategy of the engine's threads. */
    public static final Setting IDLE_STRATEGY = add(Setting.choice(
        "idle.strategy", "profile",
        "how idle engine and driver threads wait: profile (yield for shared, busy for dedicated), yield, backoff, " +
        "sleep, busy; the shared profile's journal thread always parks",
        "profile", "yield", "backoff", "sleep", "busy"));

    /** CPUs to pin engine threads to. */
    public static final Setting CPU_AFFINITY = add(Setting.cpuList(
        "cpu.affinity",
        "CPUs to pin the engine's threads to, one per thread in this order: shared profile, its one thread, then " +
        "its journal thread when it has one; " +
        "dedicated, driver conductor, sender, receiver (with the embedded driver), ingress, journal, rules, egress " +
        "(e.g. 2-8); empty: no pinning"));

    /** Retry budget for a back-pressured reply. */
    public static final Setting EGRESS_RETRY_TIMEOUT = add(Setting.duration(
        "egress.retry.timeout", "10ms", "0ns", "10s",
        "how long egress retries a back-pressured reply before counting it undelivered"));

    /** Whether accepted input is journaled. */
    public static final Setting JOURNAL_ENABLED = add(Setting.bool(
        "journal.enabled", true,
        "write every accepted input to the journal in data.dir/journal before its decision leaves, and rebuild " +
        "state from it on start"));

    /** Journal durability. */
    public static final Setting JOURNAL_DURABILITY = add(Setting.choice(
        "journal.durability", "none",
        "when a decision may leave: none (input in the OS page cache: survives a process crash), batch (fsync " +
        "after each batch: survives power loss, adds the fsync to latency), periodic (fsync every " +
        "journal.fsync.interval; decisions wait for it)",
        "none", "batch", "periodic"));

    /** Where the shared profile runs a journal that forces its writes. */
    public static final Setting JOURNAL_THREAD = add(Setting.choice(
        "journal.thread", "own",
        "where the shared profile runs a journal whose durability is batch or periodic: own (a second thread that " +
        "parks when idle, so the engine's thread never waits for the disk; keeps up with far higher rates) or " +
        "engine (on the engine's one thread, which waits for every fsync; on two cores a few ms less at p90 " +
        "at low rates)",
        "own", "engine"));

    /** Periodic fsync interval. */
    public static final Setting JOURNAL_FSYNC_INTERVAL = add(Setting.duration(
        "journal.fsync.interval", "1ms", "10us", "10s", "fsync interval of periodic durability"));

    /** Journal segment size. */
    public static final Setting JOURNAL_SEGMENT_SIZE = add(Setting.powerOfTwo(
        "journal.segment.size", 64L << 20, 64L << 10, 1L << 30, "bytes per journal segment file"));

    /** Cut a journal at mid-journal corruption instead of refusing to start. */
    public static final Setting JOURNAL_TRUNCATE_AT_CORRUPTION = add(Setting.bool(
        "journal.truncate.at.corruption", false,
        "on corruption in the middle of the journal, cut it there (later segments are renamed *.corrupt, never " +
        "deleted) and start; false refuses to start and names file, offset and sequence"));

    /** Snapshot every this many accepted events. */
    public static final Setting SNAPSHOT_INTERVAL_EVENTS = add(Setting.integer(
        "snapshot.interval.events", 1_000_000, 0, Long.MAX_VALUE,
        "snapshot the engine state every this many accepted events, so a start replays only the journal after it " +
        "(0: no periodic snapshots)"));

    /** Inputs before the first periodic snapshot of a process. */
    public static final Setting SNAPSHOT_FIRST_EVENTS = add(Setting.integer(
        "snapshot.first.events", 50_000, 0, Long.MAX_VALUE,
        "take the first periodic snapshot of a process after this many inputs, early, so that the JIT compiles the " +
        "snapshot's code and the rules stage's copy-on-write paths while the traffic is young rather than at the " +
        "first interval, stalling it (0, or not less than snapshot.interval.events: the first comes at the interval)"));

    /** Snapshots kept. */
    public static final Setting SNAPSHOT_KEEP = add(Setting.integer(
        "snapshot.keep", 3, 1, 1000, "newest snapshots kept in data.dir/snapshots; older ones are deleted"));

    /** Snapshot at a clean stop. */
    public static final Setting SNAPSHOT_ON_SHUTDOWN = add(Setting.bool(
        "snapshot.on.shutdown", true, "snapshot the engine state when it stops cleanly"));

    /** Memory a snapshot's state beside the keyed records is serialised into, so the rules stage does not wait. */
    public static final Setting SNAPSHOT_BUFFER_BYTES = add(Setting.integer(
        "snapshot.buffer.bytes", 512L << 20, 0, 64L << 30,
        "most bytes of memory the state beside the keyed records (rule settings, retry table, windows) is " +
        "serialised into at a snapshot point (grown to its size and kept), the file then written a batch at a " +
        "time; a larger one, or one the JVM's direct memory cannot hold, makes the whole snapshot written from " +
        "the rules thread, which pauses for it (0: always)"));

    /** Memory a snapshot's keyed records gather in on the rules thread on their way to the file. */
    public static final Setting SNAPSHOT_WRITE_BUFFER_BYTES = add(Setting.powerOfTwo(
        "snapshot.write.buffer.bytes", 1L << 20, 16L << 10, 64L << 20,
        "bytes of off-heap memory a snapshot's keyed records gather in on the rules thread (copy-on-write: a record " +
        "before its first write, the others in steps when the stage has no input), which those steps write to the " +
        "file 128 KiB at a time; a write to a record not yet copied that finds it full writes what it holds first " +
        "(vigil_snapshot_inline_writes_total); raised to hold the largest record"));

    /** Prometheus metrics port. */
    public static final Setting METRICS_PORT = add(Setting.integer(
        "metrics.port", 0, 0, 65535,
        "loopback TCP port serving Prometheus metrics at http://127.0.0.1:PORT/metrics (0: off)"));

    /** Port of the live page. */
    public static final Setting HTTP_PORT = add(Setting.integer(
        "http.port", 0, 0, 65535,
        "TCP port serving the live page and its JSON at http://ADDRESS:PORT/ (0: off); read-only, GET only"));

    /** Address the live page listens on. */
    public static final Setting HTTP_BIND = add(Setting.address(
        "http.bind", "127.0.0.1",
        "address the live page listens on: loopback by default; anything else lets other hosts read what the " +
        "engine decides and alerts (no authentication, no TLS)"));

    /** How long a stop waits for in-flight input. */
    public static final Setting SHUTDOWN_TIMEOUT = add(Setting.duration(
        "shutdown.timeout", "10s", "0ns", "10m",
        "how long a stop (SIGTERM, SIGINT) waits for the input already taken to be decided and its replies sent"));

    /** Decisions remembered per client for retries. */
    public static final Setting DEDUP_WINDOW = add(Setting.powerOfTwo(
        "dedup.window", 4096, 1, 1 << 20,
        "decisions remembered per client: a retry within this many sequences gets its original decision back"));

    /** The rules file. */
    public static final Setting RULES_FILE = add(Setting.string(
        "rules.file", "config/rules.yaml",
        "the rules file (YAML) defining every rule; the default, when absent, is the copy bundled with the engine"));

    /** Keys tracked per keyed rule. */
    public static final Setting RULES_MAX_KEYS = add(Setting.integer(
        "rules.max.keys", 65536, 1, 1 << 24,
        "most distinct keys of each state key (account, account-orders, card, merchant, instrument, " +
        "account-instrument), shared by " +
        "the rules of that key: one record per key holds all their state"));

    /** Largest record of keyed state. */
    public static final Setting RULES_STATE_MAX_RECORD_BYTES = add(Setting.integer(
        "rules.state.max.record.bytes", 8192, 8, 1 << 20,
        "most bytes of state per key of one state key, all its rules together (a sliding window takes 16 bytes " +
        "per pane); the engine refuses to start, and a rules update is refused, when rules need more"));

    /** Whether keyed state is persisted in Chronicle Map files. */
    public static final Setting RULES_STATE_PERSISTED = add(Setting.bool(
        "rules.state.persisted", false,
        "keep the engine's keyed state off-heap in Chronicle Map files in data.dir/state, one per state key, " +
        "written back by the OS (false: Chronicle Maps off-heap in process memory, no write-back); either way " +
        "snapshots hold it and recovery rebuilds it, the files are never read back"));

    /** Events whose keyed state the rules stage loads ahead of their turn. */
    public static final Setting RULES_LOOKAHEAD = add(Setting.integer(
        "rules.lookahead", 16, 0, 1024,
        "events queued in the ring whose keyed state the rules stage loads together before judging them, so that " +
        "their cache misses overlap under load (0: each event's own keys only); decisions do not change"));

    /** Verdict floor when a rule's state is full. */
    public static final Setting RULES_STATE_FULL_VERDICT = add(Setting.choice(
        "rules.state.full.verdict", "review",
        "verdict floor for an event a keyed rule cannot judge because its state is full",
        "approve", "review", "decline"));

    /** How far out of event-time order a source's events may arrive before they count as late. */
    public static final Setting TIME_OUT_OF_ORDERNESS = add(Setting.duration(
        "time.out.of.orderness", "1s", "0ns", "1h",
        "bounded out-of-orderness of each source: its watermark trails its newest event time by this much"));

    /** Event time after which a silent source stops holding the watermark back. */
    public static final Setting TIME_SOURCE_IDLE_TIMEOUT = add(Setting.duration(
        "time.source.idle.timeout", "0ns", "0ns", "8784h",
        "a source whose newest event time trails the newest of any source by this much no longer holds the " +
        "watermark back (0: never); judged in event time, so replay stays exact"));

    /** Sources tracked for watermarks. */
    public static final Setting TIME_MAX_SOURCES = add(Setting.integer(
        "time.max.sources", 1024, 1, 1 << 16,
        "most sources (clients) whose watermarks are tracked; events of further sources move no watermark"));

    /** Bytes of window results held between the rules stage and egress. */
    public static final Setting WINDOWS_OUTPUT_BUFFER = add(Setting.powerOfTwo(
        "windows.output.buffer", 1 << 20, 1 << 12, 1 << 28,
        "bytes of window results and late events awaiting egress; a firing beyond it waits in parts, holding input"));

    /** The members file of a cluster. */
    public static final Setting CLUSTER_MEMBERS_FILE = add(Setting.optionalPath(
        "cluster.members.file",
        "file of the cluster's members, one '<id> <host> <base-port>' line each (or '<id> <host> <ingress> " +
        "<consensus> <log> <catchup> <archive> <alerts>'), the same file on every member; " +
        "vigil cluster run --members"));

    /** This process's member id in the cluster. */
    public static final Setting CLUSTER_MEMBER_ID = add(Setting.integer(
        "cluster.member.id", -1, -1, 1000,
        "which member of cluster.members.file this process is (-1: not set; vigil cluster run --member)"));

    /** How long followers wait for the leader's heartbeat before they elect a new one. */
    public static final Setting CLUSTER_LEADER_HEARTBEAT_TIMEOUT = add(Setting.duration(
        "cluster.leader.heartbeat.timeout", "500ms", "50ms", "10m",
        "how long followers hear nothing from the leader before they elect a new one: most of the failover gap; " +
        "a leader paused longer than this (GC, a starved host) loses its leadership and clients see an election"));

    /** How often the leader sends a heartbeat when it has nothing to replicate. */
    public static final Setting CLUSTER_LEADER_HEARTBEAT_INTERVAL = add(Setting.duration(
        "cluster.leader.heartbeat.interval", "100ms", "1ms", "1m",
        "how often an idle leader tells the followers it is alive; well under cluster.leader.heartbeat.timeout"));

    /** How long an election waits for votes and the new leader. */
    public static final Setting CLUSTER_ELECTION_TIMEOUT = add(Setting.duration(
        "cluster.election.timeout", "300ms", "10ms", "10m",
        "how long a candidate waits for votes, and a member for the new leader, before trying again"));

    /** How long a starting member waits to hear from the others before an election. */
    public static final Setting CLUSTER_STARTUP_CANVASS_TIMEOUT = add(Setting.duration(
        "cluster.startup.canvass.timeout", "2s", "10ms", "10m",
        "how long a starting member canvasses the others for their logs before it may stand for election"));

    /** How long a silent client session lives. */
    public static final Setting CLUSTER_SESSION_TIMEOUT = add(Setting.duration(
        "cluster.session.timeout", "10s", "100ms", "1h",
        "how long the cluster keeps a client session it hears nothing from (clients send keep-alives when idle)"));

    /** Term length of the replicated log. */
    public static final Setting CLUSTER_LOG_TERM_LENGTH = add(Setting.powerOfTwo(
        "cluster.log.term.length", 1L << 20, 64L << 10, 1L << 30,
        "term length of the replicated log's publication in bytes; a third of it is the most the leader sends " +
        "ahead of the slowest follower"));

    /** Segment size of the archive's recordings. */
    public static final Setting CLUSTER_ARCHIVE_SEGMENT_SIZE = add(Setting.powerOfTwo(
        "cluster.archive.segment.size", 16L << 20, 64L << 10, 1L << 30,
        "bytes per segment file of the archive's log recording (at least cluster.log.term.length): the unit " +
        "log retention deletes"));

    /** Whether log segments before the previous snapshot are deleted. */
    public static final Setting CLUSTER_LOG_PURGE = add(Setting.bool(
        "cluster.log.purge", true,
        "after each snapshot, delete the log recording's segments wholly before the previous snapshot's log " +
        "position; false keeps the whole log (it grows ~128 bytes per request on every member)"));

    /** How many snapshots' worth of log a member keeps. */
    public static final Setting CLUSTER_LOG_RETAINED_SNAPSHOTS = add(Setting.integer(
        "cluster.log.retained.snapshots", 10, 2, 1000,
        "with cluster.log.purge, the log from the oldest of this many newest snapshots on is kept: a member away " +
        "for fewer than this many snapshot intervals less one catches up from the leader's log; each interval " +
        "keeps ~160 bytes per request of log on every member"));

    /** The client id whose cluster sessions may replace the rules. */
    public static final Setting CLUSTER_ADMIN_CLIENT_ID = add(Setting.integer(
        "cluster.admin.client.id", 0, 0, Integer.MAX_VALUE,
        "the client id whose sessions may replace a cluster's rules through its log (vigil cluster reload-rules); " +
        "0: none may; with auth.credentials.file it must prove the id like any client"));

    /** Every setting, in declaration order. */
    public static final List<Setting> ALL = Collections.unmodifiableList(REGISTRY);

    private Settings()
    {
    }

    /**
     * @param name a setting name.
     * @return the setting, or null when there is none by that name.
     */
    public static Setting byName(final String name)
    {
        for (final Setting setting : REGISTRY)
        {
            if (setting.name().equals(name))
            {
                return setting;
            }
        }
        return null;
    }

    /**
     * @return every setting name.
     */
    public static List<String> names()
    {
        final List<String> names = new ArrayList<>();
        for (final Setting setting : REGISTRY)
        {
            names.add(setting.name());
        }
        return names;
    }

    static void checkConsistency(final VigilConfig config)
    {
        checkAdminChannelIsLocal(config);
    }

    private static void checkAdminChannelIsLocal(final VigilConfig config)
    {
        final String channel = config.get(ADMIN_CHANNEL);
        if (!channel.equals("aeron:ipc") && !channel.startsWith("aeron:ipc?"))
        {
            throw new ConfigException(config.sourceOf(ADMIN_CHANNEL) + ": setting '" + ADMIN_CHANNEL.name() +
                "' has value '" + channel + "'; allowed: an aeron:ipc channel, so that only processes on the " +
                "engine's host can send admin commands");
        }
    }

    private static Setting add(final Setting setting)
    {
        REGISTRY.add(setting);
        return setting;
    }

    private static String defaultAeronDir()
    {
        final String base = System.getProperty("os.name", "").toLowerCase().contains("linux") ?
            "/dev/shm" : System.getProperty("java.io.tmpdir");
        return base + "/vigil-" + System.getProperty("user.name", "default") + "-aeron";
    }
}
