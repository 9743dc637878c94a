package dev.vigil.perf;

import dev.vigil.app.engine.InvokerAgent;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Aeron with nothing behind it: every request is echoed back unchanged. The thread layout copies the engine's shared
 * profile so the two can be compared: an embedded media driver in {@link ThreadingMode#INVOKER}, its duty cycle,
 * the Aeron client conductor and the echo agent all take turns on one thread that yields when idle; requests arrive
 * on a UDP subscription and answers leave on an exclusive UDP publication, polled and offered as the engine does.
 * A dedicated variant copies the engine's dedicated profile instead: driver threads of its own, the echo spinning.
 */
final class AeronEchoServer implements AutoCloseable
{
    private static final int FRAGMENT_LIMIT = 256;
    private static final long RETRY_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final MediaDriver driver;
    private final Aeron aeron;
    private final EchoAgent echo;
    private final AgentRunner runner;

    private AeronEchoServer(
        final String aeronDir,
        final String requestChannel,
        final int requestStreamId,
        final String answerChannel,
        final int answerStreamId,
        final ErrorHandler errorHandler,
        final boolean dedicated)
    {
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .errorHandler(errorHandler);
        if (dedicated)
        {
            // As the engine's dedicated profile: the driver's three threads, sender and receiver spinning.
            driverContext.threadingMode(ThreadingMode.DEDICATED)
                .conductorIdleStrategy(new BackoffIdleStrategy())
                .senderIdleStrategy(new BusySpinIdleStrategy())
                .receiverIdleStrategy(new BusySpinIdleStrategy());
        }
        else
        {
            driverContext.threadingMode(ThreadingMode.INVOKER);
        }
        driver = MediaDriver.launch(driverContext);
        final AgentInvoker driverInvoker = dedicated ? null : driver.sharedAgentInvoker();
        try
        {
            final Aeron.Context aeronContext = new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .errorHandler(errorHandler);
            if (!dedicated)
            {
                aeronContext.driverAgentInvoker(driverInvoker).useConductorAgentInvoker(true);
            }
            aeron = Aeron.connect(aeronContext);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }

        final Subscription subscription = aeron.addSubscription(requestChannel, requestStreamId);
        final ExclusivePublication publication = aeron.addExclusivePublication(answerChannel, answerStreamId);
        echo = new EchoAgent(subscription, publication, driverInvoker);
        if (dedicated)
        {
            runner = new AgentRunner(new BusySpinIdleStrategy(), errorHandler, null, echo);
        }
        else
        {
            runner = new AgentRunner(new YieldingIdleStrategy(), errorHandler, null, new CompositeAgent(
                new InvokerAgent(driverInvoker, "aeron-driver"),
                new InvokerAgent(aeron.conductorAgentInvoker(), "aeron-client-conductor"),
                echo));
        }
        AgentRunner.startOnThread(runner);
    }

    /**
     * Start a server and its thread.
     *
     * @param aeronDir        private Aeron directory for the embedded driver.
     * @param requestChannel  channel requests arrive on.
     * @param requestStreamId stream of the requests.
     * @param answerChannel   channel answers are sent to.
     * @param answerStreamId  stream of the answers.
     * @param errorHandler    receives errors from the server's thread.
     * @param dedicated       false: the shared profile's one yielding thread; true: the dedicated profile's driver
     *                        threads and a busy-spinning echo thread.
     * @return the running server.
     */
    static AeronEchoServer launch(
        final String aeronDir,
        final String requestChannel,
        final int requestStreamId,
        final String answerChannel,
        final int answerStreamId,
        final ErrorHandler errorHandler,
        final boolean dedicated)
    {
        return new AeronEchoServer(
            aeronDir, requestChannel, requestStreamId, answerChannel, answerStreamId, errorHandler, dedicated);
    }

    /**
     * @return requests not echoed: not connected, or back-pressured past the retry budget.
     */
    long dropped()
    {
        return echo.dropped;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(runner);
        CloseHelper.quietCloseAll(aeron, driver);
    }

    /**
     * Echoes each request. A back-pressured answer is retried for a bounded time while the driver's duty cycle keeps
     * running, as the engine's egress does: on this thread nothing else would drain the publication.
     */
    private static final class EchoAgent implements Agent
    {
        private final Subscription subscription;
        private final ExclusivePublication publication;
        private final AgentInvoker driverInvoker;
        private final FragmentHandler fragmentHandler = new FragmentAssembler(this::onFragment);
        private volatile long dropped;

        EchoAgent(
            final Subscription subscription,
            final ExclusivePublication publication,
            final AgentInvoker driverInvoker)
        {
            this.subscription = subscription;
            this.publication = publication;
            this.driverInvoker = driverInvoker;
        }

        @Override
        public int doWork()
        {
            return subscription.poll(fragmentHandler, FRAGMENT_LIMIT);
        }

        @Override
        public String roleName()
        {
            return "aeron-echo";
        }

        private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            long deadlineNs = 0;
            while (true)
            {
                final long result = publication.offer(buffer, offset, length);
                if (result > 0)
                {
                    return;
                }
                if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
                {
                    dropped++;
                    return;
                }
                final long nowNs = System.nanoTime();
                if (deadlineNs == 0)
                {
                    deadlineNs = nowNs + RETRY_TIMEOUT_NS;
                }
                else if (nowNs > deadlineNs)
                {
                    dropped++;
                    return;
                }
                if (driverInvoker == null || driverInvoker.invoke() == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
