package dev.vigil.core.stage.egress;

import com.lmax.disruptor.EventHandler;
import dev.vigil.codecs.ConnectedEncoder;
import dev.vigil.codecs.DecisionEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.RejectEncoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.ring.EventLayout;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.InputHold;
import org.agrona.BufferUtil;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Egress stage: runs only after both the journal and the rules stages have passed a sequence, then answers the
 * sender (Connected, Decision or Reject) and publishes the event's alerts, then the window results and late events
 * the event emitted. A reply is encoded in place, in the room the sink claims on the client's reply path; alerts are
 * encoded into one reusable buffer and offered.
 * <p>
 * Window results of an input can follow it: when its firing did not fit the buffer, the rules stage passes the
 * input on and emits the rest as the buffer drains, so each duty cycle publishes what inputs already answered have
 * emitted. The rules stage takes no further input until all of them are out, so nothing of a later input passes
 * them. When the alert stream is back-pressured, egress holds its next input until the window results it was
 * publishing have gone.
 */
public final class EgressHandler implements EventHandler<RingEvent>, InputHold
{
    private static final int ALERT_BUFFER_LENGTH = AlertFrames.MAX_LENGTH;
    private static final int CONNECTED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + ConnectedEncoder.BLOCK_LENGTH;
    private static final int DECISION_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + DecisionEncoder.BLOCK_LENGTH;
    private static final int REJECT_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + RejectEncoder.BLOCK_LENGTH;

    private final ReplySink sink;
    private final EngineCounters counters;
    private final AtomicCounter repliesNotDelivered;
    private final NanoClock clock;
    private final WindowResultBuffer windowResults;
    private RoundTripRecorder roundTrip = RoundTripRecorder.NONE;
    private long answeredEngineSeq;
    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ALERT_BUFFER_LENGTH, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final DecisionEncoder decisionEncoder = new DecisionEncoder();
    private final AlertFrames alertFrames = new AlertFrames();
    private final RejectEncoder rejectEncoder = new RejectEncoder();

    /**
     * @param sink     where replies go.
     * @param counters where rejects and undelivered replies are counted.
     * @param clock    stamps egress time into decisions.
     */
    public EgressHandler(final ReplySink sink, final EngineCounters counters, final NanoClock clock)
    {
        this(sink, counters, clock, null);
    }

    /**
     * @param sink          where replies go.
     * @param counters      where rejects and undelivered replies are counted.
     * @param clock         stamps egress time into decisions.
     * @param windowResults what the rules stage's windows emitted, published after the input that emitted it; null
     *                      when there are no windows.
     */
    public EgressHandler(
        final ReplySink sink, final EngineCounters counters, final NanoClock clock,
        final WindowResultBuffer windowResults)
    {
        this.sink = sink;
        this.counters = counters;
        this.repliesNotDelivered = counters.get(EngineCounter.REPLIES_NOT_DELIVERED);
        this.clock = clock;
        this.windowResults = windowResults;
    }

    /**
     * @param roundTrip receives each decision's ingress and egress times from now on; set before the stage runs.
     */
    public void roundTripRecorder(final RoundTripRecorder roundTrip)
    {
        this.roundTrip = roundTrip;
    }

    /**
     * @return work done by the reply path in the background, run on every duty cycle of the egress stage.
     */
    public int doDutyCycle()
    {
        return sink.doDutyCycle();
    }

    /**
     * Publish what the inputs answered so far emitted after they were passed on, or could not publish before.
     *
     * @return window results and late events published.
     */
    @Override
    public int resume()
    {
        return windowResults == null ? 0 : windowResults.publishUpTo(answeredEngineSeq, sink);
    }

    /**
     * @return true while window results of an answered input wait on a back-pressured alert stream.
     */
    @Override
    public boolean holdsInput()
    {
        return windowResults != null && windowResults.isBackPressured();
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.kind())
        {
            case EVENT:
                if (event.rejectReason() != null)
                {
                    sendReject(event);
                }
                else if (event.templateId() == TransactionDecoder.TEMPLATE_ID ||
                    event.templateId() == OrderDecoder.TEMPLATE_ID)
                {
                    sendDecision(event);
                    publishAlerts(event);
                }
                else if (event.alerts().size() > 0)
                {
                    // A pattern that ends in an absence fires when a heartbeat moves the watermark.
                    publishAlerts(event);
                }
                if (windowResults != null)
                {
                    answeredEngineSeq = event.engineSeq();
                    windowResults.publishUpTo(answeredEngineSeq, sink);
                }
                break;

            case CONNECT:
                onConnect(event);
                break;

            case DISCONNECT:
                sink.closeSession(event.sessionId());
                break;

            case REJECTED:
                sendReject(event);
                break;

            default:
                break;
        }
    }

    private void onConnect(final RingEvent event)
    {
        final long clientId = event.clientId();
        if (!sink.openSession(event.sessionId(), clientId))
        {
            repliesNotDelivered.incrementOrdered();
        }
        else if (claim(event.sessionId(), CONNECTED_LENGTH))
        {
            connectedEncoder.wrapAndApplyHeader(sink.claimedBuffer(), sink.claimedOffset(), headerEncoder)
                .clientId(clientId)
                .engineSeq(event.engineSeq());
            sink.commit();
        }
    }

    private void sendDecision(final RingEvent event)
    {
        if (!claim(event.sessionId(), DECISION_LENGTH))
        {
            return;
        }
        final long egressTimeNs = clock.nanoTime();
        decisionEncoder.wrapAndApplyHeader(sink.claimedBuffer(), sink.claimedOffset(), headerEncoder)
            .clientId(event.clientId())
            .clientSeq(event.clientSeq())
            .engineSeq(event.decisionEngineSeq())
            .verdict(event.verdict())
            .firedRules(event.firedRules())
            .clientSendTimeNs(clientSendTimeNs(event))
            .ingressTimeNs(event.receiveTimeNs())
            .rulesDoneTimeNs(event.rulesDoneTimeNs())
            .journalDoneTimeNs(event.journalDoneTimeNs())
            .egressTimeNs(egressTimeNs);
        sink.commit();
        roundTrip.record(event.receiveTimeNs(), event.rulesDoneTimeNs(), event.journalDoneTimeNs(), egressTimeNs);
    }

    private void publishAlerts(final RingEvent event)
    {
        for (int i = 0, size = event.alerts().size(); i < size; i++)
        {
            final int length = alertFrames.encode(buffer, 0, event, i);
            if (sink.publishAlert(buffer, 0, length) != ReplySink.SENT)
            {
                repliesNotDelivered.incrementOrdered();
            }
        }
    }

    private void sendReject(final RingEvent event)
    {
        final RejectReason reason = event.rejectReason();
        counters.rejects(reason).incrementOrdered();

        int receivedSchemaId = 0;
        int receivedVersion = 0;
        if (event.frameLength() >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            headerDecoder.wrap(event.frame(), 0);
            receivedSchemaId = headerDecoder.schemaId();
            receivedVersion = headerDecoder.version();
        }
        final int result = sink.claim(event.sessionId(), REJECT_LENGTH);
        if (result != ReplySink.SENT)
        {
            // A reject to a sender without a session has nowhere to go: not a reply lost.
            if (result == ReplySink.FAILED)
            {
                repliesNotDelivered.incrementOrdered();
            }
            return;
        }
        rejectEncoder.wrapAndApplyHeader(sink.claimedBuffer(), sink.claimedOffset(), headerEncoder)
            .clientId(event.clientId())
            .clientSeq(event.clientSeq())
            .engineSeq(event.engineSeq())
            .reason(reason)
            .receivedTemplateId(event.templateId())
            .receivedSchemaId(receivedSchemaId)
            .receivedVersion(receivedVersion)
            .receivedLength(event.receivedLength());
        sink.commit();
    }

    private boolean claim(final int sessionId, final int length)
    {
        if (sink.claim(sessionId, length) == ReplySink.SENT)
        {
            return true;
        }
        repliesNotDelivered.incrementOrdered();
        return false;
    }

    private static long clientSendTimeNs(final RingEvent event)
    {
        return event.frame().getLong(EventLayout.CLIENT_SEND_TIME_OFFSET, DecisionEncoder.BYTE_ORDER);
    }

    private static long eventTimeNs(final RingEvent event)
    {
        return event.frame().getLong(EventLayout.EVENT_TIME_OFFSET, DecisionEncoder.BYTE_ORDER);
    }
}
