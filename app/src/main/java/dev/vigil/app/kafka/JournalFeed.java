package dev.vigil.app.kafka;

import com.lmax.disruptor.EventHandler;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesStageContext;
import dev.vigil.core.recovery.JournalReplay;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.stage.egress.AlertFrames;
import dev.vigil.core.stage.egress.WindowOutputFrames;
import dev.vigil.core.stage.rules.RulesHandler;
import dev.vigil.core.window.WindowSink;
import dev.vigil.journal.JournalReader;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;

import java.nio.file.Path;

/**
 * The engine's outputs rebuilt from its journal: a rules stage of the sink's own, built from the same configuration,
 * runs every journaled input in journal order — as the engine's recovery does — and emits each input's alerts, then
 * the window results and late events its arrival caused, as the engine's egress publishes them. Rules depend only on
 * the input sequence, so these are the engine's outputs, byte for byte, whenever the sink reads them: outputs of
 * inputs journaled while the sink was down, or just before the engine crashed, are there too.
 * <p>
 * It tails the journal as the engine writes it (so it runs on the engine's host, with read access to its data
 * directory) and starts from the journal's first record on every start: the rules stage needs every input to
 * rebuild its state. The configuration must be the engine's where it shapes state: {@code rules.*}, {@code time.*},
 * {@code dedup.window}; the rules themselves come from the journal.
 */
final class JournalFeed implements SinkFeed, EventHandler<RingEvent>, WindowSink
{

    private final VigilConfig config;
    private final Path journalDir;
    private final int maxFrameLength;
    private final WindowOutputFrames frames = new WindowOutputFrames();
    private final AlertFrames alertFrames = new AlertFrames();
    private final ExpandableArrayBuffer alertBuffer = new ExpandableArrayBuffer(AlertFrames.MAX_LENGTH);
    /** What the windows emitted during the current input, in order: messages back to back. */
    private final ExpandableArrayBuffer windowOutputs = new ExpandableArrayBuffer(4096);
    private final IntArrayList windowOutputEnds = new IntArrayList();
    private RulesHandler rules;
    private JournalReplay replay;
    private JournalReader reader;
    private Handler handler;
    private long lastSequence;

    /**
     * @param config     the engine's configuration (its state-shaping settings).
     * @param journalDir the engine's journal directory.
     */
    JournalFeed(final VigilConfig config, final Path journalDir)
    {
        this.config = config;
        this.journalDir = journalDir;
        this.maxFrameLength = config.getInt(Settings.FRAME_MAX_LENGTH);
        open();
    }

    @Override
    public int poll(final Handler handler, final int limit)
    {
        this.handler = handler;
        final int records = reader.poll(replay, limit);
        if (records == 0 && reader.stopReason() != JournalReader.StopReason.NONE)
        {
            throw new KafkaConnectorException("the journal in " + journalDir + " cannot be read past engine seq " +
                reader.lastSequence() + ": " + reader.stopReason() + " in " + reader.stopFile() + " at " +
                reader.stopOffset() + " (run 'vigil journal verify')");
        }
        return records;
    }

    @Override
    public boolean rewind()
    {
        closeReader();
        open();
        return true;
    }

    @Override
    public String describe()
    {
        return "the journal in " + journalDir;
    }

    /**
     * @return the engine sequence of the last journal record read.
     */
    long lastSequence()
    {
        return lastSequence;
    }

    @Override
    public void close()
    {
        closeReader();
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        windowOutputEnds.clear();
        rules.onEvent(event, sequence, endOfBatch);
        lastSequence = event.engineSeq();
        // As egress publishes: the input's alerts first, then what its arrival made the windows emit.
        if (event.rejectReason() == null)
        {
            // A decided input's alerts, or those a pattern ending in an absence raised when a heartbeat moved the
            // watermark.
            emitAlerts(event);
        }
        int start = 0;
        for (int i = 0; i < windowOutputEnds.size(); i++)
        {
            final int end = windowOutputEnds.getInt(i);
            handler.onOutput(event.engineSeq(), windowOutputs, start, end - start);
            start = end;
        }
    }

    @Override
    public void onWindowResult(
        final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
        final long count, final long sum, final long min, final long max, final boolean update)
    {
        final int start = windowOutputEnds.isEmpty() ? 0 : windowOutputEnds.getInt(windowOutputEnds.size() - 1);
        windowOutputEnds.addInt(start + frames.windowResult(windowOutputs, start, engineSeq, windowId, key, startNs,
            endNs, count, sum, min, max, update));
    }

    @Override
    public void onLateEvent(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        final int start = windowOutputEnds.isEmpty() ? 0 : windowOutputEnds.getInt(windowOutputEnds.size() - 1);
        windowOutputEnds.addInt(
            start + frames.lateEvent(windowOutputs, start, engineSeq, windowId, key, eventTimeNs, watermarkNs));
    }

    private void emitAlerts(final RingEvent event)
    {
        for (int i = 0, size = event.alerts().size(); i < size; i++)
        {
            final int length = alertFrames.encode(alertBuffer, 0, event, i);
            handler.onOutput(event.engineSeq(), alertBuffer, 0, length);
        }
    }

    private void open()
    {
        rules = new RulesStageContext(config).windowSink(this).newHandler();
        replay = new JournalReplay(this, maxFrameLength);
        reader = JournalReader.open(journalDir, 1);
        lastSequence = 0;
    }

    private void closeReader()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
        if (rules != null && rules.keyedState() != null)
        {
            rules.keyedState().close();
        }
    }
}
