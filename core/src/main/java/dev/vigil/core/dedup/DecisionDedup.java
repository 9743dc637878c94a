package dev.vigil.core.dedup;

import dev.vigil.codecs.Verdict;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Remembers the last decisions of each client by client sequence, so a retried request gets its original decision
 * again instead of a second evaluation (which would count it twice in every window).
 * <p>
 * Per client, a ring of the last {@code windowSize} sequences: lookups and records are O(1) and allocate nothing
 * once the client is known. A sequence older than the ring can no longer be told apart from a new one and is
 * reported {@link #STALE}, so that it is refused rather than decided twice.
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
        if (windowSize < 1 || Integer.bitCount(windowSize) != 1)
        {
            throw new IllegalArgumentException("windowSize=" + windowSize + " must be a power of two");
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
        final int index = (int)clientSeq & mask;
        if (window.seqs[index] != clientSeq)
        {
            // Within the window but never decided: a gap the client is filling now.
            return NEW;
        }
        foundVerdict = window.verdicts[index];
        foundFiredRules = window.firedRules[index];
        foundEngineSeq = window.engineSeqs[index];
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
        final int index = (int)clientSeq & mask;
        window.seqs[index] = clientSeq;
        window.engineSeqs[index] = engineSeq;
        window.verdicts[index] = verdict;
        window.firedRules[index] = firedRules;
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
            for (int i = 0; i < windowSize; i++)
            {
                writeEntry(out, window, i);
            }
        }
    }

    /**
     * One remembered decision: a method of its own so that the JIT compiles it within the first snapshot, where the
     * loop, run once per snapshot, would stay interpreted for the first dozen.
     */
    private static void writeEntry(final DataOutput out, final ClientWindow window, final int i) throws IOException
    {
        out.writeLong(window.seqs[i]);
        out.writeLong(window.engineSeqs[i]);
        out.writeByte(window.verdicts[i] == null ? -1 : window.verdicts[i].value());
        out.writeLong(window.firedRules[i]);
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
            final ClientWindow window = new ClientWindow(windowSize);
            window.highestSeq = in.readLong();
            for (int i = 0; i < windowSize; i++)
            {
                window.seqs[i] = in.readLong();
                window.engineSeqs[i] = in.readLong();
                final byte verdict = in.readByte();
                window.verdicts[i] = verdict < 0 ? null : Verdict.get((short)verdict);
                window.firedRules[i] = in.readLong();
            }
            windowsByClient.put(clientId, window);
        }
    }

    private static final class ClientWindow
    {
        final long[] seqs;
        final long[] engineSeqs;
        final Verdict[] verdicts;
        final long[] firedRules;
        long highestSeq = NO_SEQ;

        ClientWindow(final int size)
        {
            seqs = new long[size];
            engineSeqs = new long[size];
            verdicts = new Verdict[size];
            firedRules = new long[size];
            Arrays.fill(seqs, NO_SEQ);
        }
    }
}
