package dev.vigil.client;

import dev.vigil.codecs.ChallengeDecoder;
import dev.vigil.codecs.ChallengeResponseEncoder;
import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DisconnectEncoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RejectDecoder;
import dev.vigil.codecs.RejectReason;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A session of this client's own with one engine: requests on an exclusive publication to its ingress, replies on a
 * subscription of the client's, opened by a Connect (answered with a Challenge when the engine authenticates) and
 * confirmed by Connected. Replies count only from the engine publication that confirmed the session.
 */
final class EngineTransport implements ClientTransport
{
    private static final int HANDSHAKE_BUFFER_LENGTH = 1024;

    private final VigilClient.Context context;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final NanoClock clock;
    private final Replies replies;
    private final UnsafeBuffer handshakeBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(HANDSHAKE_BUFFER_LENGTH, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ChallengeDecoder challengeDecoder = new ChallengeDecoder();
    private final ConnectedDecoder connectedDecoder = new ConnectedDecoder();
    private final RejectDecoder rejectDecoder = new RejectDecoder();
    private final FragmentHandler replyHandler = new FragmentAssembler(this::onReply);
    private boolean connected;
    private int engineSessionId;
    private long foreignReplies;
    private String handshakeFailure;
    private int pendingChallengeResponse;

    private EngineTransport(final VigilClient.Context context, final Replies replies)
    {
        this.context = context;
        this.replies = replies;
        this.clock = context.clock();
        this.ownsAeron = context.aeron() == null;
        this.aeron = ownsAeron ?
            Aeron.connect(new Aeron.Context().aeronDirectoryName(context.aeronDirectoryName())) : context.aeron();
        try
        {
            publication = aeron.addExclusivePublication(context.ingressChannel(), context.ingressStreamId());
            subscription = aeron.addSubscription(context.responseChannel(), context.responseStreamId());
        }
        catch (final RuntimeException ex)
        {
            closeAeron();
            throw ex;
        }
    }

    /**
     * Open a session with the engine and wait until it confirms it.
     *
     * @param context where the engine is and who the client is.
     * @param replies where replies go once the session is open.
     * @return the open session.
     * @throws VigilClientException when the engine does not confirm the session within the connect timeout.
     */
    static EngineTransport connect(final VigilClient.Context context, final Replies replies)
    {
        final EngineTransport transport = new EngineTransport(context, replies);
        try
        {
            transport.handshake();
            return transport;
        }
        catch (final RuntimeException ex)
        {
            transport.close();
            throw ex;
        }
    }

    @Override
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    @Override
    public int poll(final int fragmentLimit)
    {
        return subscription.poll(replyHandler, fragmentLimit);
    }

    @Override
    public boolean isConnected()
    {
        return connected && publication.isConnected();
    }

    @Override
    public boolean failsOver()
    {
        return false;
    }

    /**
     * @return replies dropped because they came from another publication than the one that confirmed the session.
     */
    @Override
    public long foreignReplies()
    {
        return foreignReplies;
    }

    /**
     * Say goodbye to the engine (best effort) and release the session's resources.
     */
    @Override
    public void close()
    {
        if (connected && publication.isConnected())
        {
            final DisconnectEncoder disconnect = new DisconnectEncoder();
            disconnect.wrapAndApplyHeader(handshakeBuffer, 0, headerEncoder).clientId(context.clientId());
            publication.offer(handshakeBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + disconnect.encodedLength());
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

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (header.sessionId() != engineSessionId)
        {
            foreignReplies++;
            return;
        }
        replies.onReply(buffer, offset, length);
    }

    private void handshake()
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        final long deadlineNs = clock.nanoTime() + context.connectTimeoutNs();

        String resolvedResponseChannel;
        while ((resolvedResponseChannel = subscription.tryResolveChannelEndpointPort()) == null)
        {
            checkDeadline(deadlineNs, "response channel " + context.responseChannel() + " did not bind");
            idle.idle();
        }
        while (!publication.isConnected())
        {
            checkDeadline(deadlineNs, "no engine listening on " + context.ingressChannel() + " stream " +
                context.ingressStreamId());
            idle.idle();
        }

        final byte[] credentials = context.credentials().encodedCredentials();
        final ConnectEncoder connect = new ConnectEncoder();
        connect.wrapAndApplyHeader(handshakeBuffer, 0, headerEncoder)
            .clientId(context.clientId())
            .responseStreamId(context.responseStreamId())
            .responseChannel(resolvedResponseChannel)
            .putCredentials(credentials, 0, credentials.length);
        offerHandshake(MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength(), deadlineNs, "Connect");

        final FragmentHandler handshakeHandler = new FragmentAssembler(this::onHandshakeReply);
        while (!connected)
        {
            if (subscription.poll(handshakeHandler, 1) == 0)
            {
                checkDeadline(deadlineNs, "engine did not confirm the session of client " + context.clientId() +
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
        while (publication.offer(handshakeBuffer, 0, length) < 0)
        {
            checkDeadline(deadlineNs, "could not send " + what + " to " + context.ingressChannel());
            idle.idle();
        }
    }

    private void checkDeadline(final long deadlineNs, final String what)
    {
        if (clock.nanoTime() > deadlineNs)
        {
            throw new VigilClientException(what + " within " + context.connectTimeoutNs() / 1_000_000 + "ms");
        }
    }

    private void onHandshakeReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case ChallengeDecoder.TEMPLATE_ID:
                challengeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (challengeDecoder.clientId() == context.clientId())
                {
                    final byte[] challenge = new byte[challengeDecoder.challengeLength()];
                    challengeDecoder.getChallenge(challenge, 0, challenge.length);
                    final byte[] response = context.credentials().onChallenge(context.clientId(), challenge);
                    final ChallengeResponseEncoder encoder = new ChallengeResponseEncoder()
                        .wrapAndApplyHeader(handshakeBuffer, 0, headerEncoder)
                        .clientId(context.clientId())
                        .putResponse(response, 0, response.length);
                    pendingChallengeResponse = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
                }
                break;
            case ConnectedDecoder.TEMPLATE_ID:
                connectedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (connectedDecoder.clientId() == context.clientId())
                {
                    // Replies from now on come only from this publication of the engine's.
                    engineSessionId = header.sessionId();
                    connected = true;
                }
                break;
            case RejectDecoder.TEMPLATE_ID:
                rejectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                if (rejectDecoder.clientId() == context.clientId() &&
                    rejectDecoder.reason() == RejectReason.AUTHENTICATION_FAILED)
                {
                    handshakeFailure = "engine refused to authenticate client " + context.clientId() +
                        ": check its key against the engine's credentials file";
                }
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
}
