package dev.vigil.app.metrics;

import dev.vigil.core.stage.egress.RoundTripRecorder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's own round trip, ingress to egress, of every decision: recorded on the egress thread into an
 * HdrHistogram {@link Recorder} (wait-free, no allocation), read as interval histograms on reading threads (the
 * metrics server's, the live page's). Each reader has its own intervals: what one takes, the others still get.
 * Once a reader asks for them ({@link #stageReader()}), the stages' times are recorded too: ingress to the rules'
 * decision, ingress to the journal's write, and from the later of the two to egress.
 */
public final class RoundTripHistogram implements RoundTripRecorder
{
    /** Longest round trip recorded as itself; longer ones count at this value. */
    static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NS, 3);
    private final Recorder rulesStage = new Recorder(1, HIGHEST_TRACKABLE_NS, 3);
    private final Recorder journalStage = new Recorder(1, HIGHEST_TRACKABLE_NS, 3);
    private final Recorder egressStage = new Recorder(1, HIGHEST_TRACKABLE_NS, 3);
    private volatile boolean stagesRead;
    private StageReader stageReader;
    private final List<Reader> readers = new ArrayList<>();
    private final Reader defaultReader = newReader();
    private Histogram drained;
    private long totalCount;
    private double totalSumNs;

    @Override
    public void record(
        final long ingressTimeNs, final long rulesDoneTimeNs, final long journalDoneTimeNs, final long egressTimeNs)
    {
        recorder.recordValue(bounded(egressTimeNs - ingressTimeNs));
        if (stagesRead)
        {
            rulesStage.recordValue(bounded(rulesDoneTimeNs - ingressTimeNs));
            if (journalDoneTimeNs != 0)
            {
                journalStage.recordValue(bounded(journalDoneTimeNs - ingressTimeNs));
            }
            egressStage.recordValue(bounded(egressTimeNs - Math.max(rulesDoneTimeNs, journalDoneTimeNs)));
        }
    }

    private static long bounded(final long ns)
    {
        return Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, ns));
    }

    /**
     * The one reader of the stages' times; they are recorded from the first call on.
     *
     * @return the reader, the same on every call.
     */
    public synchronized StageReader stageReader()
    {
        if (stageReader == null)
        {
            stageReader = new StageReader();
            stagesRead = true;
        }
        return stageReader;
    }

    /**
     * A reader of its own, whose intervals are independent of the other readers'.
     *
     * @return a new reader; what it takes starts with what is recorded after this call.
     */
    public synchronized Reader newReader()
    {
        final Reader reader = new Reader();
        readers.add(reader);
        return reader;
    }

    /**
     * Take what was recorded since the previous call, as the metrics server's reader; call from one thread only.
     *
     * @return the round trips recorded since the previous call, in nanoseconds; reused by the next call.
     */
    public Histogram takeInterval()
    {
        return defaultReader.takeInterval();
    }

    /**
     * @return round trips recorded up to the last interval any reader took.
     */
    public synchronized long totalCount()
    {
        return totalCount;
    }

    /**
     * @return sum of the round trips recorded up to the last interval any reader took, nanoseconds (from the
     *         histogram, so within its precision).
     */
    public synchronized double totalSumNs()
    {
        return totalSumNs;
    }

    /**
     * Moves what the recorder holds into every reader's pending interval; readers' threads only, under this lock.
     */
    private void drain()
    {
        drained = recorder.getIntervalHistogram(drained);
        totalCount += drained.getTotalCount();
        totalSumNs += drained.getMean() * drained.getTotalCount();
        if (drained.getTotalCount() > 0)
        {
            for (final Reader reader : readers)
            {
                reader.pending.add(drained);
            }
        }
    }

    /**
     * One reading thread's view: intervals between its own calls.
     */
    public final class Reader
    {
        private final Histogram pending = new Histogram(1, HIGHEST_TRACKABLE_NS, 3);
        private final Histogram taken = new Histogram(1, HIGHEST_TRACKABLE_NS, 3);

        private Reader()
        {
        }

        /**
         * @return the reader of the stages' times, which are recorded from this call on.
         */
        public StageReader stages()
        {
            return stageReader();
        }

        /**
         * Take what was recorded since this reader's previous call; call from one thread only.
         *
         * @return the round trips recorded since the previous call, in nanoseconds; reused by the next call.
         */
        public Histogram takeInterval()
        {
            synchronized (RoundTripHistogram.this)
            {
                drain();
                taken.reset();
                taken.add(pending);
                pending.reset();
            }
            return taken;
        }
    }

    /**
     * The stages' times, in intervals between calls of one reading thread.
     */
    public final class StageReader
    {
        private Histogram rules;
        private Histogram journal;
        private Histogram egress;

        private StageReader()
        {
        }

        /**
         * Take what was recorded since the previous call; then read {@link #rules()}, {@link #journal()} and
         * {@link #egress()}. Call from one thread only.
         */
        public void takeIntervals()
        {
            rules = rulesStage.getIntervalHistogram(rules);
            journal = journalStage.getIntervalHistogram(journal);
            egress = egressStage.getIntervalHistogram(egress);
        }

        /**
         * @return ingress to the rules' decision, nanoseconds, of the last interval taken; reused by the next.
         */
        public Histogram rules()
        {
            return rules;
        }

        /**
         * @return ingress to the journal's write, nanoseconds, of the last interval taken (empty with no journal).
         */
        public Histogram journal()
        {
            return journal;
        }

        /**
         * @return the later of the rules' decision and the journal's write to egress, nanoseconds, of the last
         * interval taken.
         */
        public Histogram egress()
        {
            return egress;
        }
    }
}
