package dev.vigil.app.backtest;

import com.lmax.disruptor.BusySpinWaitStrategy;
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
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A backtest: runs the lines of an events CSV file, in file order, through the engine's own input checks
 * ({@link RingIngress}) and rules stage ({@link RulesHandler}, windows included) as one connected client would have
 * sent them, minus the network, and writes what the engine decided and emitted. One thread: lines are read into the
 * ring a batch at a time, then the rules stage takes the batch as it takes a queue of events in the engine, loading
 * the keyed state of {@code rules.lookahead} events ahead; decisions and outputs are those of one event at a time.
 */
public final class CsvReplay
{
    private static final int SESSION_ID = 1;
    private static final int FRAME_CAPACITY = 256;
    private static final int PROGRESS_EVERY = 4096;
    /** Lines read into the ring before the rules stage takes them: the ring's size. */
    private static final int BATCH = 256;

    private final RulesHandler rules;
    private final RingBuffer<RingEvent> ring;
    private final RingIngress ingress;
    private final long clientId;
    private final boolean skipBadLines;
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME_CAPACITY]);
    /** The CSV line of each slot of the batch, by slot. */
    private final int[] lineOfSlot = new int[BATCH];
    private final DecisionCounts counts = new DecisionCounts();
    private final DecisionRows decisionRows;
    private final WindowRows windowRows;
    private final CsvWriter rejectedCsv;
    private final List<String> firstRejected = new ArrayList<>();
    private String source;
    /** The last sequence the rules stage has taken. */
    private long taken;
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
     */
    public CsvReplay(
        final VigilConfig config,
        final RulesFile rulesFile,
        final long clientId,
        final boolean skipBadLines,
        final ReplayOutputs outputs)
    {
        if (clientId == 0)
        {
            throw new ConfigException("--client-id: 0 is not a client id; use 1 or more");
        }
        this.clientId = clientId;
        this.skipBadLines = skipBadLines;
        this.windowRows = new WindowRows(outputs.windows(), outputs.late(), this::windowSpecs);
        this.rules = new RulesStageContext(config).rulesFile(rulesFile).windowSink(windowRows).newHandler();
        final int maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        // Nothing ever waits on this ring: a wait strategy that signals nobody, not a lock per publish.
        this.ring = RingBuffer.createSingleProducer(
            () -> new RingEvent(maxFrameLength), BATCH, new BusySpinWaitStrategy());
        this.ingress = new RingIngress(ring, SystemNanoClock.INSTANCE, RuleSetFactory.offlineCounters(), 0);
        final int lookahead = Math.min(config.getInt(Settings.RULES_LOOKAHEAD), BATCH);
        if (lookahead > 0 && rules.keyedState() != null)
        {
            rules.lookAhead(ring, lookahead);
        }
        this.decisionRows = new DecisionRows(outputs.decisions(), outputs.alerts(), rules::ruleSet);
        this.rejectedCsv = outputs.rejected();
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
        long lines = 0;
        try (CsvEventFile events = CsvEventFile.open(csv))
        {
            connect();
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
                    // The lines before it first, so that every output keeps file order.
                    drain();
                    reject(events.lineNumber(), "BAD_LINE", ex.getMessage());
                    continue;
                }
                clientSeq++;
                ingress.onFrame(frame, 0, length, SESSION_ID);
                final long sequence = ring.getCursor();
                lineOfSlot[(int)sequence & (BATCH - 1)] = events.lineNumber();
                if (sequence - taken == BATCH)
                {
                    drain();
                }
            }
            drain();
        }
        return new ReplayReport(source, lines, transactions, orders, heartbeats, rejected, List.copyOf(firstRejected),
            counts, rules.ruleSet(), windowRows.results(), windowRows.updates(), windowRows.lateEvents(),
            System.nanoTime() - startNs);
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
            final int lineNumber = lineOfSlot[(int)sequence & (BATCH - 1)];
            windowRows.line(lineNumber);
            final RingEvent event = ring.get(sequence);
            rules.onEvent(event, sequence, sequence == last);
            writeOutcome(lineNumber, event);
        }
        taken = last;
    }

    private void writeOutcome(final int lineNumber, final RingEvent event)
    {
        if (counts.count(event))
        {
            decisionRows.write(lineNumber, event);
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
}
