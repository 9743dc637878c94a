package dev.vigil.core.ring;

import com.lmax.disruptor.EventFactory;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated ring slot: a copy of the inbound frame plus what each stage learns about it.
 * <p>
 * Ingress writes the frame and its metadata ({@link #resetForFrame}); the rules stage writes the outcome; the
 * journal stage stamps when the frame was journaled; egress reads everything. Each field has exactly one writing
 * stage, and the ring's sequences order the writes before the reads, so no field needs to be volatile.
 * <p>
 * The journal and rules stages work on the same slots at the same time, on threads of their own when cores allow.
 * So the journal's stamp is not a field of the slot, where it would share a cache line with the outcome the rules
 * stage writes and each write would take the line from the other core, but an element of an array the slots of a
 * ring share ({@link #slotsOfRing}), which only the journal stage writes: eight slots' stamps to a line.
 */
public final class RingEvent
{
    /** Alerts kept per event; the fired-rules bitmap still names every rule that fired beyond this many. */
    public static final int MAX_ALERTS_PER_EVENT = 16;

    private final UnsafeBuffer frame;
    /** Matched events the alerts of one event list at most, together: one whole match of the longest pattern. */
    public static final int MAX_MATCHED_EVENTS_PER_EVENT = 32;

    private final RuleAlerts alerts = new RuleAlerts(MAX_ALERTS_PER_EVENT, MAX_MATCHED_EVENTS_PER_EVENT);
    private final long[] journalStamps;
    private final int slot;

    private FrameKind kind = FrameKind.EVENT;
    private int frameLength;
    private int sessionId;
    private int templateId;
    private long engineSeq;
    private long receiveTimeNs;
    private long clientId;
    private long clientSeq;

    private RejectReason rejectReason;
    private int receivedLength;
    private Verdict verdict = Verdict.APPROVE;
    private long firedRules;
    private long decisionEngineSeq;
    private long rulesDoneTimeNs;

    /**
     * A slot of its own, outside a ring's stages, or in a ring with no journal stage.
     *
     * @param maxFrameLength capacity of the slot's frame buffer.
     */
    public RingEvent(final int maxFrameLength)
    {
        this(maxFrameLength, new long[1], 0);
    }

    private RingEvent(final int maxFrameLength, final long[] journalStamps, final int slot)
    {
        this.frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(maxFrameLength, 64));
        this.journalStamps = journalStamps;
        this.slot = slot;
    }

    /**
     * The slots of one ring, which keep the journal stage's stamps in one array, apart from what the rules stage
     * writes. The ring asks the factory for its slots in order, once each, as it is made.
     *
     * @param maxFrameLength capacity of each slot's frame buffer.
     * @param ringSize       slots in the ring.
     * @return the factory to make the ring with.
     */
    public static EventFactory<RingEvent> slotsOfRing(final int maxFrameLength, final int ringSize)
    {
        final long[] journalStamps = new long[ringSize];
        final int[] nextSlot = new int[1];
        return () -> new RingEvent(maxFrameLength, journalStamps, nextSlot[0]++);
    }

    /**
     * Copy a frame into the slot and clear every result of the previous use of the slot.
     *
     * @param kind          what the frame is.
     * @param source        buffer holding the frame.
     * @param offset        of the frame in source.
     * @param length        of the frame; must not exceed {@link #maxFrameLength()}, excess is cut.
     * @param sessionId     Aeron session of the publication the frame came from.
     * @param engineSeq     engine sequence number assigned to the frame.
     * @param receiveTimeNs when ingress took the frame.
     */
    public void resetForFrame(
        final FrameKind kind,
        final DirectBuffer source,
        final int offset,
        final int length,
        final int sessionId,
        final long engineSeq,
        final long receiveTimeNs)
    {
        final int copyLength = Math.min(length, frame.capacity());
        frame.putBytes(0, source, offset, copyLength);
        this.frameLength = copyLength;
        this.receivedLength = length;
        clearFor(kind, sessionId, engineSeq, receiveTimeNs);
    }

    /**
     * Start a new use of the slot over the frame it already holds, e.g. after patching a field of the frame in
     * place: every result of the previous use is cleared, as by {@link #resetForFrame}, without copying the frame.
     *
     * @param kind          what the frame is.
     * @param sessionId     Aeron session of the publication the frame came from.
     * @param engineSeq     engine sequence number assigned to the frame.
     * @param receiveTimeNs when the frame was taken.
     */
    public void reuseFrame(final FrameKind kind, final int sessionId, final long engineSeq, final long receiveTimeNs)
    {
        this.receivedLength = frameLength;
        clearFor(kind, sessionId, engineSeq, receiveTimeNs);
    }

    private void clearFor(final FrameKind kind, final int sessionId, final long engineSeq, final long receiveTimeNs)
    {
        this.kind = kind;
        this.sessionId = sessionId;
        this.engineSeq = engineSeq;
        this.receiveTimeNs = receiveTimeNs;
        this.templateId = 0;
        this.clientId = 0;
        this.clientSeq = 0;
        this.rejectReason = null;
        this.verdict = Verdict.APPROVE;
        this.firedRules = 0;
        this.decisionEngineSeq = engineSeq;
        this.rulesDoneTimeNs = 0;
        // The journal's stamp is not cleared: the journal stage stamps every slot before egress may read it.
        alerts.clear();
    }

    /**
     * Identify the sender's message; set by ingress after validation.
     *
     * @param templateId SBE template of the frame, 0 when the header could not be read.
     * @param clientId   client id from the frame, 0 when unknown.
     * @param clientSeq  client sequence from the frame, 0 when unknown.
     */
    public void identify(final int templateId, final long clientId, final long clientSeq)
    {
        this.templateId = templateId;
        this.clientId = clientId;
        this.clientSeq = clientSeq;
    }

    /**
     * Mark the frame refused; a rejected frame is neither journaled nor evaluated.
     *
     * @param reason         why.
     * @param receivedLength length of the frame as received, which may exceed what the slot kept.
     */
    public void reject(final RejectReason reason, final int receivedLength)
    {
        this.kind = FrameKind.REJECTED;
        this.rejectReason = reason;
        this.receivedLength = receivedLength;
    }

    /**
     * Refuse an accepted event at the rules stage. Unlike {@link #reject}, the kind stays {@link FrameKind#EVENT}:
     * the journal stage, running beside the rules stage, reads the kind and must journal the event either way.
     *
     * @param reason why.
     */
    public void refuse(final RejectReason reason)
    {
        this.rejectReason = reason;
    }

    /**
     * @return length of a rejected frame as received.
     */
    public int receivedLength()
    {
        return receivedLength;
    }

    public FrameKind kind()
    {
        return kind;
    }

    public MutableDirectBuffer frame()
    {
        return frame;
    }

    public int frameLength()
    {
        return frameLength;
    }

    public int maxFrameLength()
    {
        return frame.capacity();
    }

    public int sessionId()
    {
        return sessionId;
    }

    public int templateId()
    {
        return templateId;
    }

    public long engineSeq()
    {
        return engineSeq;
    }

    public long receiveTimeNs()
    {
        return receiveTimeNs;
    }

    public long clientId()
    {
        return clientId;
    }

    public long clientSeq()
    {
        return clientSeq;
    }

    /**
     * @return why the frame was refused, or null when it was accepted.
     */
    public RejectReason rejectReason()
    {
        return rejectReason;
    }

    public Verdict verdict()
    {
        return verdict;
    }

    public long firedRules()
    {
        return firedRules;
    }

    /**
     * @return engine sequence the decision was made at: this event's own, or the original request's for a retry.
     */
    public long decisionEngineSeq()
    {
        return decisionEngineSeq;
    }

    public long rulesDoneTimeNs()
    {
        return rulesDoneTimeNs;
    }

    public long journalDoneTimeNs()
    {
        return journalStamps[slot];
    }

    public RuleAlerts alerts()
    {
        return alerts;
    }

    /**
     * Record the outcome of the rules stage.
     *
     * @param verdict    combined verdict.
     * @param firedRules bitmap of the rule ids that fired.
     */
    public void decide(final Verdict verdict, final long firedRules)
    {
        this.verdict = verdict;
        this.firedRules = firedRules;
    }

    /**
     * Answer a retried request with the decision made for it the first time; no rule runs again.
     *
     * @param verdict           the original verdict.
     * @param firedRules        the original fired rules.
     * @param originalEngineSeq engine sequence of the original request.
     */
    public void repeatDecision(final Verdict verdict, final long firedRules, final long originalEngineSeq)
    {
        this.verdict = verdict;
        this.firedRules = firedRules;
        this.decisionEngineSeq = originalEngineSeq;
    }

    /**
     * @param rulesDoneTimeNs when the rules stage handed the decided event on (the end of its batch).
     */
    public void rulesDone(final long rulesDoneTimeNs)
    {
        this.rulesDoneTimeNs = rulesDoneTimeNs;
    }

    /**
     * @param journalDoneTimeNs when the journal stage handed this frame on (the end of its batch).
     */
    public void journalDone(final long journalDoneTimeNs)
    {
        journalStamps[slot] = journalDoneTimeNs;
    }
}
