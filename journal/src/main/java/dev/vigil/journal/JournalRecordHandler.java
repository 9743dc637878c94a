package dev.vigil.journal;

import org.agrona.DirectBuffer;

/**
 * Receives the records a {@link JournalReader} polls, in sequence order.
 */
@FunctionalInterface
public interface JournalRecordHandler
{
    /**
     * One record. The buffer is a view over the mapped segment, valid only during the call: copy what must outlive
     * it, and never write to it.
     *
     * @param engineSeq     engine sequence of the record.
     * @param receiveTimeNs receive time stored with it.
     * @param buffer        holding the payload.
     * @param offset        of the payload in the buffer.
     * @param length        of the payload.
     */
    void onRecord(long engineSeq, long receiveTimeNs, DirectBuffer buffer, int offset, int length);
}
