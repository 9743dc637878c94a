package dev.vigil.app.engine;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
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
     * journal, rules and egress all take turns on it, yielding when idle. Leaves the second core of a 2-core machine
     * to clients and the OS. With an external driver the driver's threads are that driver's business.
     */
    SHARED
    {
        @Override
        void configureDriver(final MediaDriver.Context context)
        {
            context.threadingMode(ThreadingMode.INVOKER);
        }

        @Override
        IdleStrategy defaultIdleStrategy()
        {
            return new YieldingIdleStrategy();
        }
    },

    /**
     * Seven busy-spinning threads: driver conductor, sender and receiver, and one per engine stage. Only for hosts
     * with that many dedicated (isolated) cores.
     */
    DEDICATED
    {
        @Override
        void configureDriver(final MediaDriver.Context context)
        {
            context.threadingMode(ThreadingMode.DEDICATED)
                .conductorIdleStrategy(new BackoffIdleStrategy())
                .senderIdleStrategy(new BusySpinIdleStrategy())
                .receiverIdleStrategy(new BusySpinIdleStrategy());
        }

        @Override
        IdleStrategy defaultIdleStrategy()
        {
            return new BusySpinIdleStrategy();
        }
    };

    abstract void configureDriver(MediaDriver.Context context);

    abstract IdleStrategy defaultIdleStrategy();

    IdleStrategy engineIdleStrategy(final String name)
    {
        switch (name)
        {
            case "yield":
                return new YieldingIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy();
            case "sleep":
                return new SleepingMillisIdleStrategy(1);
            case "busy":
                return new BusySpinIdleStrategy();
            default:
                return defaultIdleStrategy();
        }
    }
}
