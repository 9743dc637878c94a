package dev.vigil.perf;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: an {@link AeronEchoServer} and a client of it in this process. Requests are Transactions encoded as
 * {@code VigilClient} encodes them (same size, same fields, send time stamped at each offer), so the only difference
 * from the Vigil topology is what sits behind the server's subscription.
 */
final class AeronEchoTarget implements RoundTripTarget
{
    private static final int REQUEST_STREAM_ID = 1001;
    private static final int ANSWER_STREAM_ID = 1002;
    private static final int FRAGMENT_LIMIT = 64;
    private static final int ACCOUNTS = 10_000;
    private static final long CLIENT_ID = 1;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final OpenLoopRun run;
    private final AeronEchoServer server;
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final TransactionDecoder transactionDecoder = new TransactionDecoder();
    private final FragmentHandler answerHandler = new FragmentAssembler(this::onAnswer);

    private AeronEchoTarget(
        final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler, final boolean dedicated)
    {
        this.run = run;
        final String requestChannel = "aeron:udp?endpoint=localhost:" + LocalResources.freeUdpPort();
        final String answerChannel = "aeron:udp?endpoint=localhost:" + LocalResources.freeUdpPort();
        server = AeronEchoServer.launch(
            aeronDir, requestChannel, REQUEST_STREAM_ID, answerChannel, ANSWER_STREAM_ID, errorHandler, dedicated);
        try
        {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir).errorHandler(errorHandler));
            publication = aeron.addExclusivePublication(requestChannel, REQUEST_STREAM_ID);
            subscription = aeron.addSubscription(answerChannel, ANSWER_STREAM_ID);
            awaitConnected();
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * @param aeronDir     private Aeron directory for the server's embedded driver.
     * @param run          receives the answers.
     * @param errorHandler receives errors from the server's thread.
     * @return a connected target.
     */
    static AeronEchoTarget launch(final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler)
    {
        return new AeronEchoTarget(aeronDir, run, errorHandler, false);
    }

    /**
     * @param aeronDir     private Aeron directory for the server's embedded driver.
     * @param run          receives the answers.
     * @param errorHandler receives errors from the server's thread.
     * @param dedicated    true: the server copies the dedicated profile's threads, false the shared profile's.
     * @return a connected target.
     */
    static AeronEchoTarget launch(
        final String aeronDir, final OpenLoopRun run, final ErrorHandler errorHandler, final boolean dedicated)
    {
        return new AeronEchoTarget(aeronDir, run, errorHandler, dedicated);
    }

    @Override
    public long trySend(final long index)
    {
        transactionEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .clientId(CLIENT_ID)
            .clientSeq(index + 1)
            .eventTimeNs(BenchmarkFrames.BASE_EVENT_TIME_NS + index * BenchmarkFrames.EVENT_STEP_NS)
            .clientSendTimeNs(System.nanoTime())
            .txnId(index + 1)
            .accountId(1 + index % ACCOUNTS)
            .cardId(10 * (1 + index % ACCOUNTS))
            .merchantId(1 + index % 5_000)
            .amountMinor(BenchmarkFrames.SMALL_AMOUNT_MINOR)
            .currency("EUR")
            .country("DE")
            .channel(PaymentChannel.ECOM);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + transactionEncoder.encodedLength();
        return publication.offer(sendBuffer, 0, length);
    }

    @Override
    public int poll()
    {
        return subscription.poll(answerHandler, FRAGMENT_LIMIT);
    }

    @Override
    public String describe()
    {
        return String.format(Locale.ROOT, "echo server: %,d requests dropped", server.dropped());
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(publication, subscription, aeron, server);
    }

    private void onAnswer(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.templateId() == TransactionDecoder.TEMPLATE_ID)
        {
            transactionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            run.onAnswer(transactionDecoder.clientSeq() - 1, transactionDecoder.clientSendTimeNs());
        }
    }

    private void awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("echo server did not connect within 5s");
            }
            LocalResources.pause();
        }
    }
}
