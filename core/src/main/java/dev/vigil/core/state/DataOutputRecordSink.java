package dev.vigil.core.state;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataOutput;
import java.io.IOException;

/**
 * A {@link RecordCopySink} that writes each entry to a {@link DataOutput} as it comes ({@link RecordEntryDescriptor}):
 * for a copy finished at once, e.g. a snapshot written whole by the thread that owns the state. It never waits; an
 * output that fails gives the copy up, and {@link #rethrow} tells the caller why.
 */
public final class DataOutputRecordSink implements RecordCopySink
{
    private final DataOutput out;
    private final UnsafeBuffer entry = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
    private byte[] scratch = new byte[0];
    private IOException failure;
    private boolean abandoned;

    /**
     * @param out where the entries are written.
     */
    public DataOutputRecordSink(final DataOutput out)
    {
        this.out = out;
    }

    @Override
    public boolean offer(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        return put(storeId, ordinal, key, address, length);
    }

    @Override
    public boolean put(final int storeId, final int ordinal, final long key, final long address, final int length)
    {
        if (abandoned)
        {
            return false;
        }
        final int entryLength = RecordEntryDescriptor.entryLength(length);
        if (scratch.length < entryLength)
        {
            scratch = new byte[entryLength];
            entry.wrap(scratch);
        }
        RecordEntryDescriptor.writeHeader(entry, 0, storeId, ordinal, key);
        record.wrap(address, length);
        record.getBytes(0, scratch, RecordEntryDescriptor.HEADER_LENGTH, length);
        try
        {
            out.write(scratch, 0, entryLength);
            return true;
        }
        catch (final IOException ex)
        {
            failure = ex;
            abandoned = true;
            return false;
        }
    }

    @Override
    public boolean isAbandoned()
    {
        return abandoned;
    }

    @Override
    public void abandon()
    {
        abandoned = true;
    }

    /**
     * @throws IOException the output's failure, if it failed.
     */
    public void rethrow() throws IOException
    {
        if (failure != null)
        {
            throw failure;
        }
    }
}
