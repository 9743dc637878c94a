package dev.vigil.app.kafka;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentTerminationException;

import java.io.File;
import java.io.PrintStream;

/**
 * One Aeron client for all of a connector's uses of the engine's media driver (a source's sessions, a sink's alert
 * subscription or its {@code vigil stat} rows), connected again when its media driver went away — the engine's
 * embedded driver stops with the engine. Aeron's default error handler ends the process when the driver stops; this
 * one notes it instead, and the next use connects a new client, once the driver (a restarted engine's) is back.
 */
public final class ReconnectingAeron implements AutoCloseable
{
    /** How often {@link #clientIfDriverRuns} looks for a driver while none runs. */
    static final long DRIVER_LOOK_INTERVAL_NS = 1_000_000_000L;
    /** A driver whose heartbeat is older than this is taken for stopped, or killed. */
    private static final long DRIVER_ALIVE_MS = 1_000;

    private final long driverTimeoutMs;
    private final PrintStream err;
    private Aeron aeron;
    private String directory;
    private volatile boolean driverLost;
    private boolean lookedForDriver;
    private long nextDriverLookNs;

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
     * A client of the media driver at that directory when one runs there, for a connector that uses the engine's
     * driver only now and then (to copy its counters for {@code vigil stat}) and must not wait for one that is not
     * there: while none runs it looks at most every {@link #DRIVER_LOOK_INTERVAL_NS} ns, by the heartbeat the driver
     * keeps in its CnC file, and connects only to a live one.
     *
     * @param aeronDirectoryName the media driver's directory.
     * @param nowNs              the time now.
     * @return the client from before while it is open and its driver answers, a new one once a driver runs there
     *         again, else null.
     */
    public Aeron clientIfDriverRuns(final String aeronDirectoryName, final long nowNs)
    {
        final Aeron current = current();
        if (current != null && aeronDirectoryName.equals(directory))
        {
            return current;
        }
        if (lookedForDriver && nowNs - nextDriverLookNs < 0)
        {
            return null;
        }
        lookedForDriver = true;
        nextDriverLookNs = nowNs + DRIVER_LOOK_INTERVAL_NS;
        if (!CommonContext.isDriverActive(new File(aeronDirectoryName), DRIVER_ALIVE_MS, message -> { }))
        {
            return null;
        }
        try
        {
            return client(aeronDirectoryName);
        }
        catch (final AeronException | IllegalStateException ex)
        {
            // The driver stopped between the look and the connect: look again later.
            return null;
        }
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
