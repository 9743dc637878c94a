package dev.vigil.app.backtest;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import dev.vigil.app.audit.CsvEventFile;
import dev.vigil.app.audit.CsvEventReader;
import dev.vigil.app.audit.DecisionCounts;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.codecs.HeartbeatDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.config.RulesFile;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.WindowSpec;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * A backtest: runs the lines of an events CSV file, in file order, through the engine's own input checks
 * ({@link RingIngress}) and rules stage ({@link RulesHandler}, windows included) as one connected client would have
 * sent them, minus the network, and writes what the engine decided and emitted. The rules stage takes the events
 * queued in the ring as it takes them in the engine, loading the keyed state of {@code rules.lookahead} events ahead;
 * decisions and outputs are those of one event at a time, whatever the runs of events it is given.
 * <p>
 * On one thread, lines are read into the ring a batch at a time, then the rules stage takes the batch. On two, the
 * calling thread reads and encodes the lines and publishes them into the ring, as the engine's ingress does, while a
 * second thread runs the rules stage over what is published and writes the outputs; the outputs are the same. A line
 * that cannot be read and is skipped goes to the second thread beside the ring, tagged with the sequence of the
 * event after it, so that the rejected lines keep file order.
 */
public final class CsvReplay
{
    private static final int SESSION_ID = 1;
    private static final int FRAME_CAPACITY = 256;
    private static final int PROGRESS_EVERY = 4096;
    /** Lines read into the ring before the rules stage takes them, on one thread: the ring's size. */
    private static final int BATCH = 256;
    /** The ring's size on two threads: room for the reader to run ahead while the rules stage works. */
    private static final int RING_SIZE = 1024;
    /** Slots the rules thread takes before it hands them back to the reader, at most. */
    private static final int RELEASE_EVERY = 64;
    /** No sequence yet: the reader has not finished. */
    private static final long NOT_ENDED = -1;

    private final RulesHandler rules;
    private final RingBuffer<RingEvent> ring;
    private final RingIngress ingress;
    private final long clientId;
    private final boolean skipBadLines;
    private final int threads;
    private final int mask;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_CAPACITY]);
    /** The CSV line of each slot of the ring, by slot. */
    private final int[] lineOfSlot;
    private final DecisionCounts counts = new DecisionCounts();
    private final DecisionRows decisionRows;
    private final WindowRows windowRows;
    private final CsvWriter rejectedCsv;
    private final List<String> firstRejected = new ArrayList<>();
    private String source;
    /** The last sequence the rules stage has taken, on one thread. */
    private long taken;
    /** On two threads, what the rules thread does; null on one. */
    private final RulesThread rulesThread;
    private long rejected;
    private long transactions;
    private long orders;
    private long heartbeats;

    /**
     * @param config       the configuration: engine-wide rule settings, {@code time.*}, {@code frame.max.length}.
     * @param rulesFile    the rules and windows to run.
     * @param clientId     client id the input is sent under, not 0.
     * @param skipBadLines false to stop at the first line that cannot be read; true to count it as rejected and go
     *                     on.
     * @param outputs      where to write.
     * @param threads      1 to read lines and run the rules on the calling thread; 2 to run the rules stage and
     *                     write the outputs on a second thread.
     */
    public CsvReplay(
        final VigilConfig config,
        final RulesFile rulesFile,
        final long clientId,
        final boolean skipBadLines,
        final ReplayOutputs outputs,
        final int threads)
    {
        if (clientId == 0)
        {
            throw new ConfigException("--client-id: 0 is not a client id; use 1 or more");
        }
        if (threads != 1 && threads != 2)
        {
            throw new ConfigException("--threads: " + threads + " is not allowed; use 1 or 2");
        }
        this.clientId = clientId;
        this.skipBadLines = skipBadLines;
        this.threads = threads;
        final int ringSize = threads == 1 ? BATCH : RING_SIZE;
        this.mask = ringSize - 1;
        this.lineOfSlot = new int[ringSize];
        this.windowRows = new WindowRows(outputs.windows(), outputs.late(), this::windowSpecs);
        this.rules = new RulesStageContext(config).rulesFile(rulesFile).windowSink(windowRows).newHandler();
        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        // Nothing ever blocks in the ring's wait strategy (each thread idles on its own, see RulesThread): one that
        // signals nobody, not a lock per publish.
        this.ring = RingBuffer.createSingleProducer(
            () -> new RingEvent(maxFrameLength), ringSize, new BusySpinWaitStrategy());
        this.ingress = new RingIngress(ring, SystemNanoClock.INSTANCE, RuleSetFactory.offlineCounters(), 0);
        final int lookahead = Math.min(config.getInt(Settings.RULES_LOOKAHEAD), ringSize);
        if (lookahead > 0 && rules.keyedState() != null)
        {
            rules.lookAhead(ring, lookahead);
        }
        this.decisionRows = new DecisionRows(outputs.decisions(), outputs.alerts(), rules::ruleSet);
        this.rejectedCsv = outputs.rejected();
        this.rulesThread = threads == 2 ? new RulesThread() : null;
    }

    /**
     * @return the threads a replay runs on unless told: 1. Two did not run faster on the shared two-core host measured
     * (perf/RESULTS.md, "Backtest on two threads"), and cost more CPU time per line.
     */
    public static int defaultThreads()
    {
        return 1;
    }

    /**
     * Run every line of a file.
     *
     * @param csv      the events CSV file, first line naming the columns (see {@link CsvEventReader}).
     * @param progress told the data lines read so far, now and then.
     * @return what the run did.
     * @throws ConfigException naming file and line, for a header that cannot be read, or a line that cannot be read
     *                         when bad lines are not skipped.
     */
    public ReplayReport run(final Path csv, final LongConsumer progress)
    {
        source = csv.toString();
        final long startNs = System.nanoTime();
        final long lines = threads == 1 ? runOneThread(csv, progress) : runTwoThreads(csv, progress);
        return new ReplayReport(source, lines, transactions, orders, heartbeats, rejected, List.copyOf(firstRejected),
            counts, rules.ruleSet(), windowRows.results(), windowRows.updates(), windowRows.lateEvents(),
            System.nanoTime() - startNs);
    }

    private long runOneThread(final Path csv, final LongConsumer progress)
    {
        try (CsvEventFile events = CsvEventFile.open(csv))
        {
            connect();
            final long lines = readLines(events, progress, new LineTarget()
            {
                @Override
                public void badLine(final int lineNumber, final String reason)
                {
                    // The lines before it first, so that every output keeps file order.
                    drain();
                    reject(lineNumber, "BAD_LINE", reason);
                }

                @Override
                public void event(final int length, final int lineNumber)
                {
                    ingress.onFrame(frame, 0, length, SESSION_ID);
                    final long sequence = ring.getCursor();
                    lineOfSlot[(int)sequence & mask] = lineNumber;
                    if (sequence - taken == BATCH)
                    {
                        drain();
                    }
                }
            });
            drain();
            return lines;
        }
    }

    /**
     * This thread reads, encodes and publishes; the rules thread takes what is published. Either one's failure ends
     * both, and is thrown here once the rules thread has stopped.
     */
    private long runTwoThreads(final Path csv, final LongConsumer progress)
    {
        final RulesThread consumer = rulesThread;
        final long lines;
        Thread thread = null;
        try (CsvEventFile events = CsvEventFile.open(csv))
        {
            connect();
            consumer.poller.getSequence().set(taken);
            thread = new Thread(consumer, "vigil-replay-rules");
            thread.setDaemon(true);
            thread.start();
            lines = readLines(events, progress, new LineTarget()
            {
                @Override
                public void badLine(final int lineNumber, final String reason)
                {
                    // Written by the rules thread after the events before it, before the next.
                    consumer.badLines.add(new BadLine(ring.getCursor() + 1, lineNumber, reason));
                }

                @Override
                public void event(final int length, final int lineNumber)
                {
                    if (!ring.hasAvailableCapacity(1))
                    {
                        awaitCapacity(consumer);
                    }
                    // The slot's line before the slot is published: ring.next() in onFrame is the cursor's next.
                    lineOfSlot[(int)(ring.getCursor() + 1) & mask] = lineNumber;
                    ingress.onFrame(frame, 0, length, SESSION_ID);
                }
            });
            consumer.endSequence = ring.getCursor();
        }
        catch (final RuntimeException | Error ex)
        {
            consumer.stop = true;
            join(thread);
            throwFailure(consumer.failure);
            throw ex;
        }
        join(thread);
        throwFailure(consumer.failure);
        return lines;
    }

    /**
     * Read every line of the file, encode it into {@link #frame} as the next request of the replay's client, and hand
     * it on; a line that is not a valid event fails the replay, or with {@code --skip-bad-lines} goes to the target as
     * a bad line and takes no client sequence.
     *
     * @return lines read.
     */
    private long readLines(final CsvEventFile events, final LongConsumer progress, final LineTarget target)
    {
        long lines = 0;
        long clientSeq = 0;
        while (events.next())
        {
            if (++lines % PROGRESS_EVERY == 0)
            {
                progress.accept(lines);
            }
            final int length;
            try
            {
                length = events.encode(clientId, clientSeq + 1, frame);
            }
            catch (final ConfigException ex)
            {
                if (!skipBadLines)
                {
                    throw ex;
                }
                target.badLine(events.lineNumber(), ex.getMessage());
                continue;
            }
            clientSeq++;
            target.event(length, events.lineNumber());
        }
        return lines;
    }

    /**
     * Where {@link #readLines} hands each line: the same reading for one thread and for two.
     */
    private interface LineTarget
    {
        /**
         * @param lineNumber the line's number in the file.
         * @param reason     why it is not a valid event.
         */
        void badLine(int lineNumber, String reason);

        /**
         * @param length     of the event encoded in {@link #frame}.
         * @param lineNumber the line's number in the file.
         */
        void event(int length, int lineNumber);
    }

    private static void throwFailure(final Throwable failure)
    {
        if (failure instanceof RuntimeException)
        {
            throw (RuntimeException)failure;
        }
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        if (failure != null)
        {
            throw new IllegalStateException("the rules stage failed", failure);
        }
    }

    /**
     * Wait for the rules thread to free a slot; ends when it fails or stops, as the ring would not free one then.
     */
    private void awaitCapacity(final RulesThread consumer)
    {
        final IdleStrategy idle = consumer.readerIdle;
        idle.reset();
        while (!ring.hasAvailableCapacity(1))
        {
            if (consumer.failure != null || consumer.stop)
            {
                throw new RulesStageStopped();
            }
            idle.idle();
        }
    }

    private static void join(final Thread thread)
    {
        if (thread == null)
        {
            return;
        }
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void connect()
    {
        // Offline the replay is its own and only client: nothing to authenticate, no reply path to build.
        ingress.openSession(SESSION_ID, clientId);
        final long sequence = ring.getCursor();
        rules.onEvent(ring.get(sequence), sequence, true);
        taken = sequence;
    }

    /**
     * Every slot read into the ring and not taken yet, through the rules stage as the engine's rules thread takes a
     * run of queued events, each then written out.
     */
    private void drain()
    {
        final long last = ring.getCursor();
        for (long sequence = taken + 1; sequence <= last; sequence++)
        {
            take(ring.get(sequence), sequence, sequence == last);
        }
        taken = last;
    }

    private void take(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        final int lineNumber = lineOfSlot[(int)sequence & mask];
        windowRows.line(lineNumber);
        rules.onEvent(event, sequence, endOfBatch);
        writeOutcome(lineNumber, event);
    }

    private void writeOutcome(final int lineNumber, final RingEvent event)
    {
        if (counts.count(event))
        {
            decisionRows.write(lineNumber, event);
        }
        else if (event.alerts().size() > 0)
        {
            decisionRows.writeAlertsOnly(lineNumber, event);
        }
        if (event.rejectReason() != null)
        {
            reject(lineNumber, event.rejectReason().name(), source + ":" + lineNumber + ": refused by the engine's " +
                "input checks: " + event.rejectReason());
            return;
        }
        switch (event.templateId())
        {
            case TransactionDecoder.TEMPLATE_ID:
                transactions++;
                break;
            case OrderDecoder.TEMPLATE_ID:
                orders++;
                break;
            case HeartbeatDecoder.TEMPLATE_ID:
                heartbeats++;
                break;
            default:
                break;
        }
    }

    private List<WindowSpec> windowSpecs()
    {
        return rules.ruleSet().windows();
    }

    private void reject(final int lineNumber, final String reason, final String message)
    {
        rejected++;
        if (firstRejected.size() < ReplayReport.REJECTED_SHOWN)
        {
            firstRejected.add(message);
        }
        rejectedCsv.add(lineNumber).add(reason).add(message).endRow();
    }

    /**
     * A line that could not be read, skipped: written out before the event of sequence {@code before}.
     */
    private record BadLine(long before, int lineNumber, String message)
    {
    }

    /**
     * The reader's failure to publish because the rules thread failed or was stopped: the rules thread's failure is
     * the one reported.
     */
    private static final class RulesStageStopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        RulesStageStopped()
        {
            super("the rules stage stopped", null, false, false);
        }
    }

    /**
     * The rules stage on its own thread: polls the ring for what the reader published, hands slots back a few dozen
     * at a time so that the reader need not wait for a whole ring's worth to be taken, and backs off to parking
     * when there is nothing to take, so that two threads need no more than the two cores they run on.
     */
    private final class RulesThread implements Runnable, EventPoller.Handler<RingEvent>
    {
        private final EventPoller<RingEvent> poller = ring.newPoller();
        private final Queue<BadLine> badLines = new ConcurrentLinkedQueue<>();
        private final IdleStrategy idle = newIdleStrategy();
        private final IdleStrategy readerIdle = newIdleStrategy();
        /** The last sequence the reader published, once it has read every line. */
        private volatile long endSequence = NOT_ENDED;
        /** Set when the reader failed: stop without finishing. */
        private volatile boolean stop;
        private volatile Throwable failure;
        private int takenInPoll;

        RulesThread()
        {
            ring.addGatingSequences(poller.getSequence());
        }

        @Override
        public void run()
        {
            try
            {
                while (!stop)
                {
                    final long end = endSequence;
                    takenInPoll = 0;
                    if (poller.poll(this) == EventPoller.PollState.PROCESSING)
                    {
                        idle.reset();
                    }
                    else if (end != NOT_ENDED && poller.getSequence().get() >= end)
                    {
                        writeBadLines(Long.MAX_VALUE);
                        return;
                    }
                    else
                    {
                        idle.idle();
                    }
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }

        @Override
        public boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
        {
            if (!badLines.isEmpty())
            {
                writeBadLines(sequence);
            }
            // The last event taken before slots are handed back ends a run as the ring's last published one does.
            final boolean more = ++takenInPoll < RELEASE_EVERY;
            take(event, sequence, endOfBatch || !more);
            return more;
        }

        private void writeBadLines(final long before)
        {
            BadLine line;
            while ((line = badLines.peek()) != null && line.before() <= before)
            {
                badLines.poll();
                reject(line.lineNumber(), "BAD_LINE", line.message());
            }
        }
    }

    private static IdleStrategy newIdleStrategy()
    {
        // Spin a little, yield a little, then park up to 100 us: a waiting thread leaves its core to the other.
        return new BackoffIdleStrategy(64, 16, 1_000, 100_000);
    }
}
