package dev.vigil.app.cluster;

import dev.vigil.core.counters.CounterDescriptor;
import dev.vigil.core.counters.CounterFamily;

import static dev.vigil.core.counters.CounterFamily.counter;
import static dev.vigil.core.counters.CounterFamily.gauge;

/**
 * A cluster member's own counters, in its media driver's counters file beside the rules stage's, so that
 * {@code vigil stat}, the metrics and tools outside the process ({@link MemberStatus}) read them.
 */
public enum MemberCounter implements CounterDescriptor
{
    MEMBER_ID("cluster member id", gauge("vigil_cluster_member_id",
        "This member's id in the cluster")),
    ROLE("cluster role", gauge("vigil_cluster_role",
        "This member's role: 0 follower, 1 candidate, 2 leader")),
    COMMIT_POSITION("cluster log position", gauge("vigil_cluster_log_position_bytes",
        "Position of the replicated log this member knows to be committed")),
    LEADERSHIP_TERM("cluster leadership term", gauge("vigil_cluster_leadership_term",
        "The leadership term this member is in")),
    APPLIED_ENGINE_SEQ("cluster applied engine seq", gauge("vigil_cluster_applied_engine_seq",
        "Engine sequence of the last request this member applied")),
    STATE_HASH("cluster state hash", gauge("vigil_cluster_state_hash",
        "First 8 bytes of the SHA-256 of the member's whole rules-stage state, at the engine seq below")),
    STATE_HASH_ENGINE_SEQ("cluster state hash engine seq", gauge("vigil_cluster_state_hash_engine_seq",
        "Engine sequence the state hash was taken at (hashed when the member is idle)")),
    SNAPSHOTS("cluster snapshots", counter("vigil_cluster_snapshots_total",
        "Snapshots this member has written since it started")),
    LOG_PURGED_BYTES("cluster log purged bytes", counter("vigil_cluster_log_purged_bytes_total",
        "Bytes of log recording deleted by retention since the member started")),
    LOG_START_POSITION("cluster log start position", gauge("vigil_cluster_log_start_position_bytes",
        "Where the member's log recording now starts (after retention)"));

    private final String label;
    private final CounterFamily family;

    MemberCounter(final String label, final CounterFamily family)
    {
        this.label = label;
        this.family = family;
    }

    @Override
    public String label()
    {
        return label;
    }

    @Override
    public CounterFamily family()
    {
        return family;
    }
}
