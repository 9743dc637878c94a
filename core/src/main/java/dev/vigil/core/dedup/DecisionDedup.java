package dev.vigil.core.dedup;

import dev.vigil.codecs.Verdict;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Remembers the last decisions of each client by client sequence, so a retried request gets its original decision
 * again instead of a second evaluation (which would count it twice in every window).
 * <p>
 * Per client, a ring of the last {@code windowSize} sequences: lookups and records are O(1) and allocate nothing
 * once the client is known. Each ring is kept as the bytes a snapshot holds ({@value #ENTRY_BYTES} big-endian bytes
 * an entry: client sequence, engine sequence, verdict, fired rules), so that a snapshot point copies a client's ring
 * in one move, not field by field (a tenth of a millisecond a client at a window of 4,096, before); an entry is
 * also one place in memory rather than four. A sequence older than the ring can no longer be told apart from a new
 * one and is reported {@link #STALE}, so that it is refused rather than decided twice.
 * Single-threaded: owned by the rules stage. Its contents are engine state, like rule state.
 */
public final class DecisionDedup
{
    /** Never seen: evaluate it. */
    public static final int NEW = 0;
    /** Decided before: answer with {@link #foundVerdict()}, {@link #foundFiredRules()}, {@link #foundEngineSeq()}. */
    public static final int DUPLICATE = 1;
    /** Older than the client's remembered window: refuse it. */
    public static final int STALE = 2;

    private static final long NO_SEQ = Long.MIN_VALUE;
    private static final int SEQ_OFFSET = 0;
    private static final int ENGINE_SEQ_OFFSET = SEQ_OFFSET + Long.BYTES;
    private static final int VERDICT_OFFSET = ENGINE_SEQ_OFFSET + Long.BYTES;
    private static final int FIRED_RULES_OFFSET = VERDICT_OFFSET + Byte.BYTES;
    /** Bytes of one remembered decision, in memory and in a snapshot. */
    static final int ENTRY_BYTES = FIRED_RULES_OFFSET + Long.BYTES;
    private static final byte NO_VERDICT = -1;

    private final int windowSize;
    private final int mask;
    private final Long2ObjectHashMap<ClientWindow> windowsByClient = new Long2ObjectHashMap<>();

    private Verdict foundVerdict;
    private long foundFiredRules;
    private long foundEngineSeq;

    /**
     * @param windowSize decisions remembered per client; a power of two.
     */
    public DecisionDedup(final int windowSize)
    {
        if (windowSize < 1 || Integer.bitCount(windowSize) != 1 || windowSize > Integer.MAX_VALUE / ENTRY_BYTES)
        {
            throw new IllegalArgumentException("windowSize=" + windowSize + " must be a power of two, at most " +
                Integer.highestOneBit(Integer.MAX_VALUE / ENTRY_BYTES));
        }
        this.windowSize = windowSize;
        this.mask = windowSize - 1;
    }

    /**
     * Classify a request before evaluating it.
     *
     * @param clientId  the client.
     * @param clientSeq the request's client sequence.
     * @return {@link #NEW}, {@link #DUPLICATE} (the found* accessors then hold the original decision) or
     *         {@link #STALE}.
     */
    public int check(final long clientId, final long clientSeq)
    {
        final ClientWindow window = windowsByClient.get(clientId);
        if (window == null || clientSeq > window.highestSeq)
        {
            return NEW;
        }
        if (clientSeq <= window.highestSeq - windowSize)
        {
            return STALE;
        }
        final int at = ((int)clientSeq & mask) * ENTRY_BYTES;
        final UnsafeBuffer entries = window.entries;
        if (entries.getLong(at + SEQ_OFFSET, BIG_ENDIAN) != clientSeq)
        {
            // Within the window but never decided: a gap the client is filling now.
            return NEW;
        }
        foundVerdict = Verdict.get((short)(entries.getByte(at + VERDICT_OFFSET) & 0xFF));
        foundFiredRules = entries.getLong(at + FIRED_RULES_OFFSET, BIG_ENDIAN);
        foundEngineSeq = entries.getLong(at + ENGINE_SEQ_OFFSET, BIG_ENDIAN);
        return DUPLICATE;
    }

    /**
     * Remember a decision.
     *
     * @param clientId   the client.
     * @param clientSeq  the request's client sequence.
     * @param engineSeq  engine sequence of the request.
     * @param verdict    the decision.
     * @param firedRules rules that fired.
     */
    public void record(
        final long clientId, final long clientSeq, final long engineSeq, final Verdict verdict, final long firedRules)
    {
        ClientWindow window = windowsByClient.get(clientId);
        if (window == null)
        {
            window = new ClientWindow(windowSize);
            windowsByClient.put(clientId, window);
        }
        final int at = ((int)clientSeq & mask) * ENTRY_BYTES;
        final UnsafeBuffer entries = window.entries;
        entries.putLong(at + SEQ_OFFSET, clientSeq, BIG_ENDIAN);
        entries.putLong(at + ENGINE_SEQ_OFFSET, engineSeq, BIG_ENDIAN);
        entries.putByte(at + VERDICT_OFFSET, (byte)verdict.value());
        entries.putLong(at + FIRED_RULES_OFFSET, firedRules, BIG_ENDIAN);
        window.highestSeq = Math.max(window.highestSeq, clientSeq);
    }

    public Verdict foundVerdict()
    {
        return foundVerdict;
    }

    public long foundFiredRules()
    {
        return foundFiredRules;
    }

    public long foundEngineSeq()
    {
        return foundEngineSeq;
    }

    /**
     * @return clients remembered.
     */
    public int clientCount()
    {
        return windowsByClient.size();
    }

    /**
     * @param out where to write every client's remembered decisions, clients in id order.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(windowSize);
        final long[] clientIds = new long[windowsByClient.size()];
        int n = 0;
        for (final Long2ObjectHashMap<ClientWindow>.KeyIterator it = windowsByClient.keySet().iterator();
            it.hasNext(); )
        {
            clientIds[n++] = it.nextLong();
        }
        Arrays.sort(clientIds);
        out.writeInt(clientIds.length);
        for (final long clientId : clientIds)
        {
            final ClientWindow window = windowsByClient.get(clientId);
            out.writeLong(clientId);
            out.writeLong(window.highestSeq);
            out.write(window.entries.byteArray());
        }
    }

    /**
     * Replace the contents with those written by {@link #writeTo} of a table with the same window size.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the window size differs.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final int writtenWindowSize = in.readInt();
        if (writtenWindowSize != windowSize)
        {
            throw new IOException("retry table of window " + writtenWindowSize + " does not fit one of " + windowSize);
        }
        windowsByClient.clear();
        final int clients = in.readInt();
        for (int c = 0; c < clients; c++)
        {
            final long clientId = in.readLong();
            final ClientWindow window = new ClientWindow(new byte[windowSize * ENTRY_BYTES]);
            window.highestSeq = in.readLong();
            in.readFully(window.entries.byteArray());
            for (int i = 0; i < windowSize; i++)
            {
                final byte verdict = window.entries.getByte(i * ENTRY_BYTES + VERDICT_OFFSET);
                if (verdict != NO_VERDICT && verdict != Verdict.APPROVE.value() && verdict != Verdict.REVIEW.value() &&
                    verdict != Verdict.DECLINE.value())
                {
                    // A damaged table is refused here, as a snapshot that cannot be used, not at a retry.
                    throw new IOException("retry table of client " + clientId + ": no verdict " + verdict);
                }
            }
            windowsByClient.put(clientId, window);
        }
    }

    private static final class ClientWindow
    {
        /** The ring's entries, on the heap, laid out as a snapshot holds them. */
        final UnsafeBuffer entries;
        long highestSeq = NO_SEQ;

        ClientWindow(final int size)
        {
            this(new byte[size * ENTRY_BYTES]);
            for (int i = 0; i < size; i++)
            {
                entries.putLong(i * ENTRY_BYTES + SEQ_OFFSET, NO_SEQ, BIG_ENDIAN);
                entries.putByte(i * ENTRY_BYTES + VERDICT_OFFSET, NO_VERDICT);
            }
        }

        /**
         * A ring over bytes read from a snapshot, as they are.
         */
        ClientWindow(final byte[] entries)
        {
            this.entries = new UnsafeBuffer(entries);
        }
    }
}
