package dev.vigil.core.stage.rules;

import dev.vigil.codecs.RulesUpdateDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Joins the chunks of a rules update, in input order, into the rules text. A chunk out of order, or of another
 * update before the last one completed, makes the update incomplete: it is refused, never half applied.
 */
final class RulesUpdateAssembler
{
    /** Longest rules text accepted, in bytes. */
    static final int MAX_TEXT_BYTES = 1 << 20;

    /** The chunk was taken; more are to come. */
    static final int PENDING = 0;
    /** The chunk was the last one: {@link #text()} holds the whole text. */
    static final int COMPLETE = 1;
    /** The chunk does not continue the update in progress, or the text is too long: the update is refused. */
    static final int INCOMPLETE = 2;
    /** A later chunk of an update already refused: nothing to do, nothing more to count. */
    static final int IGNORED = 3;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private byte[] chunk = new byte[256];
    private long updateId;
    private int nextChunk;
    private int chunkCount;

    /**
     * @param update flyweight over a RulesUpdate frame.
     * @return PENDING, COMPLETE, INCOMPLETE (once per refused update) or IGNORED.
     */
    int onChunk(final RulesUpdateDecoder update)
    {
        final int index = update.chunkIndex();
        final int count = update.chunkCount();
        if (index == 0)
        {
            bytes.reset();
            updateId = update.updateId();
            chunkCount = count;
            nextChunk = 0;
        }
        final int length = update.rulesTextLength();
        if (index != 0 && nextChunk < 0 && update.updateId() == updateId)
        {
            update.skipRulesText();
            return IGNORED;
        }
        if (index != nextChunk || update.updateId() != updateId || count != chunkCount || index >= count ||
            bytes.size() + length > MAX_TEXT_BYTES)
        {
            update.skipRulesText();
            updateId = update.updateId();
            nextChunk = -1;
            return INCOMPLETE;
        }
        if (chunk.length < length)
        {
            chunk = new byte[length];
        }
        update.getRulesText(chunk, 0, length);
        bytes.write(chunk, 0, length);
        nextChunk++;
        return nextChunk == chunkCount ? COMPLETE : PENDING;
    }

    /**
     * @return the text of the update just completed.
     */
    String text()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
