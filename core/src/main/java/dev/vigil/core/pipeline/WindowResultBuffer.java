package dev.vigil.core.pipeline;

import dev.vigil.codecs.BooleanType;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.LateEventEncoder;
import dev.vigil.codecs.LateReason;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.codecs.WindowResultEncoder;
import dev.vigil.core.window.WindowSink;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Carries window results and late events from the rules stage to egress. The rules stage encodes each as its SBE
 * message straight into a one-to-one ring buffer; egress, after it has answered input N, publishes everything that
 * input N or an earlier one emitted — so, like decisions, nothing leaves before its input is journaled.
 * <p>
 * A window result is derived output, not accepted input: when the buffer is full (egress far behind) it is counted
 * as dropped rather than stalling the rules stage, and a replay of the journal emits it again.
 */
public final class WindowResultBuffer implements WindowSink, ControlledMessageHandler
{
    private static final int RESULT_SEQ_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + WindowResultDecoder.engineSeqEncodingOffset();
    private static final int LATE_SEQ_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + LateEventDecoder.engineSeqEncodingOffset();
    private static final int RESULT_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + WindowResultEncoder.BLOCK_LENGTH;
    private static final int LATE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + LateEventEncoder.BLOCK_LENGTH;

    private final OneToOneRingBuffer ring;
    private final AtomicCounter dropped;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final WindowResultEncoder result = new WindowResultEncoder();
    private final LateEventEncoder late = new LateEventEncoder();

    private ReplySink publishTo;
    private long publishUpToSeq;
    private int published;
    private boolean aborted;

    /**
     * @param capacityBytes ring capacity, a power of two.
     * @param dropped       counts what did not fit.
     */
    public WindowResultBuffer(final int capacityBytes, final AtomicCounter dropped)
    {
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacityBytes + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.dropped = dropped;
    }

    @Override
    public void onWindowResult(
        final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
        final long count, final long sum, final long min, final long max, final boolean update)
    {
        final int index = ring.tryClaim(WindowResultEncoder.TEMPLATE_ID, RESULT_LENGTH);
        if (index <= 0)
        {
            dropped.incrementOrdered();
            return;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        result.wrapAndApplyHeader(buffer, index, header)
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
        ring.commit(index);
    }

    @Override
    public void onLateEvent(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        final int index = ring.tryClaim(LateEventEncoder.TEMPLATE_ID, LATE_LENGTH);
        if (index <= 0)
        {
            dropped.incrementOrdered();
            return;
        }
        late.wrapAndApplyHeader(ring.buffer(), index, header)
            .engineSeq(engineSeq)
            .aggregateId(windowId)
            .key(key)
            .eventTimeNs(eventTimeNs)
            .watermarkNs(watermarkNs)
            .reason(LateReason.BEYOND_ALLOWED_LATENESS);
        ring.commit(index);
    }

    /**
     * Publish, in order, everything emitted by inputs up to and including {@code engineSeq}.
     *
     * @param engineSeq last input whose outputs may leave.
     * @param sink      publishes on the alert stream.
     * @return how many were handed to the sink, delivered or not.
     */
    public int publishUpTo(final long engineSeq, final ReplySink sink)
    {
        publishTo = sink;
        publishUpToSeq = engineSeq;
        published = 0;
        aborted = false;
        // One read stops at the physical end of the buffer; what wrapped to its start takes a second read.
        ring.controlledRead(this);
        if (!aborted)
        {
            ring.controlledRead(this);
        }
        return published;
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int seqOffset = msgTypeId == WindowResultEncoder.TEMPLATE_ID ? RESULT_SEQ_OFFSET : LATE_SEQ_OFFSET;
        if (buffer.getLong(index + seqOffset, WindowResultEncoder.BYTE_ORDER) > publishUpToSeq)
        {
            aborted = true;
            return Action.ABORT;
        }
        // A broadcast: with nobody subscribed there is nobody to miss it, as with alerts.
        publishTo.publishAlert(buffer, index, length);
        published++;
        return Action.CONTINUE;
    }
}
