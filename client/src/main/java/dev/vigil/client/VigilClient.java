package dev.vigil.client;

import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.HeartbeatEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionEncoder;
import io.aeron.Aeron;
import io.aeron.Publication;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A client of a Vigil engine: connects over Aeron, sends transactions and orders, and polls the decisions that
 * answer them. The send and poll paths allocate nothing; use one client per thread.
 * <p>
 * The engine is one process by default; with {@link Context#clusterIngressEndpoints} it is a cluster of replicated
 * engines (Aeron Cluster), and the client follows the cluster's leader by itself while it polls. It keeps each
 * request it sent until the request is answered, and sends again every unanswered one after a new leader is elected
 * (the cluster answers a request it already decided with that decision), so each request is decided exactly once,
 * and the listener hears each answer once.
 * Sends are refused with {@link Publication#BACK_PRESSURED} while that resend is under way or while
 * {@link Context#maxUnanswered} requests wait for an answer; {@link #poll} moves both on.
 * <pre>{@code
 * try (VigilClient client = VigilClient.connect(new VigilClient.Context()
 *     .clientId(7)
 *     .credentials(HmacCredentials.ofHex(keyFromTheEnginesCredentialsFile))))
 * {
 *     long seq = client.sendTransaction(eventTimeNs, txnId, account, card, merchant, 12_50, "EUR", "DE",
 *         PaymentChannel.ECOM);
 *     client.poll(decision -> System.out.println(decision.clientSeq() + " " + decision.verdict()), 10);
 * }
 * }</pre>
 * Replies that are not for this client and session are dropped and counted ({@link #foreignReplies()}).
 * Each send returns the request's client sequence number, which its Decision or Reject carries back; a negative
 * return is Aeron's {@link Publication#offer} code (e.g. back-pressure) and nothing was sent: call again.
 */
public final class VigilClient implements AutoCloseable
{
    /** The longest event frame {@link #sendEncoded} takes. */
    public static final int MAX_ENCODED_EVENT_LENGTH = 256;

    private static final int SEND_BUFFER_LENGTH = MAX_ENCODED_EVENT_LENGTH;

    private final Context context;
    private final ClientTransport transport;
    private final UnansweredRequests unanswered;
    private final UnansweredRequests.FrameSender resender;
    private final NanoClock clock;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SEND_BUFFER_LENGTH, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final DecisionDecoder decisionDecoder = new DecisionDecoder();
    private final RejectDecoder rejectDecoder = new RejectDecoder();
    private final ListenerFailure listenerFailure = new ListenerFailure();

    private ReplyListener listener;
    private long lastClientSeq;
    private long foreignReplies;
    private long leaderChanges;
    private long lastAnswerNs;
    private long answers;
    private long answersAtLastPoll;
    private long repeatedAnswers;

    private VigilClient(final Context context)
    {
        this.context = context;
        this.clock = context.clock;
        this.lastClientSeq = context.firstClientSeq - 1;
        final ClientTransport.Replies replies = new ClientTransport.Replies()
        {
            @Override
            public void onReply(final DirectBuffer buffer, final int offset, final int length)
            {
                VigilClient.this.onReply(buffer, offset, length);
            }

            @Override
            public void onNewEngine()
            {
                leaderChanges++;
                if (unanswered != null)
                {
                    unanswered.resendAll();
                }
            }
        };
        this.transport = context.clusterIngressEndpoints != null ?
            ClusterTransport.connect(context, replies) : EngineTransport.connect(context, replies);
        this.unanswered = transport.failsOver() ? new UnansweredRequests(context.maxUnanswered) : null;
        this.resender = transport::offer;
        this.lastAnswerNs = clock.nanoTime();
    }

    /**
     * Connect to an engine and wait until it confirms the session.
     *
     * @param context where the engine is and who this client is.
     * @return a connected client.
     * @throws VigilClientException when the engine does not answer within the context's connect timeout.
     */
    public static VigilClient connect(final Context context)
    {
        return new VigilClient(context);
    }

    /**
     * Send a payment transaction for a decision.
     *
     * @param eventTimeNs  when the payment happened, by the client's clock; the only time rules use.
     * @param txnId        transaction id.
     * @param accountId    account.
     * @param cardId       card.
     * @param merchantId   merchant.
     * @param amountMinor  amount in minor units, not negative.
     * @param currency     three upper-case letters (ISO 4217).
     * @param country      two upper-case letters (ISO 3166).
     * @param channel      how the payment was made.
     * @return the request's client sequence, or a negative {@link Publication#offer} code.
     */
    public long sendTransaction(
        final long eventTimeNs,
        final long txnId,
        final long accountId,
        final long cardId,
        final long merchantId,
        final long amountMinor,
        final String currency,
        final String country,
        final PaymentChannel channel)
    {
        final long clientSeq = lastClientSeq + 1;
        return advanceOnSend(clientSeq, offerTransaction(
            clientSeq, eventTimeNs, txnId, accountId, cardId, merchantId, amountMinor, currency, country, channel));
    }

    /**
     * Send a transaction again with the client sequence it was first sent with, e.g. after a timeout with no reply.
     * The engine answers a retry of a decided request with the original decision and does not evaluate it again;
     * it refuses a sequence older than it remembers with {@code STALE_SEQUENCE}. The fields must be the original's.
     *
     * @param clientSeq   sequence of the original send.
     * @param eventTimeNs as originally sent.
     * @param txnId       as originally sent.
     * @param accountId   as originally sent.
     * @param cardId      as originally sent.
     * @param merchantId  as originally sent.
     * @param amountMinor as originally sent.
     * @param currency    as originally sent.
     * @param country     as originally sent.
     * @param channel     as originally sent.
     * @return clientSeq, or a negative {@link Publication#offer} code.
     */
    public long resendTransaction(
        final long clientSeq,
        final long eventTimeNs,
        final long txnId,
        final long accountId,
        final long cardId,
        final long merchantId,
        final long amountMinor,
        final String currency,
        final String country,
        final PaymentChannel channel)
    {
        return offerTransaction(
            clientSeq, eventTimeNs, txnId, accountId, cardId, merchantId, amountMinor, currency, country, channel);
    }

    /**
     * Send an order for pre-trade risk checks.
     *
     * @param eventTimeNs  when the order was made, by the client's clock.
     * @param orderId      order id.
     * @param accountId    account.
     * @param instrumentId instrument.
     * @param side         buy or sell.
     * @param orderType    limit or market.
     * @param price        limit price in ticks; positive for limit orders.
     * @param quantity     quantity, positive.
     * @return the request's client sequence, or a negative {@link Publication#offer} code.
     */
    public long sendOrder(
        final long eventTimeNs,
        final long orderId,
        final long accountId,
        final long instrumentId,
        final Side side,
        final OrderType orderType,
        final long price,
        final long quantity)
    {
        final long clientSeq = lastClientSeq + 1;
        return advanceOnSend(clientSeq,
            offerOrder(clientSeq, eventTimeNs, orderId, accountId, instrumentId, side, orderType, price, quantity));
    }

    /**
     * Send an order again with the client sequence it was first sent with, e.g. after a timeout with no reply. The
     * engine answers a retry of a decided request with the original decision and does not evaluate it again; it
     * refuses a sequence older than it remembers with {@code STALE_SEQUENCE}. The fields must be the original's.
     *
     * @param clientSeq    sequence of the original send.
     * @param eventTimeNs  as originally sent.
     * @param orderId      as originally sent.
     * @param accountId    as originally sent.
     * @param instrumentId as originally sent.
     * @param side         as originally sent.
     * @param orderType    as originally sent.
     * @param price        as originally sent.
     * @param quantity     as originally sent.
     * @return clientSeq, or a negative {@link Publication#offer} code.
     */
    public long resendOrder(
        final long clientSeq,
        final long eventTimeNs,
        final long orderId,
        final long accountId,
        final long instrumentId,
        final Side side,
        final OrderType orderType,
        final long price,
        final long quantity)
    {
        return offerOrder(clientSeq, eventTimeNs, orderId, accountId, instrumentId, side, orderType, price, quantity);
    }

    /**
     * Tell the engine this client's event time has advanced although it has nothing to send. Not answered.
     *
     * @param eventTimeNs the client's current event time.
     * @return the heartbeat's client sequence, or a negative {@link Publication#offer} code.
     */
    public long sendHeartbeat(final long eventTimeNs)
    {
        final long clientSeq = lastClientSeq + 1;
        heartbeatEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(context.clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(clock.nanoTime());
        return advanceOnSend(clientSeq, offerFrame(
            clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength(), false));
    }

    /**
     * Send an event encoded elsewhere — a {@code Transaction}, {@code Order} or {@code Heartbeat} frame, e.g. read
     * from a log of them — under this client's id and a client sequence the caller chooses, such as the position of
     * the event in that log. The frame is copied; its client id, client sequence and client send time are set on the
     * copy. The engine answers a sequence it already decided with the original decision, as for a resend, so the
     * caller can send an event again after a restart under the same sequence and have it decided once.
     *
     * @param frame     holding the encoded event, message header included.
     * @param offset    where the frame starts.
     * @param length    of the frame.
     * @param clientSeq the sequence to send it under, at least 1.
     * @return clientSeq, or a negative {@link Publication#offer} code.
     * @throws IllegalArgumentException when the frame is not one of those events or is longer than a client sends.
     */
    public long sendEncoded(final DirectBuffer frame, final int offset, final int length, final long clientSeq)
    {
        if (length < MessageHeaderEncoder.ENCODED_LENGTH + HeartbeatEncoder.BLOCK_LENGTH ||
            length > SEND_BUFFER_LENGTH)
        {
            throw new IllegalArgumentException("an event frame is " + (MessageHeaderEncoder.ENCODED_LENGTH +
                HeartbeatEncoder.BLOCK_LENGTH) + " to " + SEND_BUFFER_LENGTH + " bytes long, not " + length);
        }
        if (clientSeq < 1)
        {
            throw new IllegalArgumentException("clientSeq must be at least 1: " + clientSeq);
        }
        headerDecoder.wrap(frame, offset);
        final int templateId = headerDecoder.templateId();
        if (templateId != TransactionEncoder.TEMPLATE_ID && templateId != OrderEncoder.TEMPLATE_ID &&
            templateId != HeartbeatEncoder.TEMPLATE_ID)
        {
            throw new IllegalArgumentException("template " + templateId + " is not a Transaction, Order or Heartbeat");
        }
        // The three events start alike: client id, client sequence, event time, client send time.
        sendBuffer.putBytes(0, frame, offset, length);
        final int block = MessageHeaderEncoder.ENCODED_LENGTH;
        sendBuffer.putLong(block, context.clientId, TransactionEncoder.BYTE_ORDER);
        sendBuffer.putLong(block + TransactionEncoder.clientSeqEncodingOffset(), clientSeq,
            TransactionEncoder.BYTE_ORDER);
        sendBuffer.putLong(block + TransactionEncoder.clientSendTimeNsEncodingOffset(), clock.nanoTime(),
            TransactionEncoder.BYTE_ORDER);
        final long result = offerFrame(clientSeq, length, templateId != HeartbeatEncoder.TEMPLATE_ID);
        if (result > 0 && clientSeq > lastClientSeq)
        {
            lastClientSeq = clientSeq;
        }
        return result;
    }

    /**
     * Deliver replies that have arrived. What the listener throws comes out of this call, after the replies read with
     * the one it threw on have been delivered too (the first exception, with any later ones suppressed).
     *
     * @param listener      receives decisions and rejects.
     * @param fragmentLimit most fragments to read in this call.
     * @return fragments read.
     * @throws RuntimeException what the listener threw.
     */
    public int poll(final ReplyListener listener, final int fragmentLimit)
    {
        this.listener = listener;
        final int fragments = transport.poll(fragmentLimit);
        // Before resending: a listener that threw to stop (a refusal it cannot go on from) sends nothing more.
        listenerFailure.rethrow();
        if (unanswered != null)
        {
            resendWhenDue();
        }
        return fragments;
    }

    /**
     * @return the client sequence of the last request sent.
     */
    public long lastClientSeq()
    {
        return lastClientSeq;
    }

    /**
     * @return this client's id.
     */
    public long clientId()
    {
        return context.clientId;
    }

    /**
     * Replies dropped because they were not this client's: another client id, or not from the engine's reply
     * publication that confirmed this client's session. A peer that names this client's reply channel in its own
     * Connect can make the engine send there; none of that reaches the listener.
     *
     * @return replies dropped since connect.
     */
    public long foreignReplies()
    {
        return foreignReplies + transport.foreignReplies();
    }

    /**
     * @return requests sent and not yet answered that the client keeps to send again after a leader change; 0 for a
     * single engine, where a timed-out request is the caller's to resend.
     */
    public int unansweredRequests()
    {
        return unanswered == null ? 0 : unanswered.count();
    }

    /**
     * @return answers to requests already answered, from a cluster answering a resend, not passed to the listener.
     */
    public long repeatedAnswers()
    {
        return repeatedAnswers;
    }

    /**
     * @return times the cluster's leader changed while this client was connected; 0 for a single engine.
     */
    public long leaderChanges()
    {
        return leaderChanges;
    }

    /**
     * @return true while the engine's ingress is reachable.
     */
    public boolean isConnected()
    {
        return transport.isConnected();
    }

    /**
     * Say goodbye to the engine (best effort) and release the client's resources.
     */
    @Override
    public void close()
    {
        transport.close();
    }

    private long offerTransaction(
        final long clientSeq,
        final long eventTimeNs,
        final long txnId,
        final long accountId,
        final long cardId,
        final long merchantId,
        final long amountMinor,
        final String currency,
        final String country,
        final PaymentChannel channel)
    {
        transactionEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(context.clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(clock.nanoTime())
            .txnId(txnId)
            .accountId(accountId)
            .cardId(cardId)
            .merchantId(merchantId)
            .amountMinor(amountMinor)
            .currency(currency)
            .country(country)
            .channel(channel);
        return offerFrame(clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength(), true);
    }

    private long offerOrder(
        final long clientSeq,
        final long eventTimeNs,
        final long orderId,
        final long accountId,
        final long instrumentId,
        final Side side,
        final OrderType orderType,
        final long price,
        final long quantity)
    {
        orderEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(context.clientId)
            .clientSeq(clientSeq)
            .eventTimeNs(eventTimeNs)
            .clientSendTimeNs(clock.nanoTime())
            .orderId(orderId)
            .accountId(accountId)
            .instrumentId(instrumentId)
            .price(price)
            .quantity(quantity)
            .side(side)
            .orderType(orderType);
        return offerFrame(clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + orderEncoder.encodedLength(), true);
    }

    /**
     * @param answered whether the engine answers the frame, so that it is kept until then where the transport fails
     *                 over; a resend of a request already kept is not kept again.
     * @return clientSeq once the frame in the send buffer is offered, or the negative {@link Publication#offer} code.
     */
    private long offerFrame(final long clientSeq, final int length, final boolean answered)
    {
        final boolean keep = unanswered != null && answered && clientSeq > lastClientSeq;
        if (unanswered != null && (unanswered.isResending() || (keep && unanswered.isFullFor(clientSeq))))
        {
            return Publication.BACK_PRESSURED;
        }
        final long result = transport.offer(sendBuffer, 0, length);
        if (result < 0)
        {
            return result;
        }
        if (keep)
        {
            unanswered.record(clientSeq, sendBuffer, 0, length);
        }
        return clientSeq;
    }

    /**
     * A new request took the next sequence only if it went out; a failed send leaves it for the next try.
     */
    private long advanceOnSend(final long clientSeq, final long result)
    {
        if (result > 0)
        {
            lastClientSeq = clientSeq;
        }
        return result;
    }

    /**
     * After a leader change, and when the cluster has answered nothing for {@link Context#clusterResendTimeoutNs}
     * while requests wait: an answer sent while a new leader was taking over, or a request accepted by a publication
     * that never reached the log, leaves a request that only a resend settles.
     */
    private void resendWhenDue()
    {
        // One clock read per poll: the wait starts at the poll after an answer, or while nothing waits.
        final long nowNs = clock.nanoTime();
        if (answers != answersAtLastPoll || unanswered.isEmpty())
        {
            answersAtLastPoll = answers;
            lastAnswerNs = nowNs;
        }
        else if (nowNs - lastAnswerNs > context.clusterResendTimeoutNs)
        {
            lastAnswerNs = nowNs;
            unanswered.resendAll();
        }
        if (unanswered.isResending())
        {
            unanswered.resend(resender);
        }
    }

    /**
     * Where the client resends, a request can be answered more than once (its first answer, and the cluster's answer
     * to a resend): the listener hears only the first.
     */
    private boolean isFirstAnswer(final long clientSeq)
    {
        if (unanswered == null)
        {
            return true;
        }
        answers++;
        if (unanswered.answered(clientSeq))
        {
            return true;
        }
        repeatedAnswers++;
        return false;
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        headerDecoder.wrap(buffer, offset);
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + Long.BYTES ||
            buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH, DecisionDecoder.BYTE_ORDER) !=
            context.clientId)
        {
            // Decision and Reject both start with the client id.
            foreignReplies++;
            return;
        }
        switch (headerDecoder.templateId())
        {
            case DecisionDecoder.TEMPLATE_ID:
                decisionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (isFirstAnswer(decisionDecoder.clientSeq()))
                {
                    try
                    {
                        listener.onDecision(decisionDecoder);
                    }
                    catch (final RuntimeException ex)
                    {
                        listenerFailure.onFailure(ex);
                    }
                }
                break;
            case RejectDecoder.TEMPLATE_ID:
                rejectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (isFirstAnswer(rejectDecoder.clientSeq()))
                {
                    try
                    {
                        listener.onReject(rejectDecoder);
                    }
                    catch (final RuntimeException ex)
                    {
                        listenerFailure.onFailure(ex);
                    }
                }
                break;
            default:
                break;
        }
    }

    /**
     * Where the engine is and who this client is. Defaults match the engine's defaults on the same host.
     */
    public static final class Context
    {
        private Aeron aeron;
        private String aeronDirectoryName = Aeron.Context.getAeronDirectoryName();
        private String ingressChannel = "aeron:udp?endpoint=localhost:40123";
        private int ingressStreamId = 1001;
        private String responseChannel = "aeron:udp?endpoint=localhost:0";
        private int responseStreamId = 1002;
        private long clientId = 1;
        private long connectTimeoutNs = 5_000_000_000L;
        private long firstClientSeq = 1;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private CredentialsSupplier credentials = CredentialsSupplier.NONE;
        private String clusterIngressEndpoints;
        private String clusterIngressChannel = "aeron:udp";
        private String clusterEgressChannel = "aeron:udp?endpoint=localhost:0";
        private long clusterKeepAliveIntervalNs = 1_000_000_000L;
        private long clusterResendTimeoutNs = 2_000_000_000L;
        private int maxUnanswered = 4096;

        /**
         * @param aeron an Aeron client to share; the client then does not close it.
         * @return this.
         */
        public Context aeron(final Aeron aeron)
        {
            this.aeron = aeron;
            return this;
        }

        /**
         * @param aeronDirectoryName directory of the media driver to use when no Aeron client is given.
         * @return this.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * @param ingressChannel the engine's ingress channel.
         * @return this.
         */
        public Context ingressChannel(final String ingressChannel)
        {
            this.ingressChannel = ingressChannel;
            return this;
        }

        /**
         * @param ingressStreamId the engine's ingress stream id.
         * @return this.
         */
        public Context ingressStreamId(final int ingressStreamId)
        {
            this.ingressStreamId = ingressStreamId;
            return this;
        }

        /**
         * @param responseChannel where this client listens; port 0 picks a free port, which is sent to the engine.
         * @return this.
         */
        public Context responseChannel(final String responseChannel)
        {
            this.responseChannel = responseChannel;
            return this;
        }

        /**
         * @param responseStreamId stream id replies arrive on.
         * @return this.
         */
        public Context responseStreamId(final int responseStreamId)
        {
            this.responseStreamId = responseStreamId;
            return this;
        }

        /**
         * @param clientId this client's id, not 0, unique among the engine's connected clients.
         * @return this.
         */
        public Context clientId(final long clientId)
        {
            if (clientId == 0)
            {
                throw new IllegalArgumentException("clientId must not be 0");
            }
            this.clientId = clientId;
            return this;
        }

        /**
         * Where this client's sequence starts. A client that reconnects under the same id after a restart must carry
         * on after its last sequence: the engine remembers its decisions, and would answer a reused sequence with
         * the decision made for it before.
         *
         * @param firstClientSeq sequence of the first request this client will send, at least 1.
         * @return this.
         */
        public Context firstClientSeq(final long firstClientSeq)
        {
            if (firstClientSeq < 1)
            {
                throw new IllegalArgumentException("firstClientSeq must be at least 1: " + firstClientSeq);
            }
            this.firstClientSeq = firstClientSeq;
            return this;
        }

        /**
         * @param connectTimeoutNs how long {@link #connect} waits for the engine.
         * @return this.
         */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        /**
         * @param credentials how this client proves its id to an engine that authenticates clients, e.g.
         *                    {@link HmacCredentials#ofHex} with the key the engine's credentials file holds for it.
         * @return this.
         */
        public Context credentials(final CredentialsSupplier credentials)
        {
            this.credentials = credentials;
            return this;
        }

        /**
         * @param clock stamps send times for latency measurement.
         * @return this.
         */
        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Connect to a cluster of engines replicated on Aeron Cluster instead of one engine: the client then follows
         * the cluster's leader and sends unanswered requests again after a leader change. The single-engine
         * channel settings (ingress and response) do not apply to a cluster; the client id and credentials do: the
         * cluster binds the client's session to its id, after checking the credentials as an engine would.
         *
         * @param clusterIngressEndpoints the members' ingress endpoints, {@code id=host:port} separated by commas,
         *                                e.g. {@code 0=localhost:9002,1=localhost:9102,2=localhost:9202}.
         * @return this.
         */
        public Context clusterIngressEndpoints(final String clusterIngressEndpoints)
        {
            this.clusterIngressEndpoints = clusterIngressEndpoints;
            return this;
        }

        /**
         * @param clusterIngressChannel the channel requests go to the leader on; its endpoint is the leader's.
         * @return this.
         */
        public Context clusterIngressChannel(final String clusterIngressChannel)
        {
            this.clusterIngressChannel = clusterIngressChannel;
            return this;
        }

        /**
         * @param clusterEgressChannel where this client hears the cluster: its replies and leader changes.
         * @return this.
         */
        public Context clusterEgressChannel(final String clusterEgressChannel)
        {
            this.clusterEgressChannel = clusterEgressChannel;
            return this;
        }

        /**
         * @param clusterKeepAliveIntervalNs how long a client that sends nothing waits before it tells the cluster it
         *                                   is alive, well inside the cluster's session timeout.
         * @return this.
         */
        public Context clusterKeepAliveIntervalNs(final long clusterKeepAliveIntervalNs)
        {
            this.clusterKeepAliveIntervalNs = clusterKeepAliveIntervalNs;
            return this;
        }

        /**
         * @param clusterResendTimeoutNs how long a cluster client with requests waiting hears no answer before it
         *                               sends them all again (besides after every leader change); the cluster
         *                               answers a request it already decided with that decision.
         * @return this.
         */
        public Context clusterResendTimeoutNs(final long clusterResendTimeoutNs)
        {
            this.clusterResendTimeoutNs = clusterResendTimeoutNs;
            return this;
        }

        /**
         * @param maxUnanswered requests a cluster client keeps unanswered at most: sends wait (back-pressure) beyond.
         * @return this.
         */
        public Context maxUnanswered(final int maxUnanswered)
        {
            if (maxUnanswered < 1)
            {
                throw new IllegalArgumentException("maxUnanswered must be at least 1: " + maxUnanswered);
            }
            this.maxUnanswered = maxUnanswered;
            return this;
        }

        Aeron aeron()
        {
            return aeron;
        }

        String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        String ingressChannel()
        {
            return ingressChannel;
        }

        int ingressStreamId()
        {
            return ingressStreamId;
        }

        String responseChannel()
        {
            return responseChannel;
        }

        int responseStreamId()
        {
            return responseStreamId;
        }

        long clientId()
        {
            return clientId;
        }

        long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        CredentialsSupplier credentials()
        {
            return credentials;
        }

        NanoClock clock()
        {
            return clock;
        }

        String clusterIngressEndpoints()
        {
            return clusterIngressEndpoints;
        }

        String clusterIngressChannel()
        {
            return clusterIngressChannel;
        }

        String clusterEgressChannel()
        {
            return clusterEgressChannel;
        }

        long clusterKeepAliveIntervalNs()
        {
            return clusterKeepAliveIntervalNs;
        }
    }
}
