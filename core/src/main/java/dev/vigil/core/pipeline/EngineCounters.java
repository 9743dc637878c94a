package dev.vigil.core.pipeline;

import dev.vigil.codecs.RejectReason;
import dev.vigil.codecs.Verdict;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine's counters. Each is written by exactly one thread with ordered stores, so readers in other
 * processes (the counters file) see consistent values without slowing the writer.
 */
public final class EngineCounters implements AutoCloseable
{
    /** Type id of every Vigil counter; the label tells them apart. */
    public static final int VIGIL_COUNTER_TYPE_ID = 7701;

    /**
     * Creates a counter; Aeron's {@code Aeron::addCounter} in the engine, an Agrona {@code CountersManager} in tests.
     */
    @FunctionalInterface
    public interface CounterFactory
    {
        /**
         * @param typeId counter type.
         * @param label  human-readable label.
         * @return a new counter.
         */
        AtomicCounter newCounter(int typeId, String label);
    }

    private final AtomicCounter framesReceived;
    private final AtomicCounter eventsEvaluated;
    private final AtomicCounter alertsRaised;
    private final AtomicCounter stateFull;
    private final AtomicCounter repliesNotDelivered;
    private final AtomicCounter duplicates;
    private final AtomicCounter[] decisionsByVerdict;
    private final AtomicCounter[] rejectsByReason;

    /**
     * @param factory creates each counter.
     */
    public EngineCounters(final CounterFactory factory)
    {
        framesReceived = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil frames received");
        eventsEvaluated = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil events evaluated");
        alertsRaised = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil alerts raised");
        stateFull = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil rule state full");
        repliesNotDelivered = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil replies not delivered");
        duplicates = factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil retries answered with original decision");

        final Verdict[] verdicts = {Verdict.APPROVE, Verdict.REVIEW, Verdict.DECLINE};
        decisionsByVerdict = new AtomicCounter[verdicts.length];
        for (final Verdict verdict : verdicts)
        {
            decisionsByVerdict[verdict.value()] =
                factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil decisions " + verdict.name().toLowerCase());
        }

        rejectsByReason = new AtomicCounter[maxRejectReasonValue() + 1];
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                rejectsByReason[reason.value()] =
                    factory.newCounter(VIGIL_COUNTER_TYPE_ID, "vigil rejects " + reason.name().toLowerCase());
            }
        }
    }

    public AtomicCounter framesReceived()
    {
        return framesReceived;
    }

    public AtomicCounter eventsEvaluated()
    {
        return eventsEvaluated;
    }

    public AtomicCounter alertsRaised()
    {
        return alertsRaised;
    }

    public AtomicCounter stateFull()
    {
        return stateFull;
    }

    public AtomicCounter repliesNotDelivered()
    {
        return repliesNotDelivered;
    }

    public AtomicCounter duplicates()
    {
        return duplicates;
    }

    /**
     * @param verdict a verdict.
     * @return decisions made with that verdict.
     */
    public AtomicCounter decisions(final Verdict verdict)
    {
        return decisionsByVerdict[verdict.value()];
    }

    /**
     * @param reason a reject reason.
     * @return frames rejected for that reason.
     */
    public AtomicCounter rejects(final RejectReason reason)
    {
        return rejectsByReason[reason.value()];
    }

    /**
     * @return frames rejected for any reason.
     */
    public long totalRejects()
    {
        long total = 0;
        for (final AtomicCounter counter : rejectsByReason)
        {
            if (counter != null)
            {
                total += counter.get();
            }
        }
        return total;
    }

    @Override
    public void close()
    {
        framesReceived.close();
        eventsEvaluated.close();
        alertsRaised.close();
        stateFull.close();
        repliesNotDelivered.close();
        duplicates.close();
        for (final AtomicCounter counter : decisionsByVerdict)
        {
            counter.close();
        }
        for (final AtomicCounter counter : rejectsByReason)
        {
            if (counter != null)
            {
                counter.close();
            }
        }
    }

    private static int maxRejectReasonValue()
    {
        int max = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                max = Math.max(max, reason.value());
            }
        }
        return max;
    }
}
