package dev.vigil.client;

import dev.vigil.codecs.ChallengeDecoder;
import dev.vigil.codecs.ChallengeResponseEncoder;
import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.DisconnectEncoder;
import dev.vigil.codecs.HeartbeatEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionEncoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A client of a Vigil engine: connects over Aeron, sends transactions and orders, and polls the decisions that
 * answer them. The send and poll paths allocate nothing; use one client per thread.
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
    private static final int SEND_BUFFER_LENGTH = 256;

    private final Context context;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final NanoClock clock;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SEND_BUFFER_LENGTH, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();
    private final DecisionDecoder decisionDecoder = new DecisionDecoder();
    private final RejectDecoder rejectDecoder = new RejectDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final FragmentHandler replyHandler = new FragmentAssembler(this::onReply);

    private final ChallengeDecoder challengeDecoder = new ChallengeDecoder();

    private ReplyListener listener;
    private long lastClientSeq;
    private boolean connected;
    private int engineSessionId;
    private long foreignReplies;
    private String handshakeFailure;
    private int pendingChallengeResponse;

    private VigilClient(final Context context)
    {
        this.context = context;
        this.clock = context.clock;
        this.lastClientSeq = context.firstClientSeq - 1;
        this.ownsAeron = context.aeron == null;
        this.aeron = ownsAeron ?
            Aeron.connect(new Aeron.Context().aeronDirectoryName(context.aeronDirectoryName)) : context.aeron;
        try
        {
            publication = aeron.addExclusivePublication(context.ingressChannel, context.ingressStreamId);
            subscription = aeron.addSubscription(context.responseChannel, context.responseStreamId);
        }
        catch (final RuntimeException ex)
        {
            closeAeron();
            throw ex;
        }
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
        final VigilClient client = new VigilClient(context);
        try
        {
            client.handshake();
            return client;
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
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
        return advanceOnSend(
            clientSeq, offerFrame(clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength()));
    }

    /**
     * Deliver replies that have arrived.
     *
     * @param listener      receives decisions and rejects.
     * @param fragmentLimit most fragments to read in this call.
     * @return fragments read.
     */
    public int poll(final ReplyListener listener, final int fragmentLimit)
    {
        this.listener = listener;
        return subscription.poll(replyHandler, fragmentLimit);
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
        return foreignReplies;
    }

    /**
     * @return true while the engine's ingress is reachable.
     */
    public boolean isConnected()
    {
        return connected && publication.isConnected();
    }

    /**
     * Say goodbye to the engine (best effort) and release the client's resources.
     */
    @Override
    public void close()
    {
        if (connected && publication.isConnected())
        {
            final DisconnectEncoder disconnect = new DisconnectEncoder();
            disconnect.wrapAndApplyHeader(sendBuffer, 0, headerEncoder).clientId(context.clientId);
            publication.offer(sendBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + disconnect.encodedLength());
        }
        connected = false;
        if (ownsAeron)
        {
            // Closing the client releases its publication and subscription without a round trip to the driver
            // per resource, which matters when the driver is gone.
            closeAeron();
        }
        else
        {
            CloseHelper.quietCloseAll(publication, subscription);
        }
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
        return offerFrame(clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength());
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
        return offerFrame(clientSeq, MessageHeaderEncoder.ENCODED_LENGTH + orderEncoder.encodedLength());
    }

    /**
     * @return clientSeq once the frame in the send buffer is offered, or the negative {@link Publication#offer} code.
     */
    private long offerFrame(final long clientSeq, final int length)
    {
        final long result = publication.offer(sendBuffer, 0, length);
        return result > 0 ? clientSeq : result;
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

    private void handshake()
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        final long deadlineNs = clock.nanoTime() + context.connectTimeoutNs;

        String resolvedResponseChannel;
        while ((resolvedResponseChannel = subscription.tryResolveChannelEndpointPort()) == null)
        {
            checkDeadline(deadlineNs, "response channel " + context.responseChannel + " did not bind");
            idle.idle();
        }
        while (!publication.isConnected())
        {
            checkDeadline(deadlineNs, "no engine listening on " + context.ingressChannel + " stream " +
                context.ingressStreamId);
            idle.idle();
        }

        final byte[] credentials = context.credentials.encodedCredentials();
        final ConnectEncoder connect = new ConnectEncoder();
        connect.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(context.clientId)
            .responseStreamId(context.responseStreamId)
            .responseChannel(resolvedResponseChannel)
            .putCredentials(credentials, 0, credentials.length);
        offerHandshake(MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength(), deadlineNs, "Connect");

        final FragmentHandler handshakeHandler = new FragmentAssembler(this::onHandshakeReply);
        while (!connected)
        {
            if (subscription.poll(handshakeHandler, 1) == 0)
            {
                checkDeadline(deadlineNs, "engine did not confirm the session of client " + context.clientId +
                    " (its vigil_connects_refused_total counters say why)");
                idle.idle();
            }
            if (handshakeFailure != null)
            {
                throw new VigilClientException(handshakeFailure);
            }
            if (pendingChallengeResponse > 0)
            {
                final int length = pendingChallengeResponse;
                pendingChallengeResponse = 0;
                offerHandshake(length, deadlineNs, "ChallengeResponse");
            }
        }
    }

    private void offerHandshake(final int length, final long deadlineNs, final String what)
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (publication.offer(sendBuffer, 0, length) < 0)
        {
            checkDeadline(deadlineNs, "could not send " + what + " to " + context.ingressChannel);
            idle.idle();
        }
    }

    private void checkDeadline(final long deadlineNs, final String what)
    {
        if (clock.nanoTime() > deadlineNs)
        {
            throw new VigilClientException(what + " within " + context.connectTimeoutNs / 1_000_000 + "ms");
        }
    }

    private void onHandshakeReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case ChallengeDecoder.TEMPLATE_ID:
                challengeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (challengeDecoder.clientId() == context.clientId)
                {
                    final byte[] challenge = new byte[challengeDecoder.challengeLength()];
                    challengeDecoder.getChallenge(challenge, 0, challenge.length);
                    final byte[] response = context.credentials.onChallenge(context.clientId, challenge);
                    final ChallengeResponseEncoder encoder = new ChallengeResponseEncoder()
                        .wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
                        .clientId(context.clientId)
                        .putResponse(response, 0, response.length);
                    pendingChallengeResponse = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
                }
                break;
            case ConnectedDecoder.TEMPLATE_ID:
                connectedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (connectedDecoder.clientId() == context.clientId)
                {
                    // Replies from now on come only from this publication of the engine's.
                    engineSessionId = header.sessionId();
                    connected = true;
                }
                break;
            case RejectDecoder.TEMPLATE_ID:
                rejectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (rejectDecoder.clientId() == context.clientId &&
                    rejectDecoder.reason() == RejectReason.AUTHENTICATION_FAILED)
                {
                    handshakeFailure = "engine refused to authenticate client " + context.clientId +
                        ": check its key against the engine's credentials file";
                }
                break;
            default:
                break;
        }
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (header.sessionId() != engineSessionId ||
            length < MessageHeaderDecoder.ENCODED_LENGTH + Long.BYTES ||
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
                listener.onDecision(decisionDecoder);
                break;
            case RejectDecoder.TEMPLATE_ID:
                rejectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                listener.onReject(rejectDecoder);
                break;
            default:
                break;
        }
    }

    private void closeAeron()
    {
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
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
    }
}
