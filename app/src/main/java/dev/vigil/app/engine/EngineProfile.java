package dev.vigil.app.engine;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the engine's agents and the media driver's roles are grouped onto threads, and how those threads wait.
 * Never more spinning or yielding threads than cores: on a 2-core machine that starves Aeron into milliseconds.
 */
public enum EngineProfile
{
    /**
     * One thread: the embedded driver's duty cycle (invoked, not threaded), the Aeron client conductor, ingress,
     * journal, rules and egress all take turns on it, yielding when idle. A journal that forces its writes
     * ({@code journal.durability} batch or periodic) runs on a second thread that parks when idle, so the first
     * never waits for the disk. Leaves the second core of a 2-core machine to clients and the OS. With an external
     * driver the driver's threads are that driver's business.
     */
    SHARED("yield")
    {
        @Override
        void configureDriver(final MediaDriver.Context context, final String idle)
        {
            context.threadingMode(ThreadingMode.INVOKER);
        }
    },

    /**
     * Seven threads: driver conductor, sender and receiver, and one per engine stage, busy-spinning by default. Only
     * for hosts with that many dedicated (isolated) cores.
     */
    DEDICATED("busy")
    {
        @Override
        void configureDriver(final MediaDriver.Context context, final String idle)
        {
            context.threadingMode(ThreadingMode.DEDICATED)
                .conductorIdleStrategy(new BackoffIdleStrategy())
                .senderIdleStrategy(idleStrategy(idle))
                .receiverIdleStrategy(idleStrategy(idle));
        }
    };

    /** How long the shared profile's journal thread parks when idle: it waits for a disk far longer than this. */
    private static final long FORCING_JOURNAL_PARK_NS = 20_000;

    private final String defaultIdle;

    EngineProfile(final String defaultIdle)
    {
        this.defaultIdle = defaultIdle;
    }

    /**
     * Set the driver's threading for this profile.
     *
     * @param context driver context to configure.
     * @param idle    the idle.strategy setting: {@code profile} or a strategy name.
     */
    abstract void configureDriver(MediaDriver.Context context, String idle);

    /**
     * The shared profile runs a journal that forces its writes on a thread of its own, which parks when idle: so it
     * never competes for a core with the engine's yielding thread, and never adds a spinning one.
     *
     * @return a new idle strategy for that thread.
     */
    static IdleStrategy forcingJournalIdleStrategy()
    {
        return new SleepingIdleStrategy(FORCING_JOURNAL_PARK_NS);
    }

    /**
     * @param idle the idle.strategy setting: {@code profile} or a strategy name.
     * @return a new idle strategy for one engine or driver thread.
     */
    IdleStrategy idleStrategy(final String idle)
    {
        switch ("profile".equals(idle) ? defaultIdle : idle)
        {
            case "backoff":
                return new BackoffIdleStrategy();
            case "sleep":
                return new SleepingMillisIdleStrategy(1);
            case "busy":
                return new BusySpinIdleStrategy();
            default:
                return new YieldingIdleStrategy();
        }
    }
}
