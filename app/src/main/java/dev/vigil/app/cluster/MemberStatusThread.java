package dev.vigil.app.cluster;

import io.aeron.Aeron;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * A member's status thread, off the cluster's threads: every {@link ClusterMember#STATUS_INTERVAL_MS} it copies the
 * member's role, log position and applied engine sequence into its {@link MemberCounter}s, asks the service for a
 * state hash once the member has applied nothing new for a whole interval, asks for a snapshot when it leads and
 * {@code snapshot.interval.events} requests have been applied since the last, and applies log retention after each
 * snapshot the consensus module completes.
 */
final class MemberStatusThread implements AutoCloseable
{
    /** Ticks a snapshot's retention is tried for while the recording log does not show it yet: two seconds. */
    private static final int RETENTION_TICKS = 20;

    private final ConsensusModule.Context consensus;
    private final VigilClusteredService service;
    private final AtomicCounter[] counters;
    private final long snapshotIntervalEvents;
    private final LogRetention retention;
    private final ErrorHandler errors;
    private final Thread thread;
    private volatile boolean running = true;

    private long lastApplied = -1;
    private long hashTicket;
    private long snapshotRequestedAtSeq;
    private long snapshotsSeen;
    private int retentionTicksLeft;

    MemberStatusThread(
        final ConsensusModule.Context consensus,
        final VigilClusteredService service,
        final AtomicCounter[] counters,
        final long snapshotIntervalEvents,
        final LogRetention retention,
        final ErrorHandler errors)
    {
        this.consensus = consensus;
        this.service = service;
        this.counters = counters;
        this.snapshotIntervalEvents = snapshotIntervalEvents;
        this.retention = retention;
        this.errors = errors;
        this.thread = new Thread(this::run, "vigil-member-status");
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    private void run()
    {
        snapshotsSeen = consensus.snapshotCounter().get();
        snapshotRequestedAtSeq = service.appliedEngineSeq();
        while (running)
        {
            try
            {
                tick();
                Thread.sleep(ClusterMember.STATUS_INTERVAL_MS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                if (running)
                {
                    errors.onError(ex);
                }
            }
        }
    }

    private void tick()
    {
        final Cluster.Role role = service.role();
        set(MemberCounter.ROLE, role.code());
        set(MemberCounter.COMMIT_POSITION, consensus.commitPositionCounter().get());
        set(MemberCounter.LEADERSHIP_TERM, consensus.leadershipTermIdCounter().get());
        final long applied = service.appliedEngineSeq();
        set(MemberCounter.APPLIED_ENGINE_SEQ, applied);
        set(MemberCounter.SNAPSHOTS, service.snapshotsTaken());

        // Hash only a member at rest, so the hash is of a state the others reach too.
        if (hashTicket != 0 && service.isStateHashReady(hashTicket))
        {
            set(MemberCounter.STATE_HASH, service.stateHash());
            set(MemberCounter.STATE_HASH_ENGINE_SEQ, service.stateHashEngineSeq());
            hashTicket = 0;
        }
        if (hashTicket == 0 && applied == lastApplied &&
            counters[MemberCounter.STATE_HASH_ENGINE_SEQ.ordinal()].get() != applied)
        {
            hashTicket = service.requestStateHash();
        }
        lastApplied = applied;

        if (role == Cluster.Role.LEADER && snapshotIntervalEvents > 0 &&
            applied - snapshotRequestedAtSeq >= snapshotIntervalEvents)
        {
            final AtomicCounter toggle = ClusterControl.findControlToggle(
                consensus.aeron().countersReader(), consensus.clusterId());
            if (toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle))
            {
                snapshotRequestedAtSeq = applied;
            }
        }

        final long snapshots = consensus.snapshotCounter().get();
        if (snapshots != snapshotsSeen)
        {
            snapshotsSeen = snapshots;
            retentionTicksLeft = RETENTION_TICKS;
        }
        if (retentionTicksLeft > 0 && retention != null)
        {
            // The counter can move before the recording log shows the snapshot: apply again on the next ticks
            // until it does, or the snapshot would keep its log until the one after.
            final long newestBefore = retention.newestSnapshotPosition();
            retention.apply();
            retentionTicksLeft = retention.newestSnapshotPosition() != newestBefore ? 0 : retentionTicksLeft - 1;
            set(MemberCounter.LOG_PURGED_BYTES, retention.purgedBytes());
            if (retention.logStartPosition() != Aeron.NULL_VALUE)
            {
                set(MemberCounter.LOG_START_POSITION, retention.logStartPosition());
            }
        }
    }

    private void set(final MemberCounter counter, final long value)
    {
        counters[counter.ordinal()].setOrdered(value);
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.close(retention);
    }
}
