package dev.vigil.core.stage.journal;

import dev.vigil.journal.JournalWriter;
import org.agrona.DirectBuffer;

import java.io.UncheckedIOException;

/**
 * The journal stage's view of a {@link JournalWriter}.
 * <p>
 * An append the writer refuses, by a code or by failing to make a new segment, means the input could not be made
 * durable: this answers false, keeps what to tell the operator, and the journal stage holds the input and offers it
 * again, so the engine stalls rather than let out the decision of unjournaled input.
 */
public final class JournalWriterInput implements InputJournal
{
    private final JournalWriter writer;
    private long refusedEngineSeq;
    private long refusalCode;
    private UncheckedIOException refusalCause;

    /**
     * @param writer an open journal writer, owned by this input from now on.
     */
    public JournalWriterInput(final JournalWriter writer)
    {
        this.writer = writer;
    }

    @Override
    public boolean append(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            final long result = writer.append(engineSeq, receiveTimeNs, buffer, offset, length);
            if (result > 0)
            {
                return true;
            }
            refused(engineSeq, result, null);
        }
        catch (final UncheckedIOException ex)
        {
            // A roll that could not make the next segment, e.g. on a full disk: nothing was appended.
            refused(engineSeq, 0, ex);
        }
        return false;
    }

    private void refused(final long engineSeq, final long code, final UncheckedIOException cause)
    {
        refusedEngineSeq = engineSeq;
        refusalCode = code;
        refusalCause = cause;
    }

    @Override
    public RuntimeException refusal()
    {
        final String what = "journal refused engine seq " + refusedEngineSeq + " (last journaled " +
            writer.lastSequence() + ") in " + writer.directory();
        return refusalCause != null ?
            new IllegalStateException(what + ": " + refusalCause.getMessage(), refusalCause) :
            new IllegalStateException(what + ": " + describe(refusalCode));
    }

    private static String describe(final long code)
    {
        if (code == JournalWriter.NON_INCREASING_SEQUENCE)
        {
            return "the sequence does not follow the last journaled";
        }
        if (code == JournalWriter.SEQUENCE_GAP)
        {
            return "the sequence skips past the next";
        }
        if (code == JournalWriter.INVALID_LENGTH)
        {
            return "the frame is empty or longer than the journal's records";
        }
        return code == JournalWriter.CLOSED ? "the journal is closed" : "code " + code;
    }

    @Override
    public void endOfBatch()
    {
        writer.endOfBatch();
    }

    @Override
    public boolean isDurable()
    {
        return writer.durableSequence() == writer.lastSequence();
    }

    @Override
    public int doDutyCycle()
    {
        return writer.doDutyCycle();
    }

    @Override
    public long bytesWritten()
    {
        return writer.bytesWritten();
    }

    @Override
    public long fsyncCount()
    {
        return writer.fsyncCount();
    }

    @Override
    public long pendingRecords()
    {
        return writer.lastSequence() - writer.durableSequence();
    }

    /**
     * @return the writer.
     */
    public JournalWriter writer()
    {
        return writer;
    }

    @Override
    public void close()
    {
        writer.close();
    }
}
