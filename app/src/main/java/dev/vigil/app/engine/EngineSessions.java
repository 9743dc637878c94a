package dev.vigil.app.engine;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.session.Authenticator;
import dev.vigil.app.session.ConfiguredAuthenticator;
import dev.vigil.app.session.OpenedReplyPath;
import dev.vigil.app.session.ReplyChannelPolicy;
import dev.vigil.app.session.SessionCounters;
import dev.vigil.app.session.SessionGate;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.stage.ingress.RingIngress;
import io.aeron.Aeron;
import org.agrona.concurrent.NanoClock;

import java.util.Queue;

/**
 * Builds the engine's session gate from its configuration: the authenticator a credentials file asks for, the
 * reply-channel policy, and the bounds on sessions.
 */
final class EngineSessions
{
    /** Sessions that may be on their way from the gate to egress at once; more wait at the gate. */
    static final int HANDOFF_CAPACITY = 1024;

    /** Handshakes under way are moved on at most every 100 µs: fast enough for a Connect, cheap for the rest. */
    static final long HANDSHAKE_SCAN_INTERVAL_NS = 100_000;

    private EngineSessions()
    {
    }

    /**
     * @param config the engine's configuration.
     * @return HMAC challenge-response over the credentials file when one is set, else one that accepts everyone.
     */
    static Authenticator authenticator(final VigilConfig config)
    {
        return ConfiguredAuthenticator.of(config);
    }

    static SessionGate gate(
        final VigilConfig config,
        final Aeron aeron,
        final RingIngress ringIngress,
        final Authenticator authenticator,
        final NanoClock clock,
        final EngineCounters counters,
        final Queue<OpenedReplyPath> openedPaths)
    {
        final SessionGate.Limits limits = new SessionGate.Limits(
            config.getInt(Settings.SESSIONS_MAX),
            config.getInt(Settings.SESSIONS_PENDING_MAX),
            config.getInt(Settings.SESSIONS_PENDING_PER_SOURCE),
            config.getInt(Settings.SESSIONS_CONNECTING_MAX),
            config.getInt(Settings.SESSIONS_CONNECTING_PER_SOURCE),
            config.getDurationNs(Settings.SESSION_HANDSHAKE_TIMEOUT),
            config.getInt(Settings.SESSIONS_CONNECTS_PER_SECOND),
            HANDSHAKE_SCAN_INTERVAL_NS);
        return new SessionGate(
            aeron,
            ringIngress,
            ReplyChannelPolicy.of(config),
            authenticator,
            limits,
            clock,
            new SessionCounters(counters),
            openedPaths,
            config.getInt(Settings.FRAME_MAX_LENGTH));
    }
}
