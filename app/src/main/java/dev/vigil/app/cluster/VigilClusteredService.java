package dev.vigil.app.cluster;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.RulesUpdateOutcome;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.counters.WindowCounter;
import dev.vigil.core.counters.WindowCounters;
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.egress.WindowResultBuffer;
import dev.vigil.core.stage.ingress.EventFieldValidator;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.journal.SnapshotStore;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.ClusterException;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Vigil's rules stage as an Aeron Cluster service: the cluster's replicated log is the input sequence, and every
 * member applies it through the same code as the single-process engine, so every member holds the same state and
 * makes the same decisions.
 * <p>
 * Each session message is one request frame (Transaction, Order or Heartbeat) in the engine's wire format. It is
 * checked as the engine's ingress checks it ({@link InboundFrameValidator}, {@link EventFieldValidator}); an
 * accepted one gets the next engine sequence and goes through a {@link RulesHandler} built by
 * {@link RulesStageContext} (rules file, keyed state, windows, the retry table), then through an
 * {@link EgressHandler} that answers the sender's client session with a Decision, or a Reject for a frame refused.
 * A retried request (same client id and client sequence) gets its original decision and changes no state. Any other
 * template is rejected as not accepted here. Aeron Cluster sends replies from the leader only.
 * <p>
 * Nothing on a message's path reads a clock: rules run on the events' own times, and the stage times a Decision
 * carries are the cluster time of the message. A snapshot ({@link #onTakeSnapshot}) is the engine's snapshot file of
 * the rules stage ({@link SnapshotStore}) carried through the snapshot publication ({@link ClusterSnapshotStream}); a
 * member starting from one loads it, then the cluster replays the log after it.
 * <p>
 * Each session speaks for the one client id its principal names ({@link ClientBindings}, set by
 * {@link ClusterAuthenticator} when it connects): a frame that carries another id is rejected as a client id mismatch.
 * <p>
 * Alerts, window results and late events leave on the alert stream ({@code alerts.channel}) of the member that
 * leads; subscribers listen to every member's ({@code AlertSubscriber}) and hear the leader. A {@code RulesUpdate}
 * from a session of {@code cluster.admin.client.id} replaces the rules at its place in the log, on every member
 * ({@link ClusterRulesUpdates}).
 */
public final class VigilClusteredService implements ClusteredService
{
    /** Longest time a starting member waits for the whole snapshot from its image. */
    public static final long SNAPSHOT_LOAD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    /** Directory, in the service's cluster directory, where snapshot files are staged on their way in and out. */
    public static final String SNAPSHOT_STAGING_DIR = "vigil-snapshots";

    private final ClusterTime time = new ClusterTime();
    private final EngineCounters counters;
    private final AtomicCounter framesReceived;
    private final AtomicCounter errors;
    private final ClusterReplySink replies;
    private final RulesHandler rules;
    private final EgressHandler egress;
    private final RingEvent event;
    private final InboundFrameValidator validator;
    private final EventFieldValidator fieldValidator = new EventFieldValidator();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final long fingerprint;
    private final LongPredicate acceptedFingerprints;
    private final ClientBindings bindings;
    private final ClusterRulesUpdates rulesUpdates;
    private final RingEvent rulesUpdateEvent;
    private final String alertsChannel;
    private final int alertsStreamId;
    private Cluster cluster;
    private Publication alerts;
    private SnapshotStore staging;
    private long engineSeq;

    private volatile long appliedEngineSeq;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long snapshotsTaken;
    private volatile long snapshotsLoaded;
    private volatile long lastSnapshotHash;
    private volatile long loadedSnapshotHash;
    private volatile long stateHashRequested;
    private volatile long stateHashAnswered;
    private volatile long stateHash;
    private volatile long stateHashEngineSeq;

    /**
     * @param config the settings the rules stage is built from, as the engine builds it: {@code rules.file},
     *               {@code rules.*}, {@code time.*}, {@code dedup.window}, {@code frame.max.length}. The keyed
     *               state lives in process memory: a member rebuilds it from the cluster's snapshot and log.
     * @throws dev.vigil.app.config.ConfigException when the rules are invalid.
     */
    public VigilClusteredService(final VigilConfig config)
    {
        this(config, RuleSetFactory.offlineCounters());
    }

    /**
     * @param config   as for {@link #VigilClusteredService(VigilConfig)}.
     * @param counters where the rules stage and egress count, e.g. in the member's counters file so that tools
     *                 outside the process read them.
     * @throws dev.vigil.app.config.ConfigException when the rules are invalid.
     */
    public VigilClusteredService(final VigilConfig config, final EngineCounters counters)
    {
        this.counters = counters;
        this.framesReceived = counters.get(EngineCounter.FRAMES_RECEIVED);
        this.errors = counters.get(EngineCounter.ERRORS);
        this.replies = new ClusterReplySink(counters.get(EngineCounter.EGRESS_BACK_PRESSURED));
        final WindowCounters windowCounters = new WindowCounters(counters);
        final WindowResultBuffer windowResults = new WindowResultBuffer(
            config.getInt(Settings.WINDOWS_OUTPUT_BUFFER), windowCounters.get(WindowCounter.RESULTS_DROPPED));
        this.rules = new RulesStageContext(config)
            .counters(counters)
            .windowCounters(windowCounters)
            .windowSink(windowResults)
            .clock(time)
            .newHandler();
        this.egress = new EgressHandler(replies, counters, time, windowResults);
        this.alertsChannel = config.get(Settings.ALERTS_CHANNEL);
        this.alertsStreamId = config.getInt(Settings.ALERTS_STREAM_ID);
        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        this.event = new RingEvent(maxFrameLength);
        this.validator = new InboundFrameValidator(maxFrameLength);
        this.fingerprint = RuleSetFactory.stateFingerprint(config);
        this.acceptedFingerprints = RuleSetFactory.acceptedStateFingerprints(config);
        this.bindings = new ClientBindings(!config.get(Settings.AUTH_CREDENTIALS_FILE).isBlank());
        final int maxUpdateLength = maxRulesUpdateLength(config);
        this.rulesUpdates = new ClusterRulesUpdates(
            config.getInt(Settings.CLUSTER_ADMIN_CLIENT_ID), bindings, maxUpdateLength, counters);
        this.rulesUpdateEvent = new RingEvent(maxUpdateLength);
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        rules.errorHandler(cluster.context().countedErrorHandler());
        staging = new SnapshotStore(cluster.context().clusterDir().toPath().resolve(SNAPSHOT_STAGING_DIR), 1);
        staging.deleteTemporaries();
        if (snapshotImage != null)
        {
            loadSnapshot(snapshotImage);
            bindings.restore(cluster);
        }
        appliedEngineSeq = engineSeq;
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
        bindings.onOpen(session, cluster);
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        bindings.onClose(session.id());
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        replies.replyTo(session);
        try
        {
            // The cluster's time unit is known once the log is joined, not yet at start.
            time.nowNs = cluster.timeUnit().toNanos(timestamp);
            apply(session, buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            // Deterministic like everything here: every member meets the same failure at the same input.
            errors.incrementOrdered();
            cluster.context().countedErrorHandler().onError(ex);
        }
        finally
        {
            replies.replyTo(null);
        }
        appliedEngineSeq = engineSeq;
    }

    private void apply(final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        framesReceived.incrementOrdered();
        if (rulesUpdates.isRulesUpdate(buffer, offset, length))
        {
            applyRulesUpdate(session, buffer, offset, length);
            return;
        }
        RejectReason reason = validator.validate(buffer, offset, length);
        int templateId = 0;
        if (length >= InboundFrameValidator.HEADER_LENGTH)
        {
            header.wrap(buffer, offset);
            templateId = header.templateId();
        }
        final long clientId = InboundFrameValidator.clientId(buffer, offset, length);
        final long clientSeq = InboundFrameValidator.isEventTemplate(templateId) ?
            InboundFrameValidator.clientSeq(buffer, offset, length) : 0;
        if (reason == null && !InboundFrameValidator.isEventTemplate(templateId))
        {
            reason = RejectReason.NOT_ACCEPTED_HERE;
        }
        if (reason == null && (session == null || !bindings.speaksFor(session.id(), clientId)))
        {
            // Only the session that proved a client id speaks for it.
            reason = RejectReason.CLIENT_ID_MISMATCH;
        }
        if (reason == null && !fieldValidator.hasValidFields(buffer, offset, templateId))
        {
            reason = RejectReason.INVALID_FIELD;
        }

        // As the engine's ingress: accepted events get the next engine sequence, anything else 0, meaning none.
        final long seq = reason == null ? ++engineSeq : 0;
        final int copyLength = reason == RejectReason.FRAME_TOO_LARGE ? 0 : length;
        // The reply sink answers the session being applied; the slot's session id is for the record only.
        final int sessionId = session == null ? 0 : (int)session.id();
        event.resetForFrame(FrameKind.EVENT, buffer, offset, copyLength, sessionId, seq, time.nowNs);
        event.identify(templateId, clientId, clientSeq);
        if (reason != null)
        {
            event.reject(reason, length);
        }
        else
        {
            rules.onEvent(event, seq, true);
        }
        egress.onEvent(event, seq, true);
        // A firing larger than the window output buffer is emitted as egress publishes it, all before the next
        // message: the alert stream never holds it back here, so this ends.
        while (rules.holdsInput())
        {
            rules.resume();
            egress.resume();
        }
    }

    /**
     * A rules update through the log: from an admin session, it goes through the rules stage as the engine's admin
     * channel sends it, with the next engine sequence; every chunk is answered with its outcome.
     */
    private void applyRulesUpdate(
        final ClientSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        final int sessionId = session == null ? 0 : (int)session.id();
        RulesUpdateOutcome outcome = rulesUpdates.admit(session, buffer, offset, length);
        long seq = 0;
        if (outcome == null)
        {
            seq = ++engineSeq;
            // A slot of its own: a whole rules file is longer than the frames of the request path.
            rulesUpdateEvent.resetForFrame(FrameKind.EVENT, buffer, offset, length, sessionId, seq, time.nowNs);
            rulesUpdateEvent.identify(RulesUpdateDecoder.TEMPLATE_ID, 0, 0);
            rulesUpdates.beforeApply();
            rules.onEvent(rulesUpdateEvent, seq, true);
            egress.onEvent(rulesUpdateEvent, seq, true);
            outcome = rulesUpdates.outcome();
        }
        rulesUpdates.answer(replies, sessionId, outcome, seq);
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final MessageDigest digest = sha256();
        // One pass over the state: the snapshot's body, hashed as it is written.
        final Path file = staging.writeTemporary(engineSeq, fingerprint, out ->
        {
            try (DataOutputStream hashed = new DataOutputStream(new HashingOutput(out, digest)))
            {
                rules.writeState(hashed);
            }
        });
        try
        {
            ClusterSnapshotStream.offer(file, engineSeq, snapshotPublication, cluster.idleStrategy());
        }
        finally
        {
            deleteQuietly(file);
        }
        lastSnapshotHash = first8Bytes(digest);
        snapshotsTaken++;
    }

    private void loadSnapshot(final Image snapshotImage)
    {
        final Path incoming = staging.directory().resolve("incoming.tmp");
        Path file = incoming;
        try
        {
            Files.createDirectories(staging.directory());
            final long seq = ClusterSnapshotStream.read(
                snapshotImage, incoming, cluster.idleStrategy(), SNAPSHOT_LOAD_TIMEOUT_NS);
            // The engine's snapshot files are named after their engine sequence, which the load checks.
            file = Files.move(incoming, staging.fileOf(seq), StandardCopyOption.REPLACE_EXISTING);
            final String unusable = staging.load(file, acceptedFingerprints, rules::readState);
            if (unusable != null)
            {
                throw new ClusterException("cluster snapshot at engine seq " + seq + " cannot be loaded: " + unusable);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot stage the cluster snapshot in " + staging.directory(), ex);
        }
        finally
        {
            deleteQuietly(file);
        }
        engineSeq = rules.lastEngineSeq();
        loadedSnapshotHash = hashState();
        snapshotsLoaded++;
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        if (newRole == Cluster.Role.LEADER && alerts == null)
        {
            alerts = cluster.aeron().addPublication(alertsChannel, alertsStreamId);
            replies.alertsTo(alerts);
        }
        else if (newRole != Cluster.Role.LEADER && alerts != null)
        {
            replies.alertsTo(null);
            CloseHelper.quietClose(alerts);
            alerts = null;
        }
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        replies.alertsTo(null);
        CloseHelper.quietClose(alerts);
        alerts = null;
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        final long requested = stateHashRequested;
        if (requested == stateHashAnswered)
        {
            return 0;
        }
        stateHash = hashState();
        stateHashEngineSeq = engineSeq;
        stateHashAnswered = requested;
        return 1;
    }

    /**
     * @param config a member's settings.
     * @return the longest rules update the cluster takes: an update is one message of the log, and a log message is
     * at most an eighth of the log's term length, the cluster's session header included.
     */
    public static int maxRulesUpdateLength(final VigilConfig config)
    {
        return (int)(config.getLong(Settings.CLUSTER_LOG_TERM_LENGTH) / 8) - AeronCluster.SESSION_HEADER_LENGTH;
    }

    /**
     * @return engine sequence of the last request this member applied; any thread.
     */
    public long appliedEngineSeq()
    {
        return appliedEngineSeq;
    }

    /**
     * @return this member's role as the cluster last told the service; any thread.
     */
    public Cluster.Role role()
    {
        return role;
    }

    /**
     * @return the counters of this member's rules stage and egress; read from any thread.
     */
    public EngineCounters counters()
    {
        return counters;
    }

    /**
     * @return sessions closed because another session held or took their client id; any thread, approximately.
     */
    public long sessionsClosedForTheirClientId()
    {
        return bindings.sessionsClosed();
    }

    /**
     * @return snapshots this member has written since it started.
     */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /**
     * @return snapshots this member has loaded at start: 0 or 1.
     */
    public long snapshotsLoaded()
    {
        return snapshotsLoaded;
    }

    /**
     * @return {@link #stateHash()} of the state the last snapshot written holds.
     */
    public long lastSnapshotHash()
    {
        return lastSnapshotHash;
    }

    /**
     * @return {@link #stateHash()} of the state just loaded from a snapshot at start.
     */
    public long loadedSnapshotHash()
    {
        return loadedSnapshotHash;
    }

    /**
     * Ask the service thread to hash the state between two messages, on its next duty cycle.
     *
     * @return the ticket to wait for with {@link #isStateHashReady}.
     */
    public long requestStateHash()
    {
        final long ticket = stateHashAnswered + 1;
        stateHashRequested = ticket;
        return ticket;
    }

    /**
     * @param ticket from {@link #requestStateHash}.
     * @return true once {@link #stateHash()} answers that request or a later one.
     */
    public boolean isStateHashReady(final long ticket)
    {
        return stateHashAnswered >= ticket;
    }

    /**
     * @return the first 8 bytes of the SHA-256 of the rules stage's whole state as of {@link #stateHashEngineSeq()},
     * as {@link RulesHandler#writeState} writes it: members that applied the same input hold the same hash.
     */
    public long stateHash()
    {
        return stateHash;
    }

    /**
     * @return the engine sequence {@link #stateHash()} was taken at.
     */
    public long stateHashEngineSeq()
    {
        return stateHashEngineSeq;
    }

    private long hashState()
    {
        return stateHashOf(rules);
    }

    /**
     * @param rules a rules stage, between two inputs.
     * @return the first 8 bytes of the SHA-256 of its whole state as {@link RulesHandler#writeState} writes it.
     */
    static long stateHashOf(final RulesHandler rules)
    {
        final MessageDigest digest = sha256();
        try (DataOutputStream out = new DataOutputStream(
            new DigestOutputStream(OutputStream.nullOutputStream(), digest)))
        {
            rules.writeState(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the state to hash it", ex);
        }
        return first8Bytes(digest);
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }

    private static long first8Bytes(final MessageDigest digest)
    {
        final byte[] sha = digest.digest();
        long hash = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            hash = (hash << 8) | (sha[i] & 0xFF);
        }
        return hash;
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // A staged file left behind is replaced by the next snapshot and never loaded by name.
        }
    }

    /**
     * Writes through to a snapshot file's output and into a digest; closing it closes neither.
     */
    private static final class HashingOutput extends OutputStream
    {
        private final DataOutput out;
        private final MessageDigest digest;

        HashingOutput(final DataOutput out, final MessageDigest digest)
        {
            this.out = out;
            this.digest = digest;
        }

        @Override
        public void write(final int b) throws IOException
        {
            out.write(b);
            digest.update((byte)b);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            out.write(bytes, offset, length);
            digest.update(bytes, offset, length);
        }
    }

    /**
     * The cluster time of the message being applied, as the clock of the rules stage and egress, so that the stage
     * times they record are the same on every member.
     */
    private static final class ClusterTime implements NanoClock
    {
        private long nowNs;

        @Override
        public long nanoTime()
        {
            return nowNs;
        }
    }
}
