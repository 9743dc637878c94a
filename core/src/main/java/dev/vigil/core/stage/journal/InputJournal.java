package dev.vigil.core.stage.journal;

import org.agrona.DirectBuffer;

/**
 * Where the journal stage writes accepted input frames, in engine-sequence order, before any decision about them
 * may leave the engine.
 */
public interface InputJournal extends AutoCloseable
{
    /**
     * Append one accepted frame.
     *
     * @param engineSeq     engine sequence of the frame.
     * @param receiveTimeNs when ingress took it.
     * @param buffer        holding the frame.
     * @param offset        of the frame.
     * @param length        of the frame.
     * @return true when appended; false when the journal refused it (closed, disk full, a segment that could not be
     * made): nothing was appended, and the same frame is offered again until it is taken.
     */
    boolean append(long engineSeq, long receiveTimeNs, DirectBuffer buffer, int offset, int length);

    /**
     * Why the last {@link #append} was refused, for the operator; asked once per refusal, never on the steady path.
     *
     * @return the refusal, with whatever cause the journal has.
     */
    default RuntimeException refusal()
    {
        return new IllegalStateException("the journal refused an append");
    }

    /**
     * Called after the last frame of a batch: the place to make appended frames durable as configured.
     */
    void endOfBatch();

    /**
     * @return true when every frame appended so far is as durable as configured, so its decision may leave; by
     *         default a journal is durable once append returns.
     */
    default boolean isDurable()
    {
        return true;
    }

    /**
     * Background work between batches, e.g. a periodic fsync that is due, or preparing the next segment.
     *
     * @return work done, 0 when none.
     */
    default int doDutyCycle()
    {
        return 0;
    }

    /**
     * @return bytes appended since this journal was opened.
     */
    default long bytesWritten()
    {
        return 0;
    }

    /**
     * @return fsyncs done since this journal was opened.
     */
    default long fsyncCount()
    {
        return 0;
    }

    /**
     * @return records appended but not yet as durable as configured.
     */
    default long pendingRecords()
    {
        return 0;
    }

    @Override
    void close();
}
