package dev.vigil.core.stage.egress;

import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.LateEventEncoder;
import dev.vigil.codecs.LateReason;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.WindowResultEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the {@code WindowResult} and {@code LateEvent} messages the windows emit: the one place egress and
 * whatever rebuilds outputs from the journal take them from, as {@link AlertFrames} is for alerts.
 */
public final class WindowOutputFrames
{
    /** Bytes of a window result message. */
    public static final int RESULT_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + WindowResultEncoder.BLOCK_LENGTH;
    /** Bytes of a late event message. */
    public static final int LATE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + LateEventEncoder.BLOCK_LENGTH;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final WindowResultEncoder result = new WindowResultEncoder();
    private final LateEventEncoder late = new LateEventEncoder();

    /**
     * Encode one window result, {@link #RESULT_LENGTH} bytes from {@code offset}; the arguments are those of
     * {@code WindowSink.onWindowResult}.
     *
     * @return the message's length.
     */
    public int windowResult(
        final MutableDirectBuffer buffer, final int offset, final long engineSeq, final int windowId, final long key,
        final long startNs, final long endNs, final long count, final long sum, final long min, final long max,
        final boolean update)
    {
        result.wrapAndApplyHeader(buffer, offset, header)
            .key(key)
            .aggregateId(windowId)
            .windowStartNs(startNs)
            .windowEndNs(endNs)
            .count(count)
            .sum(sum)
            .min(min)
            .max(max)
            .isUpdate(update ? BooleanType.TRUE : BooleanType.FALSE)
            .engineSeq(engineSeq);
        return RESULT_LENGTH;
    }

    /**
     * Encode one late event, {@link #LATE_LENGTH} bytes from {@code offset}; the arguments are those of
     * {@code WindowSink.onLateEvent}.
     *
     * @return the message's length.
     */
    public int lateEvent(
        final MutableDirectBuffer buffer, final int offset, final long engineSeq, final int windowId, final long key,
        final long eventTimeNs, final long watermarkNs)
    {
        late.wrapAndApplyHeader(buffer, offset, header)
            .engineSeq(engineSeq)
            .aggregateId(windowId)
            .key(key)
            .eventTimeNs(eventTimeNs)
            .watermarkNs(watermarkNs)
            .reason(LateReason.BEYOND_ALLOWED_LATENESS);
        return LATE_LENGTH;
    }
}
