package dev.vigil.app.kafka;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentTerminationException;

import java.io.PrintStream;

/**
 * One Aeron client for all of a source's engine sessions, connected again when its media driver went away — the
 * engine's embedded driver stops with the engine. Aeron's default error handler ends the process when the driver
 * stops; this one notes it instead, and the next session the source opens connects a new client, once the driver (a
 * restarted engine's) is back.
 */
public final class ReconnectingAeron implements AutoCloseable
{
    private final long driverTimeoutMs;
    private final PrintStream err;
    private Aeron aeron;
    private String directory;
    private volatile boolean driverLost;

    /**
     * @param driverTimeoutMs how long a client waits for a driver that does not answer.
     * @param err             where errors of the client are reported.
     */
    public ReconnectingAeron(final long driverTimeoutMs, final PrintStream err)
    {
        this.driverTimeoutMs = driverTimeoutMs;
        this.err = err;
    }

    /**
     * @param aeronDirectoryName the media driver's directory.
     * @return a client of that driver: the one from before while it is open, else a new one.
     * @throws io.aeron.exceptions.AeronException when no driver answers there.
     */
    public Aeron client(final String aeronDirectoryName)
    {
        if (aeron == null || aeron.isClosed() || driverLost || !aeronDirectoryName.equals(directory))
        {
            CloseHelper.quietClose(aeron);
            aeron = null;
            driverLost = false;
            directory = aeronDirectoryName;
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .driverTimeoutMs(driverTimeoutMs)
                .errorHandler(this::onError));
        }
        return aeron;
    }

    /**
     * @return the client while it is open and its driver answers, else null; never connects (nor waits).
     */
    public Aeron current()
    {
        return aeron == null || aeron.isClosed() || driverLost ? null : aeron;
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(aeron);
        aeron = null;
    }

    private void onError(final Throwable error)
    {
        if (error instanceof DriverTimeoutException || error instanceof AgentTerminationException)
        {
            driverLost = true;
            return;
        }
        err.println("vigil kafka: Aeron client: " + error);
    }
}
