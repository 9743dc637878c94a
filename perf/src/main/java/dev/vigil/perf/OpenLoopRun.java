package dev.vigil.perf;

import io.aeron.Publication;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One open-loop run: requests leave at a fixed rate whatever the answers do, and each round trip is recorded twice.
 * <ul>
 *   <li>From the intended send time, {@code start + i × interval}: when the client falls behind (a stall, a full
 *   publication) the requests it could not send in time are charged the delay too, so the histogram is free of
 *   coordinated omission. This is the latency a source with its own schedule would see.</li>
 *   <li>From the actual send time, stamped into the request when it was finally offered: what the system itself
 *   added once it had the request.</li>
 * </ul>
 * Requests sent during warm-up are answered but not recorded. A back-pressured request is retried, never dropped,
 * and counted. Sending is bounded in count (rate × (warm-up + duration)) and in time (the schedule plus a grace
 * period); waiting for the last answers is bounded in time. Single-threaded and allocation-free while it runs; the
 * bytes the client thread allocated and the collections the JVM ran during the run are reported, so a run whose
 * tail was a garbage collector's can be told apart.
 */
final class OpenLoopRun
{
    /** Highest latency the histograms track. */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(10);

    private static final int SIGNIFICANT_DIGITS = 3;
    private static final int SEND_BURST_LIMIT = 64;
    private static final long SEND_GRACE_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long INTERVAL_LOG_NS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final int ratePerSecond;
    private final long warmupNs;
    private final long durationNs;
    private final long requestCount;
    private final NanoClock clock;
    private final Histogram fromIntendedNs = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Histogram fromActualNs = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final GcActivity gc = new GcActivity();
    private HiccupDetector hiccups;
    private IntervalLog intervalLog;
    private SendSchedule schedule;

    private long startNs;
    private long measureFromNs = Long.MAX_VALUE;
    private boolean measuring;
    private long lastAnswerNs;
    private long lastRecordedAnswerNs;
    private long sent;
    private long answered;
    private long rejected;
    private long unexpected;
    private long backPressureRetries;
    private long backPressuredRequests;
    private long otherOfferFailures;
    private long notConnectedFailures;
    private long closedFailures;
    private boolean currentBackPressured;
    private long clientAllocatedBytes = -1;
    private long gcCount;

    /**
     * @param name          topology name, for reports and file names.
     * @param ratePerSecond requests per second.
     * @param warmupNs      sending before recording starts.
     * @param durationNs    recorded sending.
     */
    OpenLoopRun(final String name, final int ratePerSecond, final long warmupNs, final long durationNs)
    {
        this(name, ratePerSecond, warmupNs, durationNs, SystemNanoClock.INSTANCE);
    }

    /**
     * @param name          topology name, for reports and file names.
     * @param ratePerSecond requests per second.
     * @param warmupNs      sending before recording starts.
     * @param durationNs    recorded sending.
     * @param clock         time of sends and answers.
     */
    OpenLoopRun(
        final String name, final int ratePerSecond, final long warmupNs, final long durationNs, final NanoClock clock)
    {
        this.name = name;
        this.ratePerSecond = ratePerSecond;
        this.warmupNs = warmupNs;
        this.durationNs = durationNs;
        this.requestCount = SendSchedule.requestsIn(ratePerSecond, warmupNs + durationNs);
        this.clock = clock;
    }

    /**
     * Also list the stalls of the measured phase.
     *
     * @param detector gets every recorded latency.
     * @return this.
     */
    OpenLoopRun hiccups(final HiccupDetector detector)
    {
        this.hiccups = detector;
        return this;
    }

    /**
     * Also write the measured latencies as an interval log.
     *
     * @param log gets every recorded latency; started, with its writer thread writing an interval a second, when
     *            measurement starts.
     * @return this.
     */
    OpenLoopRun intervalLog(final IntervalLog log)
    {
        this.intervalLog = log;
        return this;
    }

    /**
     * Send every request on schedule and wait for the answers, on the calling thread.
     *
     * @param target where requests go.
     */
    void execute(final RoundTripTarget target)
    {
        final long allocatedBefore = currentThreadAllocatedBytes();
        final long gcCountBefore = gcCount();
        startNs = clock.nanoTime();
        schedule = new SendSchedule(startNs, ratePerSecond);
        measureFromNs = startNs + warmupNs;
        final long sendDeadlineNs = measureFromNs + durationNs + SEND_GRACE_NS;

        long nowNs = startNs;
        while (sent < requestCount && nowNs < sendDeadlineNs)
        {
            startMeasuringWhenDue(nowNs);
            int workCount = sendDue(target, nowNs);
            workCount += target.poll();
            if (workCount == 0)
            {
                // Two cores: the target's thread needs the other one, so the client gives its core away when idle.
                Thread.yield();
            }
            nowNs = clock.nanoTime();
        }

        final long drainDeadlineNs = nowNs + DRAIN_TIMEOUT_NS;
        while (answered + rejected < sent && nowNs < drainDeadlineNs)
        {
            if (target.poll() == 0)
            {
                Thread.yield();
            }
            nowNs = clock.nanoTime();
        }

        if (!measuring)
        {
            gc.start();
        }
        gc.stop();
        if (intervalLog != null)
        {
            intervalLog.finish();
        }
        gcCount = gcCount() - gcCountBefore;
        if (allocatedBefore >= 0)
        {
            clientAllocatedBytes = currentThreadAllocatedBytes() - allocatedBefore;
        }
    }

    /**
     * An answer arrived.
     *
     * @param index            number of the request it answers.
     * @param actualSendTimeNs when the request was offered, as stamped into it.
     * @return true when the answer was recorded: it belongs to the measured phase.
     */
    boolean onAnswer(final long index, final long actualSendTimeNs)
    {
        final long nowNs = clock.nanoTime();
        lastAnswerNs = nowNs;
        if (index < 0 || index >= sent)
        {
            unexpected++;
            return false;
        }
        answered++;
        final long intendedSendTimeNs = schedule.intendedSendTimeNs(index);
        if (intendedSendTimeNs < measureFromNs)
        {
            return false;
        }
        final long fromIntended = clamp(nowNs - intendedSendTimeNs);
        fromIntendedNs.recordValue(fromIntended);
        fromActualNs.recordValue(clamp(nowNs - actualSendTimeNs));
        lastRecordedAnswerNs = nowNs;
        if (hiccups != null)
        {
            hiccups.record(intendedSendTimeNs - measureFromNs, fromIntended);
        }
        if (intervalLog != null)
        {
            intervalLog.record(fromIntended);
        }
        return true;
    }

    /**
     * The target refused a request instead of answering it.
     */
    void onReject()
    {
        rejected++;
    }

    String name()
    {
        return name;
    }

    /**
     * @return requests sent before measuring starts.
     */
    long warmupRequests()
    {
        return SendSchedule.requestsIn(ratePerSecond, warmupNs);
    }

    /**
     * @return requests per second.
     */
    int ratePerSecond()
    {
        return ratePerSecond;
    }

    /**
     * @return when the latest answer arrived, on this run's clock.
     */
    long lastAnswerNs()
    {
        return lastAnswerNs;
    }

    /**
     * @return latencies in ns measured from each request's intended send time.
     */
    Histogram fromIntendedNs()
    {
        return fromIntendedNs;
    }

    /**
     * @return latencies in ns measured from each request's actual send time.
     */
    Histogram fromActualNs()
    {
        return fromActualNs;
    }

    /**
     * @return collections during the measured phase, up to the last answer.
     */
    GcActivity gcWhileMeasuring()
    {
        return gc;
    }

    /**
     * @return answers recorded per second of the measured phase, from its start to the last recorded answer.
     */
    double achievedRatePerSecond()
    {
        final long recorded = fromIntendedNs.getTotalCount();
        final long spanNs = lastRecordedAnswerNs - measureFromNs;
        return recorded == 0 || spanNs <= 0 ? 0 : recorded * 1e9 / spanNs;
    }

    /**
     * @return true when every scheduled request was sent and answered, none refused or unknown.
     */
    boolean isComplete()
    {
        return sent == requestCount && answered == sent && rejected == 0 && unexpected == 0;
    }

    /**
     * @return one line of counts.
     */
    String describe()
    {
        return String.format(Locale.ROOT,
            "scheduled %,d, sent %,d, answered %,d, recorded %,d, rejected %,d, unknown %,d, " +
            "back-pressured %,d requests (%,d retries), other offer failures %,d (not connected %,d, closed %,d)",
            requestCount, sent, answered, fromIntendedNs.getTotalCount(), rejected, unexpected,
            backPressuredRequests, backPressureRetries, otherOfferFailures, notConnectedFailures, closedFailures);
    }

    /**
     * @return one line on garbage: what the client thread allocated (-1 when unknown), collections in the JVM.
     */
    String describeGarbage()
    {
        return String.format(Locale.ROOT, "client thread allocated %,d bytes; the JVM ran %d collections",
            clientAllocatedBytes, gcCount);
    }

    private void startMeasuringWhenDue(final long nowNs)
    {
        if (!measuring && nowNs >= measureFromNs)
        {
            measuring = true;
            gc.start();
            if (intervalLog != null)
            {
                intervalLog.start(System.currentTimeMillis() - (nowNs - measureFromNs) / 1_000_000L);
                intervalLog.startWriterThread(INTERVAL_LOG_NS);
            }
        }
    }

    private int sendDue(final RoundTripTarget target, final long nowNs)
    {
        int sentNow = 0;
        final long due = Math.min(requestCount, schedule.dueBy(nowNs));
        while (sent < due && sentNow < SEND_BURST_LIMIT)
        {
            final long result = target.trySend(sent);
            if (result <= 0)
            {
                onOfferFailed(result);
                break;
            }
            sent++;
            sentNow++;
            currentBackPressured = false;
        }
        return sentNow;
    }

    private void onOfferFailed(final long result)
    {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            backPressureRetries++;
            if (!currentBackPressured)
            {
                currentBackPressured = true;
                backPressuredRequests++;
            }
        }
        else
        {
            otherOfferFailures++;
            if (result == Publication.NOT_CONNECTED)
            {
                notConnectedFailures++;
            }
            else if (result == Publication.CLOSED)
            {
                closedFailures++;
            }
        }
    }

    private static long currentThreadAllocatedBytes()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean)
        {
            final com.sun.management.ThreadMXBean hotspotThreads = (com.sun.management.ThreadMXBean)threads;
            if (hotspotThreads.isThreadAllocatedMemorySupported() && hotspotThreads.isThreadAllocatedMemoryEnabled())
            {
                return hotspotThreads.getCurrentThreadAllocatedBytes();
            }
        }
        return -1;
    }

    private static long gcCount()
    {
        long count = 0;
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    private static long clamp(final long valueNs)
    {
        return Math.min(Math.max(0, valueNs), HIGHEST_TRACKABLE_NS);
    }
}
