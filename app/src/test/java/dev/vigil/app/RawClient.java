package dev.vigil.app;

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
        final ConnectEncoder connect = new ConnectEncoder()
            .wrapAndApplyHeader(connectBuffer, 0, new MessageHeaderEncoder())
            .clientId(clientId)
            .responseStreamId(responseStreamId)
            .responseChannel(replySubscription.tryResolveChannelEndpointPort());
        send(connectBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength());
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
