package dev.vigil.perf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.stage.EnginePipeline;
import dev.vigil.core.stage.egress.EgressHandler;
import dev.vigil.core.stage.ingress.RingIngress;
import dev.vigil.core.stage.journal.InputJournal;
import dev.vigil.core.stage.journal.JournalHandler;
import dev.vigil.core.stage.journal.JournalWriterInput;
import dev.vigil.core.stage.journal.NoInputJournal;
import dev.vigil.journal.Durability;
import dev.vigil.journal.JournalContext;
import dev.vigil.journal.JournalWriter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.Locale;

import static dev.vigil.core.counters.EngineCounter.EVENTS_EVALUATED;
import static dev.vigil.core.counters.EngineCounter.REPLIES_NOT_DELIVERED;

/**
 * The engine's pipeline as {@code VigilEngine} builds it for the default configuration (ring size, frame length,
 * rules, system clock; the journal on or off) but with a {@link DiscardingReplySink} instead of Aeron, fed from a
 * pool of pre-encoded frames. Each frame is patched in place before it is offered (client sequence, event time,
 * account), so the stream looks fresh to ingress and to the rules without re-encoding.
 * <p>
 * One client is connected on one session. The pool mixes payments and orders one in eight, and one payment in the
 * pool is above the amount threshold; accounts are spread over 10,000.
 */
final class PipelineFixture
{
    static final int SESSION_ID = 11;
    static final long CLIENT_ID = 1;

    private static final int FRAME_STRIDE = 128;
    private static final int ACCOUNTS = 10_000;
    private static final int ORDER_EVERY = 8;
    private static final int LARGE_AMOUNT_INDEX = 1;

    private final DiscardingReplySink sink = new DiscardingReplySink();
    private final InputJournal journal;
    private final EngineCounters counters = LocalCounters.newEngineCounters();
    private final RingIngress ingress;
    private final Agent journalAgent;
    private final Agent rulesAgent;
    private final Agent egressAgent;
    private final int ringSize;
    private final UnsafeBuffer pool;
    private final int[] lengths;
    private final int[] accountOffsets;
    private final int poolMask;
    private final AccountSequence accounts = new AccountSequence(ACCOUNTS, 7);
    private long nextClientSeq = 1;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;

    /**
     * @param poolSize frames in the pool, a power of two.
     */
    PipelineFixture(final int poolSize)
    {
        this(poolSize, null);
    }

    /**
     * @param poolSize   frames in the pool, a power of two.
     * @param journalDir where to journal every input, as the engine does by default (durability none); null for
     *                   no journal.
     */
    PipelineFixture(final int poolSize, final Path journalDir)
    {
        final VigilConfig config = VigilConfig.defaults();
        final NanoClock clock = SystemNanoClock.INSTANCE;
        ringSize = config.getInt(Settings.RING_SIZE);
        journal = journalDir == null ? NoInputJournal.INSTANCE : new JournalWriterInput(JournalWriter.open(
            new JournalContext().directory(journalDir).durability(Durability.NONE)));
        final EnginePipeline pipeline = new EnginePipeline(
            ringSize,
            config.getInt(Settings.FRAME_MAX_LENGTH),
            new JournalHandler(journal, clock),
            new RulesStageContext(config).counters(counters).clock(clock).newHandler(),
            new EgressHandler(sink, counters, clock));
        ingress = new RingIngress(pipeline.ring(), clock, counters, 0);
        journalAgent = pipeline.journalAgent();
        rulesAgent = pipeline.rulesAgent();
        egressAgent = pipeline.egressAgent();

        if (Integer.bitCount(poolSize) != 1)
        {
            throw new IllegalArgumentException("poolSize=" + poolSize + " must be a power of two");
        }
        poolMask = poolSize - 1;
        pool = new UnsafeBuffer(BufferUtil.allocateDirectAligned(poolSize * FRAME_STRIDE, 64));
        lengths = new int[poolSize];
        accountOffsets = new int[poolSize];
        encodePool();
    }

    /**
     * Open the client's session through ingress and every stage, run on the calling thread.
     *
     * @throws Exception when a stage fails.
     */
    void connect() throws Exception
    {
        ingress.openSession(SESSION_ID, CLIENT_ID);
        runStagesOnce();
        if (sink.sessionsOpened() != 1 || !isDrained())
        {
            throw new IllegalStateException("the Connect did not open a session");
        }
    }

    /**
     * Offer the next frame of the pool to ingress. The caller keeps within {@link #remainingCapacity()}.
     */
    void publishNext()
    {
        final long clientSeq = nextClientSeq++;
        final int index = (int)clientSeq & poolMask;
        final int offset = index * FRAME_STRIDE;
        final long timeNs = eventTimeNs + BenchmarkFrames.EVENT_STEP_NS;
        eventTimeNs = timeNs;
        pool.putLong(offset + BenchmarkFrames.CLIENT_SEQ_OFFSET, clientSeq, BenchmarkFrames.BYTE_ORDER);
        pool.putLong(offset + BenchmarkFrames.EVENT_TIME_OFFSET, timeNs, BenchmarkFrames.BYTE_ORDER);
        pool.putLong(offset + accountOffsets[index], accounts.next(), BenchmarkFrames.BYTE_ORDER);
        ingress.onFrame(pool, offset, lengths[index], SESSION_ID);
    }

    /**
     * One duty cycle of each stage, in the order the shared profile runs them.
     *
     * @return work done.
     * @throws Exception when a stage fails.
     */
    int runStagesOnce() throws Exception
    {
        return journalAgent.doWork() + rulesAgent.doWork() + egressAgent.doWork();
    }

    int remainingCapacity()
    {
        return ingress.remainingCapacity();
    }

    /**
     * @return true when egress has passed every slot published.
     */
    boolean isDrained()
    {
        return ingress.remainingCapacity() == ringSize;
    }

    Agent journalAgent()
    {
        return journalAgent;
    }

    Agent rulesAgent()
    {
        return rulesAgent;
    }

    Agent egressAgent()
    {
        return egressAgent;
    }

    long lastEngineSeq()
    {
        return ingress.lastEngineSeq();
    }

    /**
     * Close the journal, if any.
     */
    void close()
    {
        journal.close();
    }

    /**
     * Check that every event published was accepted, evaluated and answered. Call once the stages have stopped.
     */
    void verify()
    {
        final long events = ingress.lastEngineSeq();
        final long rejects = counters.totalRejects();
        final long evaluated = counters.get(EVENTS_EVALUATED).get();
        final long decisions = sink.replies() - sink.sessionsOpened();
        if (events != nextClientSeq - 1 || rejects != 0 || evaluated != events || decisions != events ||
            counters.get(REPLIES_NOT_DELIVERED).get() != 0)
        {
            throw new IllegalStateException(String.format(Locale.ROOT,
                "published %d, accepted %d, rejected %d, evaluated %d, decided %d, not delivered %d",
                nextClientSeq - 1, events, rejects, evaluated, decisions, counters.get(REPLIES_NOT_DELIVERED).get()));
        }
        if (events > poolMask && sink.alerts() == 0)
        {
            throw new IllegalStateException("no rule fired in " + events + " events: the pool is not as intended");
        }
    }

    private void encodePool()
    {
        final BenchmarkFrames frames = new BenchmarkFrames();
        for (int i = 0; i <= poolMask; i++)
        {
            final int offset = i * FRAME_STRIDE;
            if (i % ORDER_EVERY == ORDER_EVERY - 1)
            {
                lengths[i] = frames.order(pool, offset, CLIENT_ID, 0, eventTimeNs, 1);
                accountOffsets[i] = BenchmarkFrames.ORDER_ACCOUNT_OFFSET;
            }
            else
            {
                final long amount = i == LARGE_AMOUNT_INDEX ?
                    BenchmarkFrames.LARGE_AMOUNT_MINOR : BenchmarkFrames.SMALL_AMOUNT_MINOR;
                lengths[i] = frames.transaction(pool, offset, CLIENT_ID, 0, eventTimeNs, 1, amount);
                accountOffsets[i] = BenchmarkFrames.TRANSACTION_ACCOUNT_OFFSET;
            }
        }
    }
}
