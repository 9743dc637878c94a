package dev.vigil.core.stage.egress;

import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.LateEventEncoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.WindowResultDecoder;
import dev.vigil.codecs.WindowResultEncoder;
import dev.vigil.core.window.WindowSink;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Carries window results and late events from the rules stage to egress. The rules stage encodes each as its SBE
 * message straight into a one-to-one ring buffer; egress, after it has answered input N, publishes everything that
 * input N or an earlier one emitted — so, like decisions, nothing leaves before its input is journaled.
 * <p>
 * The buffer says how many more messages it has {@link #room()} for, and the windows never emit more than that: a
 * firing larger than the buffer is emitted in parts as egress drains it, while the rules stage holds its next input.
 * What still does not fit (one event whose late arrival changes more fired windows than the whole buffer holds) is
 * counted as dropped rather than blocking the rules stage. When the alert stream is back-pressured, publishing stops
 * at the message that met it and resumes there later ({@link #isBackPressured()}).
 */
public final class WindowResultBuffer implements WindowSink, ControlledMessageHandler
{
    private static final int RESULT_SEQ_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + WindowResultDecoder.engineSeqEncodingOffset();
    private static final int LATE_SEQ_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + LateEventDecoder.engineSeqEncodingOffset();
    private static final int RESULT_LENGTH = WindowOutputFrames.RESULT_LENGTH;
    private static final int LATE_LENGTH = WindowOutputFrames.LATE_LENGTH;
    /** Most bytes one message takes in the ring, its record header and alignment included. */
    private static final int RECORD_LENGTH = BitUtil.align(
        RecordDescriptor.HEADER_LENGTH + Math.max(RESULT_LENGTH, LATE_LENGTH), RecordDescriptor.ALIGNMENT);
    /**
     * Bytes kept free beyond the messages counted as room: a message that does not fit before the buffer's end is
     * written at its start after padding (less than one record), and a claim needs one record header spare.
     */
    private static final int ROOM_RESERVE = RECORD_LENGTH + 2 * RecordDescriptor.HEADER_LENGTH;

    private final OneToOneRingBuffer ring;
    private final AtomicCounter dropped;
    private final WindowOutputFrames frames = new WindowOutputFrames();

    private final int capacity;
    private final int halfRoom;
    private long consumerPositionCache;
    private ReplySink publishTo;
    private long publishUpToSeq;
    private int published;
    private boolean aborted;
    private boolean backPressured;

    /**
     * @param capacityBytes ring capacity, a power of two.
     * @param dropped       counts what did not fit.
     */
    public WindowResultBuffer(final int capacityBytes, final AtomicCounter dropped)
    {
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacityBytes + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.capacity = ring.capacity();
        this.halfRoom = (capacity >> 1) / RECORD_LENGTH;
        this.dropped = dropped;
    }

    /**
     * Messages the rules stage can still add without one being dropped, whatever mix of results and late events.
     * Reads where egress has got to only when the last reading leaves less than half the buffer, so a buffer that
     * egress keeps empty costs the rules stage no read of egress's position.
     *
     * @return messages that fit now, at least 0.
     */
    @Override
    public int room()
    {
        final long producerPosition = ring.producerPosition();
        int room = roomBetween(producerPosition, consumerPositionCache);
        if (room < halfRoom)
        {
            consumerPositionCache = ring.consumerPosition();
            room = roomBetween(producerPosition, consumerPositionCache);
        }
        return room;
    }

    private int roomBetween(final long producerPosition, final long consumerPosition)
    {
        final long free = capacity - (producerPosition - consumerPosition) - ROOM_RESERVE;
        return free <= 0 ? 0 : (int)(free / RECORD_LENGTH);
    }

    /**
     * @return true when egress has taken every message added so far.
     */
    @Override
    public boolean isDrained()
    {
        return ring.consumerPosition() >= ring.producerPosition();
    }

    /**
     * @return true when the last {@link #publishUpTo} stopped because the alert stream was back-pressured, leaving
     * messages it was allowed to publish; egress takes no further input until they are out.
     */
    public boolean isBackPressured()
    {
        return backPressured;
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
        frames.windowResult(ring.buffer(), index, engineSeq, windowId, key, startNs, endNs, count, sum, min, max,
            update);
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
        frames.lateEvent(ring.buffer(), index, engineSeq, windowId, key, eventTimeNs, watermarkNs);
        ring.commit(index);
    }

    /**
     * Publish, in order, everything emitted by inputs up to and including {@code engineSeq}.
     *
     * @param engineSeq last input whose outputs may leave.
     * @param sink      publishes on the alert stream.
     * @return how many were handed to the sink, delivered or not; less than there are when the alert stream is
     * back-pressured.
     */
    public int publishUpTo(final long engineSeq, final ReplySink sink)
    {
        publishTo = sink;
        publishUpToSeq = engineSeq;
        published = 0;
        aborted = false;
        backPressured = false;
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
        // A broadcast: with nobody subscribed there is nobody to miss it, as with alerts. A back-pressured one waits
        // in the buffer, and so holds up what follows it.
        if (publishTo.publishAlert(buffer, index, length) == ReplySink.BACK_PRESSURED)
        {
            aborted = true;
            backPressured = true;
            return Action.ABORT;
        }
        published++;
        return Action.CONTINUE;
    }
}
