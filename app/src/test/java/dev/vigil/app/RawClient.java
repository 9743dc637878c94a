package dev.vigil.app;

import dev.vigil.client.CredentialsSupplier;
import dev.vigil.codecs.ChallengeDecoder;
import dev.vigil.codecs.ChallengeResponseEncoder;
import dev.vigil.codecs.ConnectEncoder;
import dev.vigil.codecs.ConnectedDecoder;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.RejectDecoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A client that sends whatever bytes a test gives it over a real Aeron publication to the engine's ingress and
 * records every reply in order, for tests of hostile input: the {@code VigilClient} only sends valid frames.
 */
final class RawClient implements AutoCloseable
{
    /** One reply from the engine, decoded into the fields tests compare; a Connected keeps its engine seq. */
    record Reply(String kind, String reason, long clientSeq, String verdict, long firedRules)
    {
        @Override
        public String toString()
        {
            if ("connected".equals(kind))
            {
                return kind + " engineSeq=" + clientSeq;
            }
            return kind + ("reject".equals(kind) ? " " + reason : "decision".equals(kind) ? " " + verdict : "") +
                " seq=" + clientSeq;
        }
    }

    private static final long OFFER_TIMEOUT_NS = 10_000_000_000L;

    private final Aeron aeron;
    private final boolean ownsAeron;
    private final ExclusivePublication publication;
    private final Subscription replySubscription;
    private final int responseStreamId;
    private final UnsafeBuffer connectBuffer = new UnsafeBuffer(new byte[512]);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final FragmentHandler replyHandler = new FragmentAssembler(this::onReply);
    private final List<Reply> replies = new ArrayList<>();
    private byte[] lastChallenge;
    private long backPressuredOffers;

    /**
     * @param aeronDirectoryName the engine's Aeron directory.
     * @param ingressChannel     where the engine listens, with any publication parameters the test wants.
     * @param responseChannel    where this client listens for replies, e.g. {@code aeron:udp?endpoint=localhost:0}.
     * @param responseStreamId   stream of the replies.
     */
    RawClient(
        final String aeronDirectoryName,
        final String ingressChannel,
        final String responseChannel,
        final int responseStreamId)
    {
        this(Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName)), true,
            ingressChannel, responseChannel, responseStreamId);
    }

    /**
     * @param aeron            an Aeron client of another media driver, which the caller closes.
     * @param ingressChannel   where the engine listens.
     * @param responseChannel  where this client listens for replies.
     * @param responseStreamId stream of the replies.
     */
    RawClient(final Aeron aeron, final String ingressChannel, final String responseChannel, final int responseStreamId)
    {
        this(aeron, false, ingressChannel, responseChannel, responseStreamId);
    }

    private RawClient(
        final Aeron aeron,
        final boolean ownsAeron,
        final String ingressChannel,
        final String responseChannel,
        final int responseStreamId)
    {
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.responseStreamId = responseStreamId;
        publication = aeron.addExclusivePublication(ingressChannel, 1001);
        replySubscription = aeron.addSubscription(responseChannel, responseStreamId);
        if (!EngineHarness.await(
            () -> publication.isConnected() && replySubscription.tryResolveChannelEndpointPort() != null,
            () -> { }, 10_000))
        {
            close();
            throw new AssertionError("no engine listening on " + ingressChannel);
        }
    }

    /**
     * Send Connect naming this client's reply channel; does not wait for the answer.
     *
     * @param clientId the client's id.
     */
    void sendConnect(final long clientId)
    {
        sendConnect(clientId, replySubscription.tryResolveChannelEndpointPort(), responseStreamId);
    }

    /**
     * Send Connect naming any reply channel and stream, e.g. one that is not this client's.
     *
     * @param clientId         the client's id.
     * @param responseChannel  the channel to name.
     * @param responseStreamId the stream to name.
     */
    void sendConnect(final long clientId, final String responseChannel, final int responseStreamId)
    {
        final ConnectEncoder connect = new ConnectEncoder()
            .wrapAndApplyHeader(connectBuffer, 0, new MessageHeaderEncoder())
            .clientId(clientId)
            .responseStreamId(responseStreamId)
            .responseChannel(responseChannel)
            .putCredentials(new byte[0], 0, 0);
        send(connectBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());
    }

    /**
     * Answer a challenge.
     *
     * @param clientId the id to answer for.
     * @param response the answer.
     */
    void sendChallengeResponse(final long clientId, final byte[] response)
    {
        final ChallengeResponseEncoder encoder = new ChallengeResponseEncoder()
            .wrapAndApplyHeader(connectBuffer, 0, new MessageHeaderEncoder())
            .clientId(clientId)
            .putResponse(response, 0, response.length);
        send(connectBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Send Connect, answer the engine's challenge with these credentials, and wait for the outcome.
     *
     * @param clientId    the client's id.
     * @param credentials what answers the challenge.
     * @return the last reply: connected, or a reject.
     */
    Reply connect(final long clientId, final CredentialsSupplier credentials)
    {
        final int before = replies.size();
        sendConnect(clientId);
        if (!awaitReplies(before + 1, 10_000) || !"challenge".equals(replies.get(before).kind))
        {
            throw new AssertionError("engine did not challenge client " + clientId + "; replies " + replies);
        }
        sendChallengeResponse(clientId, credentials.onChallenge(clientId, lastChallenge));
        if (!awaitReplies(before + 2, 10_000))
        {
            throw new AssertionError("engine did not answer the challenge response of " + clientId);
        }
        return replies.get(before + 1);
    }

    /**
     * @return the nonce of the last Challenge received.
     */
    byte[] lastChallenge()
    {
        return lastChallenge;
    }

    /**
     * Send Connect and wait for Connected.
     *
     * @param clientId the client's id.
     */
    void connect(final long clientId)
    {
        sendConnect(clientId);
        if (!awaitReplies(replies.size() + 1, 10_000) || !"connected".equals(replies.get(replies.size() - 1).kind))
        {
            throw new AssertionError("engine did not confirm client " + clientId + "; replies " + replies);
        }
    }

    /**
     * Offer one frame, retrying while Aeron pushes back, polling replies meanwhile so the engine's reply path never
     * stalls on this client.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     */
    void send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (result == Publication.BACK_PRESSURED)
            {
                backPressuredOffers++;
            }
            else if (result != Publication.ADMIN_ACTION)
            {
                throw new AssertionError("offer failed: " + Publication.errorString(result));
            }
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("could not offer a frame within 10s");
            }
            if (poll() == 0)
            {
                Thread.yield();
            }
        }
    }

    /**
     * Offer one frame, retrying while Aeron pushes back, without reading replies: a client that has stopped
     * reading.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame.
     */
    void sendWithoutReading(final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        while (publication.offer(buffer, offset, length) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("could not offer a frame within 10s");
            }
            Thread.yield();
        }
    }

    /**
     * @return fragments polled from the reply channel.
     */
    int poll()
    {
        return replySubscription.poll(replyHandler, 100);
    }

    /**
     * @param count     replies to wait for in all.
     * @param timeoutMs bound on the wait.
     * @return true when that many arrived in time.
     */
    boolean awaitReplies(final int count, final long timeoutMs)
    {
        return EngineHarness.await(() -> replies.size() >= count, this::poll, timeoutMs);
    }

    List<Reply> replies()
    {
        return replies;
    }

    /**
     * @return offers that Aeron answered with back-pressure.
     */
    long backPressuredOffers()
    {
        return backPressuredOffers;
    }

    ExclusivePublication publication()
    {
        return publication;
    }

    Subscription replySubscription()
    {
        return replySubscription;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(publication, replySubscription);
        if (ownsAeron)
        {
            CloseHelper.quietClose(aeron);
        }
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        switch (headerDecoder.templateId())
        {
            case ConnectedDecoder.TEMPLATE_ID:
            {
                final ConnectedDecoder connected =
                    new ConnectedDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
                replies.add(new Reply("connected", "", connected.engineSeq(), "", 0));
                break;
            }
            case ChallengeDecoder.TEMPLATE_ID:
            {
                final ChallengeDecoder challenge =
                    new ChallengeDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
                lastChallenge = new byte[challenge.challengeLength()];
                challenge.getChallenge(lastChallenge, 0, lastChallenge.length);
                replies.add(new Reply("challenge", "", challenge.clientId(), "", 0));
                break;
            }
            case RejectDecoder.TEMPLATE_ID:
            {
                final RejectDecoder reject = new RejectDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
                replies.add(new Reply("reject", reject.reason().name(), reject.clientSeq(), "", 0));
                break;
            }
            case DecisionDecoder.TEMPLATE_ID:
            {
                final DecisionDecoder decision =
                    new DecisionDecoder().wrapAndApplyHeader(buffer, offset, headerDecoder);
                replies.add(new Reply(
                    "decision", "", decision.clientSeq(), decision.verdict().name(), decision.firedRules()));
                break;
            }
            default:
                replies.add(new Reply("template " + headerDecoder.templateId(), "", 0, "", 0));
        }
    }
}
