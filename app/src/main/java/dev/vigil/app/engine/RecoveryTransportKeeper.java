package dev.vigil.app.engine;

import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps an embedded media driver and an Aeron client conductor that run as invokers serviced from a thread of its own
 * while the engine's thread builds state, loads a snapshot and replays the journal: however long recovery takes,
 * neither times out (Aeron's client liveness, driver and conductor service timeouts), and the first Aeron call after
 * recovery finds both alive.
 * <p>
 * The invokers must never run on two threads at once, yet an Aeron call on the engine's thread (a new counter, when
 * replay applies a rules update) runs them while it waits for the driver. So every such call goes through
 * {@link #counterFactory}, which holds the same lock as each duty cycle here. The thread sleeps a millisecond between
 * cycles: it services, never spins, so recovery keeps a core.
 */
final class RecoveryTransportKeeper implements AutoCloseable
{
    private final ReentrantLock transportLock = new ReentrantLock();
    private final AgentRunner runner;

    /**
     * Start servicing.
     *
     * @param transportDuty the invokers' duty cycle (driver and client conductor), as the engine's thread will run it.
     * @param errorHandler  receives what the invokers throw; the thread keeps servicing.
     */
    RecoveryTransportKeeper(final Agent transportDuty, final ErrorHandler errorHandler)
    {
        runner = new AgentRunner(
            new SleepingMillisIdleStrategy(1), errorHandler, null, new LockedDuty(transportDuty, transportLock));
        AgentRunner.startOnThread(runner);
    }

    /**
     * @param aeron the client whose counters to create.
     * @return creates engine counters in the client's driver, never while the thread here runs the invokers.
     */
    EngineCounters.CounterFactory counterFactory(final Aeron aeron)
    {
        return (typeId, label) ->
        {
            transportLock.lock();
            try
            {
                return aeron.addCounter(typeId, label);
            }
            finally
            {
                transportLock.unlock();
            }
        };
    }

    /**
     * Stop servicing and wait for the thread to end: from here on the engine's own threads run the invokers.
     * Idempotent.
     */
    @Override
    public void close()
    {
        CloseHelper.close(runner);
    }

    /**
     * One duty cycle of the invokers under the lock. Not closed with the runner: the invokers belong to the engine.
     */
    private static final class LockedDuty implements Agent
    {
        private final Agent duty;
        private final ReentrantLock lock;

        LockedDuty(final Agent duty, final ReentrantLock lock)
        {
            this.duty = duty;
            this.lock = lock;
        }

        @Override
        public int doWork() throws Exception
        {
            lock.lock();
            try
            {
                return duty.doWork();
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public String roleName()
        {
            return "vigil-recovery-transport";
        }
    }
}
