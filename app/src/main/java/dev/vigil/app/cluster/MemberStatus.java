package dev.vigil.app.cluster;

import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.CncFileDescriptor;
import io.aeron.cluster.service.Cluster;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A cluster member's status as its {@link MemberCounter}s in its counters file say, read from outside the member's
 * process (as {@code vigil stat} reads an engine's).
 *
 * @param memberId           the member's id.
 * @param role               its role.
 * @param logPosition        the log position it knows committed.
 * @param appliedEngineSeq   engine sequence of the last request it applied.
 * @param stateHash          its state hash, at {@code stateHashEngineSeq}.
 * @param stateHashEngineSeq the engine sequence the hash was taken at.
 * @param snapshots          snapshots it wrote since it started.
 * @param logPurgedBytes     log recording bytes retention deleted since it started.
 * @param eventsEvaluated    requests its rules evaluated since it started, retries answered from the retry table
 *                           not counted: on a member that neither restarted nor loaded a snapshot, each request once.
 */
public record MemberStatus(
    long memberId,
    Cluster.Role role,
    long logPosition,
    long appliedEngineSeq,
    long stateHash,
    long stateHashEngineSeq,
    long snapshots,
    long logPurgedBytes,
    long eventsEvaluated)
{
    /**
     * @param aeronDir a member's Aeron directory.
     * @return its status, or empty when no member's counters are there.
     */
    public static Optional<MemberStatus> read(final String aeronDir)
    {
        final File cncFile = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.isFile())
        {
            return Optional.empty();
        }
        final MappedByteBuffer cnc;
        try
        {
            cnc = IoUtil.mapExistingFile(cncFile, "cnc");
        }
        catch (final RuntimeException ex)
        {
            return Optional.empty();
        }
        try
        {
            if (cnc.capacity() < CncFileDescriptor.META_DATA_LENGTH)
            {
                // A member starting again: its media driver has created the file but not sized it yet.
                return Optional.empty();
            }
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            if (metaData.getInt(CncFileDescriptor.cncVersionOffset(0)) == 0)
            {
                return Optional.empty();
            }
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
                CncFileDescriptor.createCountersValuesBuffer(cnc, metaData),
                StandardCharsets.US_ASCII);
            final long[] values = new long[MemberCounter.values().length];
            final long[] evaluated = new long[1];
            final boolean[] found = new boolean[1];
            final String evaluatedLabel = EngineCounters.LABEL_PREFIX + EngineCounter.EVENTS_EVALUATED.label();
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == EngineCounters.VIGIL_COUNTER_TYPE_ID)
                {
                    if (label.equals(evaluatedLabel))
                    {
                        evaluated[0] = counters.getCounterValue(counterId);
                    }
                    for (final MemberCounter counter : MemberCounter.values())
                    {
                        if (label.equals(EngineCounters.LABEL_PREFIX + counter.label()))
                        {
                            values[counter.ordinal()] = counters.getCounterValue(counterId);
                            found[0] = true;
                        }
                    }
                }
            });
            if (!found[0])
            {
                return Optional.empty();
            }
            return Optional.of(new MemberStatus(
                values[MemberCounter.MEMBER_ID.ordinal()],
                Cluster.Role.get(values[MemberCounter.ROLE.ordinal()]),
                values[MemberCounter.COMMIT_POSITION.ordinal()],
                values[MemberCounter.APPLIED_ENGINE_SEQ.ordinal()],
                values[MemberCounter.STATE_HASH.ordinal()],
                values[MemberCounter.STATE_HASH_ENGINE_SEQ.ordinal()],
                values[MemberCounter.SNAPSHOTS.ordinal()],
                values[MemberCounter.LOG_PURGED_BYTES.ordinal()],
                evaluated[0]));
        }
        finally
        {
            IoUtil.unmap(cnc);
        }
    }

    /**
     * @return true when the state hash is of the last request applied, so members at rest can be compared.
     */
    public boolean hashIsCurrent()
    {
        return stateHashEngineSeq == appliedEngineSeq;
    }
}
