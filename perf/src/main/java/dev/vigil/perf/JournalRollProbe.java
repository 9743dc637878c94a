package dev.vigil.perf;

import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalWriter;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a segment roll costs the journal stage. Drives a {@link JournalWriter} as the engine's journal stage does,
 * paced at a fixed rate: batches of appends, {@code endOfBatch} after each, {@code doDutyCycle} while waiting for
 * the next batch; times every call, and reports, per durability mode, the calls that rolled, the batches they
 * were in, the worst call in the window after each roll, and everything else as percentiles. A roll that happens in
 * {@code endOfBatch} (between batches) shows an append time of 0.
 * <p>
 * Optionally a second thread page-faults fresh anonymous memory every ~50 µs and times each fault, to see whether
 * what happens at a roll (the unmap of the sealed segment, the preparation of the next one) stalls page faults
 * elsewhere in the process (the memory-map lock).
 * <p>
 * Run (about 10 s per mode with the defaults):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
 *     -cp perf/target/vigil-benchmarks.jar dev.vigil.perf.JournalRollProbe \
 *     [durability=NONE,PERIODIC,BATCH] [segment=64m] [frame=100] [rate=500000] [batch=16] [rolls=8] \
 *     [warmupRolls=2] [faulter=true] [window=50ms] [dir=java.io.tmpdir]
 * </pre>
 * Files go to a temporary directory under {@code dir}, deleted afterwards.
 */
public final class JournalRollProbe
{
    private static final long MAX_TRACKED_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long FAULTER_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long FAULTER_BYTES = 4L * 1024 * 1024 * 1024;
    private static final int PAGE = 4096;
    private static final long SLOW_FAULT_NS = TimeUnit.MICROSECONDS.toNanos(200);

    private final Durability durability;
    private final int segmentLength;
    private final int frameLength;
    private final long rate;
    private final int batch;
    private final int rolls;
    private final int warmupRolls;
    private final boolean faulter;
    private final long windowNs;
    private final Path baseDirectory;

    private final Histogram appendNs = new Histogram(MAX_TRACKED_NS, 3);
    private final Histogram endOfBatchNs = new Histogram(MAX_TRACKED_NS, 3);
    private final Histogram dutyCycleNs = new Histogram(MAX_TRACKED_NS, 3);
    private final Histogram batchNs = new Histogram(MAX_TRACKED_NS, 3);
    private final Histogram faultNs = new Histogram(MAX_TRACKED_NS, 3);
    private final List<Roll> rollList = new ArrayList<>();

    private JournalRollProbe(
        final Durability durability,
        final int segmentLength,
        final int frameLength,
        final long rate,
        final int batch,
        final int rolls,
        final int warmupRolls,
        final boolean faulter,
        final long windowNs,
        final Path baseDirectory)
    {
        this.durability = durability;
        this.segmentLength = segmentLength;
        this.frameLength = frameLength;
        this.rate = rate;
        this.batch = batch;
        this.rolls = rolls;
        this.warmupRolls = warmupRolls;
        this.faulter = faulter;
        this.windowNs = windowNs;
        this.baseDirectory = baseDirectory;
    }

    /**
     * @param args {@code name=value} options, see the class comment.
     * @throws Exception when the journal cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        String durabilities = "NONE,PERIODIC,BATCH";
        int segmentLength = 64 * 1024 * 1024;
        int frameLength = 100;
        long rate = 500_000;
        int batch = 16;
        int rolls = 8;
        int warmupRolls = 2;
        boolean faulter = true;
        long windowNs = TimeUnit.MILLISECONDS.toNanos(50);
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"));
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("expected name=value, got " + arg);
            }
            final String name = arg.substring(0, eq);
            final String value = arg.substring(eq + 1);
            switch (name)
            {
                case "durability":
                    durabilities = value.toUpperCase(Locale.ROOT);
                    break;
                case "segment":
                    segmentLength = (int)parseBytes(value);
                    break;
                case "frame":
                    frameLength = Integer.parseInt(value);
                    break;
                case "rate":
                    rate = Long.parseLong(value.replace("_", "").replace("k", "000"));
                    break;
                case "batch":
                    batch = Integer.parseInt(value);
                    break;
                case "rolls":
                    rolls = Integer.parseInt(value);
                    break;
                case "warmupRolls":
                    warmupRolls = Integer.parseInt(value);
                    break;
                case "faulter":
                    faulter = Boolean.parseBoolean(value);
                    break;
                case "window":
                    windowNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(value.replace("ms", "")));
                    break;
                case "dir":
                    dir = Paths.get(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + name);
            }
        }

        System.out.printf(Locale.ROOT,
            "journal roll probe: segment %,d B, frame %d B, %,d records/s in batches of %d, %d roll(s) measured " +
            "after %d, faulter %s, files under %s, %s%n",
            segmentLength, frameLength, rate, batch, rolls, warmupRolls, faulter ? "on" : "off", dir,
            Runtime.version());
        for (final String mode : durabilities.split(","))
        {
            new JournalRollProbe(Durability.valueOf(mode.trim()), segmentLength, frameLength, rate, batch, rolls,
                warmupRolls, faulter, windowNs, dir).run();
        }
    }

    private static long parseBytes(final String value)
    {
        final String lower = value.toLowerCase(Locale.ROOT);
        final char unit = lower.charAt(lower.length() - 1);
        final long scale = unit == 'k' ? 1024 : unit == 'm' ? 1024 * 1024 : unit == 'g' ? 1024 * 1024 * 1024 : 1;

        return Long.parseLong(scale == 1 ? lower : lower.substring(0, lower.length() - 1)) * scale;
    }

    private void run() throws IOException, InterruptedException
    {
        final Path directory = Files.createTempDirectory(baseDirectory, "vigil-roll-probe-");
        final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameLength, 64));
        for (int i = 0; i < frameLength; i++)
        {
            frame.putByte(i, (byte)i);
        }

        final Faulter faults = faulter ? new Faulter(faultNs) : null;
        final long openStartNs = System.nanoTime();
        final JournalWriter writer = JournalWriter.open(
            new JournalContext().directory(directory).segmentLength(segmentLength).durability(durability));
        final long openNs = System.nanoTime() - openStartNs;
        try
        {
            if (null != faults)
            {
                faults.start();
            }
            drive(writer, frame);
        }
        finally
        {
            writer.close();
            if (null != faults)
            {
                faults.stop();
            }
            IoUtil.delete(directory.toFile(), true);
        }

        report(openNs, faults);
    }

    /**
     * Warm-up rolls go through exactly the code the measured ones do, so that the first measured roll does not pay
     * for this loop's own first run of it; everything recorded is dropped when the first measured roll comes.
     */
    private void drive(final JournalWriter writer, final UnsafeBuffer frame)
    {
        final long batchPeriodNs = batch * 1_000_000_000L / rate;
        long sequence = 0;
        long lastBase = -1;
        int rollsSeen = 0;
        Roll openRoll = null;
        long due = System.nanoTime();
        while (rollsSeen < warmupRolls + rolls || null != openRoll)
        {
            final long batchStartNs = System.nanoTime();
            Roll rolled = null;
            for (int i = 0; i < batch; i++)
            {
                final long t0 = System.nanoTime();
                final long result = writer.append(++sequence, t0, frame, 0, frameLength);
                final long t1 = System.nanoTime();
                if (result < 0)
                {
                    throw new IllegalStateException("append refused: " + result);
                }
                final long base = writer.segmentBaseSequence();
                if (base != lastBase && lastBase > 0 && rollsSeen < warmupRolls + rolls)
                {
                    rollsSeen++;
                    rolled = new Roll(t1, t1 - t0);
                }
                else
                {
                    appendNs.recordValue(t1 - t0);
                    if (null != openRoll)
                    {
                        openRoll.after(t1 - t0);
                    }
                }
                lastBase = base;
            }

            final long t0 = System.nanoTime();
            writer.endOfBatch();
            final long t1 = System.nanoTime();
            final long baseAfterBatch = writer.segmentBaseSequence();
            if (baseAfterBatch != lastBase && rollsSeen < warmupRolls + rolls)
            {
                // Rolled in endOfBatch: BATCH mode rolls between batches when little room is left.
                rollsSeen++;
                rolled = new Roll(t1, 0);
            }
            lastBase = baseAfterBatch;
            if (null != rolled)
            {
                if (null != openRoll)
                {
                    rollList.add(openRoll);
                }
                rolled.endOfBatchNs = t1 - t0;
                rolled.batchNs = t1 - batchStartNs;
                openRoll = rolled;
            }
            else
            {
                endOfBatchNs.recordValue(t1 - t0);
                batchNs.recordValue(t1 - batchStartNs);
                if (null != openRoll)
                {
                    openRoll.after(t1 - t0);
                }
            }
            if (null != rolled && rollsSeen == warmupRolls + 1)
            {
                dropWarmUp();
            }

            due += batchPeriodNs;
            long now;
            while ((now = System.nanoTime()) < due)
            {
                writer.doDutyCycle();
                final long t2 = System.nanoTime();
                dutyCycleNs.recordValue(t2 - now);
                if (null != openRoll)
                {
                    openRoll.after(t2 - now);
                }
                Thread.yield();
            }
            if (null != openRoll && now - openRoll.atNs > windowNs)
            {
                rollList.add(openRoll);
                openRoll = null;
            }
        }
    }

    /**
     * The first measured roll has come: drop what the warm-up recorded (outside any timed call).
     */
    private void dropWarmUp()
    {
        appendNs.reset();
        endOfBatchNs.reset();
        dutyCycleNs.reset();
        batchNs.reset();
        faultNs.reset();
        rollList.clear();
    }

    private void report(final long openNs, final Faulter faults)
    {
        System.out.printf(Locale.ROOT, "%n%s: open %.1f ms%n", durability, openNs / 1e6);
        System.out.printf(Locale.ROOT, "  %-28s %9s %9s %9s %9s %9s %11s%n",
            "µs", "p50", "p99", "p99.9", "p99.99", "max", "count");
        row("append (not rolling)", appendNs);
        row("endOfBatch (no roll)", endOfBatchNs);
        row("batch (no roll)", batchNs);
        row("doDutyCycle", dutyCycleNs);
        if (null != faults)
        {
            row("page fault, other thread", faultNs);
        }

        System.out.printf(Locale.ROOT,
            "  rolls (µs): the append that rolled, endOfBatch and whole batch it was in, worst call of the stage " +
            "and worst fault of the other thread in the %d ms after%n", TimeUnit.NANOSECONDS.toMillis(windowNs));
        final Histogram rollAppend = new Histogram(MAX_TRACKED_NS, 3);
        final Histogram rollBatch = new Histogram(MAX_TRACKED_NS, 3);
        final Histogram rollAfter = new Histogram(MAX_TRACKED_NS, 3);
        for (final Roll roll : rollList)
        {
            final long faultAfter = null == faults ? 0 : faults.worstBetween(roll.atNs - roll.appendNs,
                roll.atNs + windowNs);
            System.out.printf(Locale.ROOT, "    append %9.1f  endOfBatch %9.1f  batch %9.1f  after: stage %9.1f" +
                "  fault %9.1f%n",
                roll.appendNs / 1e3, roll.endOfBatchNs / 1e3, roll.batchNs / 1e3, roll.worstAfterNs / 1e3,
                faultAfter / 1e3);
            rollAppend.recordValue(roll.appendNs);
            rollBatch.recordValue(roll.batchNs);
            rollAfter.recordValue(roll.worstAfterNs);
        }
        row("roll: append that rolled", rollAppend);
        row("roll: batch with the roll", rollBatch);
        row("roll: worst call after", rollAfter);
        if (null != faults)
        {
            System.out.printf(Locale.ROOT,
                "  other thread: %d fault(s) over %d µs, %d of them within %d ms of a roll%n",
                faults.slowCount(), TimeUnit.NANOSECONDS.toMicros(SLOW_FAULT_NS), faults.slowNear(rollList, windowNs),
                TimeUnit.NANOSECONDS.toMillis(windowNs));
        }
    }

    private static void row(final String name, final Histogram histogram)
    {
        System.out.printf(Locale.ROOT, "  %-28s %9.1f %9.1f %9.1f %9.1f %9.1f %,11d%n",
            name,
            histogram.getValueAtPercentile(50) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3,
            histogram.getValueAtPercentile(99.99) / 1e3,
            histogram.getMaxValue() / 1e3,
            histogram.getTotalCount());
    }

    private static final class Roll
    {
        private final long atNs;
        private final long appendNs;
        private long endOfBatchNs;
        private long batchNs;
        private long worstAfterNs;

        private Roll(final long atNs, final long appendNs)
        {
            this.atNs = atNs;
            this.appendNs = appendNs;
        }

        private void after(final long callNs)
        {
            worstAfterNs = Math.max(worstAfterNs, callNs);
        }
    }

    /**
     * Touches a fresh page of anonymous memory every ~50 µs and times it.
     */
    private static final class Faulter implements Runnable
    {
        private static final int MAX_SLOW = 1 << 16;

        private final Histogram histogram;
        private final long[] slowAtNs = new long[MAX_SLOW];
        private final long[] slowNs = new long[MAX_SLOW];
        private final Thread thread = new Thread(this, "probe-faulter");
        private volatile boolean running = true;
        private int slowCount;

        private Faulter(final Histogram histogram)
        {
            this.histogram = histogram;
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        void stop() throws InterruptedException
        {
            running = false;
            thread.join();
        }

        @Override
        public void run()
        {
            final long address = UnsafeApi.allocateMemory(FAULTER_BYTES);
            try
            {
                long offset = 0;
                while (running && offset < FAULTER_BYTES)
                {
                    final long t0 = System.nanoTime();
                    UnsafeApi.putByte(address + offset, (byte)1);
                    final long t1 = System.nanoTime();
                    histogram.recordValue(t1 - t0);
                    if (t1 - t0 > SLOW_FAULT_NS && slowCount < MAX_SLOW)
                    {
                        slowAtNs[slowCount] = t1;
                        slowNs[slowCount++] = t1 - t0;
                    }
                    offset += PAGE;
                    LockSupport.parkNanos(FAULTER_PERIOD_NS);
                }
            }
            finally
            {
                UnsafeApi.freeMemory(address);
            }
        }

        int slowCount()
        {
            return slowCount;
        }

        long worstBetween(final long fromNs, final long toNs)
        {
            long worst = 0;
            for (int i = 0; i < slowCount; i++)
            {
                // A fault that ends in the window, or one that started before it and ended after it began.
                if (slowAtNs[i] >= fromNs && slowAtNs[i] - slowNs[i] <= toNs)
                {
                    worst = Math.max(worst, slowNs[i]);
                }
            }
            return worst;
        }

        int slowNear(final List<Roll> rolls, final long windowNs)
        {
            int near = 0;
            for (int i = 0; i < slowCount; i++)
            {
                for (final Roll roll : rolls)
                {
                    if (slowAtNs[i] >= roll.atNs - roll.appendNs && slowAtNs[i] - slowNs[i] <= roll.atNs + windowNs)
                    {
                        near++;
                        break;
                    }
                }
            }
            return near;
        }
    }
}
