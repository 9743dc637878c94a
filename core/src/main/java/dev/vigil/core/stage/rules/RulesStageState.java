package dev.vigil.core.stage.rules;

import dev.vigil.core.dedup.DecisionDedup;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.state.RecordCopySink;
import dev.vigil.core.window.EventTimeWindows;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The layout of the rules stage's snapshot state, and its writing and reading: the engine sequence it is as of, the
 * rules text in force, the layout of the shared keyed stores, every rule's own state in id order, the retry table,
 * the watermarks and windows, and last the keyed records, which are copied copy-on-write
 * ({@link KeyedStateStores#beginCopy}) so that a snapshot point stops the stage only for what comes before them.
 */
final class RulesStageState
{
    private final RulesInForce rules;
    private final DecisionDedup dedup;
    private final EventTimeWindows windows;
    private KeyedStateStores keyedState;

    RulesStageState(final RulesInForce rules, final DecisionDedup dedup, final EventTimeWindows windows)
    {
        this.rules = rules;
        this.dedup = dedup;
        this.windows = windows;
    }

    void keyedState(final KeyedStateStores stores)
    {
        this.keyedState = stores;
    }

    boolean isCopying()
    {
        return keyedState != null && keyedState.isCopying();
    }

    /**
     * Write all but the keyed records now, and begin copying those into a sink.
     *
     * @return keyed records the sink will get.
     */
    long begin(final long engineSeq, final DataOutput out, final RecordCopySink records) throws IOException
    {
        if (isCopying())
        {
            throw new IllegalStateException("a snapshot is in progress");
        }
        out.writeLong(engineSeq);
        final byte[] text = rules.text().getBytes(StandardCharsets.UTF_8);
        out.writeInt(text.length);
        out.write(text);
        out.writeBoolean(keyedState != null);
        if (keyedState != null)
        {
            // Before the rules: reading it binds the rebuilt rules to their slices, after which they read nothing.
            keyedState.writeLayout(out, rules.ruleSet());
        }
        for (final Rule rule : rules.ruleSet().rules())
        {
            out.writeInt(rule.id());
            rule.writeState(out);
        }
        dedup.writeTo(out);
        windows.writeState(out);
        return keyedState == null ? 0 : keyedState.beginCopy(records);
    }

    void finishCopy()
    {
        if (keyedState != null)
        {
            keyedState.finishCopy();
        }
    }

    void abandonCopy()
    {
        if (keyedState != null)
        {
            keyedState.abandonCopy();
        }
    }

    /**
     * @return records copied in a step of at most {@code maxBytes}.
     */
    int copyStep(final int maxBytes)
    {
        return keyedState.copyStep(maxBytes);
    }

    /**
     * Replace the state with one {@link #begin} wrote, switching to the rules it records when their source is known.
     *
     * @return the engine sequence the state is as of.
     */
    long read(final DataInput in) throws IOException
    {
        final long engineSeq = in.readLong();
        final int textLength = in.readInt();
        if (textLength < 0 || textLength > RulesUpdateAssembler.MAX_TEXT_BYTES)
        {
            throw new IOException("rules text of " + textLength + " bytes");
        }
        final byte[] text = new byte[textLength];
        in.readFully(text);
        try
        {
            rules.switchToRecorded(new String(text, StandardCharsets.UTF_8));
        }
        catch (final RuntimeException ex)
        {
            throw new IOException("the rules it records cannot be built: " + ex.getMessage(), ex);
        }
        final boolean keyed = in.readBoolean();
        if (keyed)
        {
            if (keyedState == null)
            {
                throw new IOException("the state holds shared keyed state, which this stage does not keep");
            }
            keyedState.readLayout(in, rules.ruleSet());
        }
        for (final Rule rule : rules.ruleSet().rules())
        {
            final int id = in.readInt();
            if (id != rule.id())
            {
                throw new IOException("state of rule " + id + " where rule " + rule.id() + " was expected");
            }
            rule.readState(in);
        }
        dedup.readFrom(in);
        windows.readState(in);
        if (keyed)
        {
            keyedState.readRecords(in);
        }
        return engineSeq;
    }
}
