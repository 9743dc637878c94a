package dev.vigil.core.state;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of a record entry of a snapshot: one record of a keyed store as it was at the snapshot point, wherever the
 * copy reached it ({@link RecordCopySink}).
 * <pre>
 *   +----------+----------+-----------+------------------------------+
 *   | store id | ordinal  | key       | record bytes                 |
 *   | int32    | int32    | int64     | the store's record size      |
 *   +----------+----------+-----------+------------------------------+
 *   big endian, as DataOutput writes it
 * </pre>
 * The ordinal is the record's insertion number, so a restore puts every record back at the place it had, whatever
 * order the entries come in.
 */
public final class RecordEntryDescriptor
{
    /** Byte order of the header fields. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.BIG_ENDIAN;
    /** Offset of the store id. */
    public static final int STORE_ID_OFFSET = 0;
    /** Offset of the ordinal. */
    public static final int ORDINAL_OFFSET = STORE_ID_OFFSET + Integer.BYTES;
    /** Offset of the key. */
    public static final int KEY_OFFSET = ORDINAL_OFFSET + Integer.BYTES;
    /** Bytes before the record's. */
    public static final int HEADER_LENGTH = KEY_OFFSET + Long.BYTES;

    private RecordEntryDescriptor()
    {
    }

    /**
     * @param recordBytes bytes of a record.
     * @return bytes of its entry.
     */
    public static int entryLength(final int recordBytes)
    {
        return HEADER_LENGTH + recordBytes;
    }

    /**
     * Write an entry's header; the record's bytes follow it at {@code offset + HEADER_LENGTH}.
     *
     * @param buffer  where the entry goes.
     * @param offset  where in the buffer it starts.
     * @param storeId the store the record belongs to.
     * @param ordinal the record's insertion number.
     * @param key     the record's key.
     */
    public static void writeHeader(
        final MutableDirectBuffer buffer, final int offset, final int storeId, final int ordinal, final long key)
    {
        buffer.putInt(offset + STORE_ID_OFFSET, storeId, BYTE_ORDER);
        buffer.putInt(offset + ORDINAL_OFFSET, ordinal, BYTE_ORDER);
        buffer.putLong(offset + KEY_OFFSET, key, BYTE_ORDER);
    }
}
