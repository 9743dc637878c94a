package dev.vigil.core.stage.journal;

import dev.vigil.journal.JournalWriter;
import org.agrona.DirectBuffer;

/**
 * The journal stage's view of a {@link JournalWriter}.
 * <p>
 * An append the writer refuses means the input could not be made durable; the stage must not let its decision out,
 * so this throws. The pipeline then retries the same slot on the next duty cycle instead of moving past it, ingress
 * stops when the ring fills, and publishers feel back-pressure: the engine stalls rather than decide unjournaled input.
 */
public final class JournalWriterInput implements InputJournal
{
    private final JournalWriter writer;

    /**
     * @param writer an open journal writer, owned by this input from now on.
     */
    public JournalWriterInput(final JournalWriter writer)
    {
        this.writer = writer;
    }

    @Override
    public void append(
        final long engineSeq, final long receiveTimeNs, final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = writer.append(engineSeq, receiveTimeNs, buffer, offset, length);
        if (result < 0)
        {
            throw new IllegalStateException("journal refused engine seq " + engineSeq + " (code " + result +
                ", last journaled " + writer.lastSequence() + ") in " + writer.directory());
        }
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
