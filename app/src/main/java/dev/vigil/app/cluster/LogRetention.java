package dev.vigil.app.cluster;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.RecordingLog;
import org.agrona.CloseHelper;

import java.io.File;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Log retention of one member: Aeron Cluster records the replicated log in the member's archive for ever, and a
 * snapshot does not shorten it. After a snapshot this deletes the log recording's segments that lie wholly before
 * the log position of the oldest of the {@code cluster.log.retained.snapshots} newest snapshots, and the recordings
 * of snapshots older than that one, through the member's own archive ({@link AeronArchive#purgeSegments},
 * {@link AeronArchive#purgeRecording}).
 * <p>
 * A member catches up from the leader's log from where its own ends, so the log kept behind the newest snapshot is
 * how long a member may be away: fewer snapshot intervals than the snapshots retained, less one. A member away for
 * longer, or a new one, needs a copy of a peer's data directory taken at a clean stop (see
 * docs/high-availability.md).
 */
final class LogRetention implements AutoCloseable
{
    private final File clusterDir;
    private final int retainedSnapshots;
    private final AeronArchive.Context archiveContext;
    private final long[] descriptor = new long[4];
    private AeronArchive archive;
    private long purgedBytes;
    private long newestSnapshotPosition = Aeron.NULL_VALUE;
    private long logStartPosition = Aeron.NULL_VALUE;

    /**
     * @param clusterDir     the consensus module's directory, with its recording log.
     * @param aeron          a client of the member's media driver.
     * @param archiveContext    how to reach the member's own archive.
     * @param retainedSnapshots snapshots whose log is kept, the newest included: the log from the oldest of them on.
     */
    LogRetention(
        final File clusterDir, final Aeron aeron, final AeronArchive.Context archiveContext,
        final int retainedSnapshots)
    {
        this.clusterDir = clusterDir;
        this.retainedSnapshots = retainedSnapshots;
        this.archiveContext = archiveContext.aeron(aeron).ownsAeronClient(false);
    }

    /**
     * Delete what the snapshots make unneeded.
     *
     * @return bytes of log recording deleted by this call.
     */
    long apply()
    {
        final List<RecordingLog.Entry> entries;
        final long logRecordingId;
        try (RecordingLog recordingLog = new RecordingLog(clusterDir, false))
        {
            entries = recordingLog.entries();
            logRecordingId = recordingLog.findLastTermRecordingId();
        }
        for (final RecordingLog.Entry entry : entries)
        {
            if (isConsensusSnapshot(entry))
            {
                newestSnapshotPosition = Math.max(newestSnapshotPosition, entry.logPosition);
            }
        }
        final long keepFrom = keepFrom(entries);
        if (keepFrom == Aeron.NULL_VALUE || logRecordingId == Aeron.NULL_VALUE)
        {
            return 0;
        }
        if (archive == null)
        {
            archive = AeronArchive.connect(archiveContext.clone());
        }
        for (final RecordingLog.Entry entry : entries)
        {
            if (entry.type == RecordingLog.ENTRY_TYPE_SNAPSHOT && entry.logPosition < keepFrom &&
                describe(entry.recordingId))
            {
                archive.purgeRecording(entry.recordingId);
            }
        }
        if (!describe(logRecordingId))
        {
            return 0;
        }
        final long startPosition = descriptor[0];
        final long base = AeronArchive.segmentFileBasePosition(
            startPosition, keepFrom, (int)descriptor[2], (int)descriptor[3]);
        long purged = 0;
        if (base > startPosition)
        {
            archive.purgeSegments(logRecordingId, base);
            purged = base - startPosition;
            purgedBytes += purged;
        }
        logStartPosition = Math.max(base, startPosition);
        return purged;
    }

    /**
     * @return the log position of the oldest snapshot kept, {@link #retainedSnapshots} back from the newest: the log
     * from there on stays; {@link Aeron#NULL_VALUE} while there are fewer snapshots than that.
     */
    private long keepFrom(final List<RecordingLog.Entry> entries)
    {
        final TreeSet<Long> positions = new TreeSet<>(Comparator.reverseOrder());
        for (final RecordingLog.Entry entry : entries)
        {
            if (isConsensusSnapshot(entry))
            {
                positions.add(entry.logPosition);
            }
        }
        if (positions.size() < retainedSnapshots)
        {
            return Aeron.NULL_VALUE;
        }
        long keepFrom = Aeron.NULL_VALUE;
        final Iterator<Long> newestFirst = positions.iterator();
        for (int i = 0; i < retainedSnapshots; i++)
        {
            keepFrom = newestFirst.next();
        }
        return keepFrom;
    }

    private static boolean isConsensusSnapshot(final RecordingLog.Entry entry)
    {
        return entry.type == RecordingLog.ENTRY_TYPE_SNAPSHOT && entry.isValid &&
            entry.serviceId == ConsensusModule.Configuration.SERVICE_ID;
    }

    /**
     * @return true when the archive has the recording; its start, stop, term length and segment length are then in
     * {@link #descriptor}.
     */
    private boolean describe(final long recordingId)
    {
        final int found = archive.listRecording(recordingId,
            (controlSessionId, correlationId, id, startTimestamp, stopTimestamp, startPosition, stopPosition,
            initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId, strippedChannel,
            originalChannel, sourceIdentity) ->
            {
                descriptor[0] = startPosition;
                descriptor[1] = stopPosition;
                descriptor[2] = termBufferLength;
                descriptor[3] = segmentFileLength;
            });
        return found > 0;
    }

    /**
     * @return the log position of the newest snapshot the recording log showed to the last {@link #apply}, or
     * {@link Aeron#NULL_VALUE} before one showed any.
     */
    long newestSnapshotPosition()
    {
        return newestSnapshotPosition;
    }

    /**
     * @return bytes of log recording deleted since the member started.
     */
    long purgedBytes()
    {
        return purgedBytes;
    }

    /**
     * @return where the log recording starts after the last {@link #apply()}, or {@link Aeron#NULL_VALUE} before one.
     */
    long logStartPosition()
    {
        return logStartPosition;
    }

    @Override
    public void close()
    {
        CloseHelper.close(archive);
    }
}
