package dev.vigil.core.stage.ingress;

import com.lmax.disruptor.RingBuffer;
import dev.vigil.codecs.ConnectDecoder;
import dev.vigil.codecs.DisconnectDecoder;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Front of the pipeline, independent of any transport: validates each inbound frame, checks it against the sender's
 * session, assigns accepted events their engine sequence, and copies the frame into the next ring slot.
 * <p>
 * Sessions are opened by the caller, through {@link #openSession}, once it has decided who the sender is (the engine
 * authenticates it and builds its reply path first). A {@code Connect} or {@code ChallengeResponse} frame given to
 * {@link #onFrame} opens nothing: it is refused as not accepted here, so no path around that decision exists.
 * <p>
 * Every frame takes exactly one slot, refused ones included, so that egress can answer them in order. Callers must
 * not offer more frames than {@link #remainingCapacity()} allows: that is how back-pressure reaches the transport
 * (stop polling) instead of frames being dropped. Single-threaded: owned by the ingress thread.
 */
public final class RingIngress
{
    private static final long NO_CLIENT = 0;
    private static final long NO_SESSION = Long.MIN_VALUE;

    private final RingBuffer<RingEvent> ring;
    private final InboundFrameValidator validator;
    private final NanoClock clock;
    private final AtomicCounter framesReceived;
    private final AtomicCounter ringOccupancy;
    private final AtomicCounter ringHighWaterMark;
    private final AtomicCounter rulesUpdatesRefusedMalformed;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final EventFieldValidator fieldValidator = new EventFieldValidator();
    private final Long2LongHashMap clientIdBySession = new Long2LongHashMap(NO_CLIENT);
    private final Long2LongHashMap sessionByClientId = new Long2LongHashMap(NO_SESSION);
    private final UnsafeBuffer emptyFrame = new UnsafeBuffer(new byte[0]);
    private long lastEngineSeq;
    private long lastOccupancy;
    private long highWaterMark;

    /**
     * @param ring          the ring to publish to.
     * @param clock         stamps receive times.
     * @param counters      where frames and rejects are counted.
     * @param lastEngineSeq engine sequence of the last event accepted before this start, 0 on a fresh engine.
     */
    public RingIngress(
        final RingBuffer<RingEvent> ring,
        final NanoClock clock,
        final EngineCounters counters,
        final long lastEngineSeq)
    {
        this.ring = ring;
        this.clock = clock;
        this.framesReceived = counters.get(EngineCounter.FRAMES_RECEIVED);
        this.ringOccupancy = counters.get(EngineCounter.RING_OCCUPANCY);
        this.ringHighWaterMark = counters.get(EngineCounter.RING_HIGH_WATER_MARK);
        this.rulesUpdatesRefusedMalformed = counters.get(EngineCounter.RULES_UPDATES_REFUSED_MALFORMED);
        this.lastEngineSeq = lastEngineSeq;
        this.validator = new InboundFrameValidator(ring.get(0).maxFrameLength());
    }

    /**
     * @return how many frames may be offered now without waiting for the ring to drain.
     */
    public int remainingCapacity()
    {
        return (int)Math.min(Integer.MAX_VALUE, ring.remainingCapacity());
    }

    /**
     * Publish how many ring slots are taken now, and the most ever taken, to the counters; once per duty cycle.
     */
    public void sampleOccupancy()
    {
        final long occupancy = ring.getBufferSize() - ring.remainingCapacity();
        if (occupancy != lastOccupancy)
        {
            lastOccupancy = occupancy;
            ringOccupancy.setOrdered(occupancy);
            if (occupancy > highWaterMark)
            {
                highWaterMark = occupancy;
                ringHighWaterMark.setOrdered(occupancy);
            }
        }
    }

    /**
     * Take one complete inbound frame.
     *
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame.
     * @param sessionId transport session the frame arrived on; replies go back to it.
     */
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final int sessionId)
    {
        framesReceived.incrementOrdered();
        final long receiveTimeNs = clock.nanoTime();

        RejectReason reason = validator.validate(buffer, offset, length);
        FrameKind kind = FrameKind.REJECTED;
        int templateId = 0;
        if (length >= InboundFrameValidator.HEADER_LENGTH)
        {
            header.wrap(buffer, offset);
            templateId = header.templateId();
        }
        final long clientId = InboundFrameValidator.clientId(buffer, offset, length);
        final long clientSeq = InboundFrameValidator.isEventTemplate(templateId) ?
            InboundFrameValidator.clientSeq(buffer, offset, length) : 0;

        if (reason == null && InboundFrameValidator.isSessionOpeningTemplate(templateId))
        {
            reason = RejectReason.NOT_ACCEPTED_HERE;
        }
        if (reason == null)
        {
            kind = kindOf(templateId);
            reason = checkSession(kind, sessionId, clientId);
            if (reason == null && kind == FrameKind.EVENT && !fieldValidator.hasValidFields(buffer, offset, templateId))
            {
                reason = RejectReason.INVALID_FIELD;
            }
        }

        // Accepted events get the next engine sequence; everything else carries 0, meaning none.
        final long engineSeq = reason == null && kind == FrameKind.EVENT ? ++lastEngineSeq : 0;

        final long sequence = ring.next();
        try
        {
            final RingEvent event = ring.get(sequence);
            final int copyLength = reason == RejectReason.FRAME_TOO_LARGE ? 0 : length;
            event.resetForFrame(kind, buffer, offset, copyLength, sessionId, engineSeq, receiveTimeNs);
            event.identify(templateId, clientId, clientSeq);
            if (reason != null)
            {
                event.reject(reason, length);
            }
        }
        finally
        {
            ring.publish(sequence);
        }
    }

    /**
     * Open a session for a client whose identity and reply path the caller has settled: its events are accepted from
     * now on. A client id lives on one session at a time, so a client that connects again on a new session takes
     * over from its old one, whose transport may take a while to time out. Egress learns of it in input order, with
     * the engine sequence of the last accepted event, which the client's {@code Connected} carries. Takes one ring
     * slot.
     *
     * @param sessionId transport session the client's frames arrive on.
     * @param clientId  the client's id, not 0.
     */
    public void openSession(final int sessionId, final long clientId)
    {
        final long previousSession = sessionByClientId.put(clientId, sessionId);
        if (previousSession != NO_SESSION && previousSession != sessionId)
        {
            clientIdBySession.remove(previousSession);
        }
        final long previousClient = clientIdBySession.put(sessionId, clientId);
        if (previousClient != NO_CLIENT && previousClient != clientId)
        {
            sessionByClientId.remove(previousClient);
        }
        final long sequence = ring.next();
        try
        {
            final RingEvent event = ring.get(sequence);
            event.resetForFrame(FrameKind.CONNECT, emptyFrame, 0, 0, sessionId, lastEngineSeq, clock.nanoTime());
            event.identify(ConnectDecoder.TEMPLATE_ID, clientId, 0);
        }
        finally
        {
            ring.publish(sequence);
        }
    }

    /**
     * @param clientId a client's id.
     * @return the transport session the client is connected on, or {@link Integer#MIN_VALUE} when it is not.
     */
    public int sessionOf(final long clientId)
    {
        final long sessionId = sessionByClientId.get(clientId);
        return sessionId == NO_SESSION ? Integer.MIN_VALUE : (int)sessionId;
    }

    /**
     * @param sessionId a transport session.
     * @return the id of the client connected on it, or 0 when none is.
     */
    public long clientOf(final int sessionId)
    {
        return clientIdBySession.get(sessionId);
    }

    /**
     * Take a {@code RulesUpdate} frame from the local admin channel: like an accepted event it gets the next engine
     * sequence and is journaled, so the rules stage switches rules at exactly this point in the input, live and on
     * every replay. A structurally invalid frame is counted and dropped. Takes one ring slot when accepted.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     * @return whether the frame was accepted.
     */
    public boolean onRulesUpdateFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        if (validator.validateRulesUpdate(buffer, offset, length) != null)
        {
            rulesUpdatesRefusedMalformed.incrementOrdered();
            return false;
        }
        final long engineSeq = ++lastEngineSeq;
        final long sequence = ring.next();
        try
        {
            final RingEvent event = ring.get(sequence);
            event.resetForFrame(FrameKind.EVENT, buffer, offset, length, 0, engineSeq, clock.nanoTime());
            event.identify(RulesUpdateDecoder.TEMPLATE_ID, 0, 0);
        }
        finally
        {
            ring.publish(sequence);
        }
        return true;
    }

    /**
     * The transport lost a sender (its publication went away): forget its session and let egress release what it
     * held for it. Takes one ring slot when the session was known.
     *
     * @param sessionId the transport session that closed.
     */
    public void onSessionClosed(final int sessionId)
    {
        final long clientId = forgetSession(sessionId);
        if (clientId != NO_CLIENT)
        {
            publishDisconnect(sessionId, clientId);
        }
    }

    /**
     * Put a snapshot point into the input: the rules stage snapshots its state when it reaches it, at the engine
     * sequence of the last event accepted before it. Takes one ring slot.
     */
    public void publishSnapshotPoint()
    {
        final long sequence = ring.next();
        try
        {
            ring.get(sequence).resetForFrame(
                FrameKind.SNAPSHOT, emptyFrame, 0, 0, 0, lastEngineSeq, clock.nanoTime());
        }
        finally
        {
            ring.publish(sequence);
        }
    }

    /**
     * @return engine sequence of the last accepted event.
     */
    public long lastEngineSeq()
    {
        return lastEngineSeq;
    }

    /**
     * @return sessions currently connected.
     */
    public int sessionCount()
    {
        return clientIdBySession.size();
    }

    private RejectReason checkSession(final FrameKind kind, final int sessionId, final long clientId)
    {
        final long knownClientId = clientIdBySession.get(sessionId);
        switch (kind)
        {
            case DISCONNECT:
            case EVENT:
                if (knownClientId == NO_CLIENT)
                {
                    return RejectReason.NOT_CONNECTED;
                }
                if (knownClientId != clientId)
                {
                    return RejectReason.CLIENT_ID_MISMATCH;
                }
                if (kind == FrameKind.DISCONNECT)
                {
                    forgetSession(sessionId);
                }
                return null;

            default:
                return null;
        }
    }

    private long forgetSession(final int sessionId)
    {
        final long clientId = clientIdBySession.remove(sessionId);
        if (clientId != NO_CLIENT && sessionByClientId.get(clientId) == sessionId)
        {
            sessionByClientId.remove(clientId);
        }
        return clientId;
    }

    private void publishDisconnect(final int sessionId, final long clientId)
    {
        final long sequence = ring.next();
        try
        {
            final RingEvent event = ring.get(sequence);
            event.resetForFrame(FrameKind.DISCONNECT, emptyFrame, 0, 0, sessionId, 0, clock.nanoTime());
            event.identify(DisconnectDecoder.TEMPLATE_ID, clientId, 0);
        }
        finally
        {
            ring.publish(sequence);
        }
    }

    private static FrameKind kindOf(final int templateId)
    {
        return templateId == DisconnectDecoder.TEMPLATE_ID ? FrameKind.DISCONNECT : FrameKind.EVENT;
    }
}
