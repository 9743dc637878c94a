package dev.vigil.core.window;

import org.agrona.ExpandableArrayBuffer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import static dev.vigil.core.window.KeySlots.NO_SLOT;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static dev.vigil.core.window.WindowPool.NO_WINDOW;

/**
 * The state and firing of one windowed aggregation over every key, in event time (DESIGN §5, Flink's model).
 * <p>
 * Each key with state is scheduled in {@link KeySlots} at the event time at which it next needs work — its next
 * window to fire or its oldest window to purge — so that when the watermark advances windows fire in order of their
 * end, ties broken by key, whatever the order keys arrived in. A window fires when the watermark reaches
 * {@code end - 1}; it is purged when the watermark reaches {@code end - 1 + allowed lateness}. An event whose windows
 * have all been purged goes to the late output; one that lands in a window that already fired makes that window fire
 * again at once, marked as an update.
 * <p>
 * This class holds what the kinds share: the keys and their firing order, the {@link WindowPool}, the counters and
 * the snapshot; {@link PaneWindows} (tumbling and sliding) and {@link SessionWindows} say what an event does and what
 * a key does when it is due. Keys and windows live in pre-allocated primitive arrays sized from the spec (free lists,
 * no allocation once constructed). When they are full the event is not aggregated and is counted. Single-threaded.
 */
public abstract class KeyedWindows
{
    /** The event was aggregated. */
    public static final int ACCEPTED = 0;
    /** The event was behind every window that could take it: sent to the late output. */
    public static final int LATE = 1;
    /** The keys or windows are at capacity: the event was not aggregated. */
    public static final int STATE_FULL = 2;

    /** A due time that never comes. */
    static final long NO_FIRE = Long.MAX_VALUE;
    /** The first word of a snapshot of pane windows. */
    static final int PANE_STATE = 0;
    /** The first word of a snapshot of session windows. */
    static final int SESSION_STATE = 1;

    final int windowId;
    final long sizeNs;
    final long slideNs;
    final long offsetNs;
    final long latenessNs;
    final KeySlots keys;
    final WindowPool windows;

    long lateEvents;
    long stateFullEvents;
    long resultsEmitted;

    /** Bytes of one window in a snapshot: start, end, count, sum, min, max and flags. */
    private static final int WINDOW_BYTES = 6 * Long.BYTES + 1;
    /** Scratch bytes handed to the snapshot at once. */
    private static final int SCRATCH_FLUSH_BYTES = 64 * 1024;

    /** Where a snapshot's keys are laid out before they go, grown to the largest batch and kept. */
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(SCRATCH_FLUSH_BYTES + 1024);
    private final int stateKind;

    KeyedWindows(final WindowSpec spec, final int stateKind)
    {
        this.windowId = spec.id();
        this.sizeNs = spec.sizeNs();
        this.slideNs = spec.slideNs();
        this.offsetNs = spec.offsetNs();
        this.latenessNs = spec.allowedLatenessNs();
        this.stateKind = stateKind;
        this.keys = new KeySlots(spec.maxKeys());
        this.windows = new WindowPool(spec.maxKeys(), spec.maxWindows());
    }

    /**
     * @param spec what to aggregate and how.
     * @return the windows of that spec's kind, empty.
     */
    public static KeyedWindows of(final WindowSpec spec)
    {
        return spec.kind() == WindowKind.SESSION ? new SessionWindows(spec) : new PaneWindows(spec);
    }

    /**
     * Aggregate one event, judged against the watermark produced by the events before it.
     *
     * @param engineSeq   the input, for what this emits.
     * @param key         the key's value.
     * @param eventTimeNs the event's time.
     * @param value       the aggregated field.
     * @param watermark   the watermark before this event.
     * @param sink        where immediate updates and late events go.
     * @return {@link #ACCEPTED}, {@link #LATE} or {@link #STATE_FULL}.
     */
    public abstract int onEvent(
        long engineSeq, long key, long eventTimeNs, long value, long watermark, WindowSink sink);

    /**
     * @return the most results and late events one event can make this aggregation emit before the watermark
     * moves: a late event re-fires every fired window that holds it, or is reported late.
     */
    public abstract int maxResultsPerEvent();

    /**
     * Fire what the key is due for and purge what the watermark has passed: emits at most one result.
     *
     * @param engineSeq the input that moved the watermark.
     * @param slot      a key due by the watermark.
     * @param watermark the new watermark.
     * @param sink      where results go.
     */
    abstract void step(long engineSeq, int slot, long watermark, WindowSink sink);

    /**
     * @param slot a key with windows.
     * @return the event time at which it next needs work, or {@link #NO_FIRE}.
     */
    abstract long due(int slot);

    /**
     * Set up a key's own state as its slot is taken.
     *
     * @param slot the new key's slot.
     */
    abstract void onKeyAdded(int slot);

    /**
     * Load the key's entry in the key table and, when the key is held, its first words; changes nothing.
     *
     * @param key a key an event will bring.
     * @return a sum of the words loaded, only so that the loads are kept.
     */
    abstract long prefetch(long key);

    /**
     * @param slot a key's slot.
     * @return the snapshot's word for the windows of the key that have fired by time.
     */
    abstract long firedUpTo(int slot);

    /**
     * A key's windows are back from a snapshot: rebuild what is derived from them.
     *
     * @param slot       the key's slot, its windows linked.
     * @param firedUpTo  the word {@link #firedUpTo} gave.
     */
    abstract void onKeyRestored(int slot, long firedUpTo);

    /**
     * Fire and purge every window the new watermark has reached, in order of window end then key.
     *
     * @param engineSeq the input that moved the watermark.
     * @param watermark the new watermark.
     * @param sink      where results go.
     */
    public final void advance(final long engineSeq, final long watermark, final WindowSink sink)
    {
        advance(engineSeq, watermark, sink, Long.MAX_VALUE);
    }

    /**
     * As {@link #advance(long, long, WindowSink)}, emitting at most {@code maxResults} results: a key's step emits
     * at most one, so the firing stops before the step that would emit one too many, and the heap keeps where it
     * stopped. Called again with the same watermark, it goes on from there, and the results come out in the same
     * order as from one call.
     *
     * @param engineSeq  the input that moved the watermark.
     * @param watermark  the new watermark.
     * @param sink       where results go.
     * @param maxResults most results to emit now.
     * @return true when every window the watermark reached has fired and been purged.
     */
    public final boolean advance(
        final long engineSeq, final long watermark, final WindowSink sink, final long maxResults)
    {
        final long limit = maxResults >= Long.MAX_VALUE - resultsEmitted ? Long.MAX_VALUE : resultsEmitted + maxResults;
        for (int slot = keys.first(); slot != NO_SLOT; slot = keys.first())
        {
            if (keys.due(slot) > watermark)
            {
                break;
            }
            if (resultsEmitted >= limit)
            {
                return false;
            }
            step(engineSeq, slot, watermark, sink);
            reschedule(slot);
        }
        return true;
    }

    /**
     * @param key a key's value.
     * @return its slot, taken now when it had none, or {@link KeySlots#NO_SLOT} when the keys are full.
     */
    final int acquireKey(final long key)
    {
        final int existing = keys.slotOf(key);
        if (existing != NO_SLOT)
        {
            return existing;
        }
        final int slot = keys.add(key);
        if (slot != NO_SLOT)
        {
            windows.clearList(slot);
            onKeyAdded(slot);
        }
        return slot;
    }

    /**
     * After its windows changed, put the key where its next work falls in the firing order, or let it go when it has
     * no windows left.
     */
    final void reschedule(final int slot)
    {
        if (windows.head(slot) == NO_WINDOW)
        {
            keys.release(slot);
            return;
        }
        keys.schedule(slot, due(slot));
    }

    final void releaseKeyIfEmpty(final int slot)
    {
        if (windows.head(slot) == NO_WINDOW)
        {
            keys.release(slot);
        }
    }

    static long saturatingAdd(final long a, final long b)
    {
        final long sum = a + b;
        // Overflow only when both operands have the sign the result lacks.
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /**
     * @return keys with open windows.
     */
    public final int keyCount()
    {
        return keys.count();
    }

    /**
     * @return panes or sessions held.
     */
    public final int windowsInUse()
    {
        return windows.inUse();
    }

    /**
     * @return events sent to the late output so far.
     */
    public final long lateEvents()
    {
        return lateEvents;
    }

    /**
     * @return events not aggregated because the state was full.
     */
    public final long stateFullEvents()
    {
        return stateFullEvents;
    }

    /**
     * @return window results emitted so far, updates included.
     */
    public final long resultsEmitted()
    {
        return resultsEmitted;
    }

    /**
     * Write the state key by key in the order of the firing heap's array. {@link #readFrom} inserts the keys in that
     * order, which leaves each where it was (a parent fires strictly before its children), so a restored aggregation
     * holds the same heap and later writes the same bytes as one that never stopped. Walking the heap rather than
     * sorting the keys keeps a snapshot point free of sorting and of one hash probe per key: at a million keys the
     * windows are most of what the point stops the rules stage for. The keys are laid out in a scratch buffer,
     * big-endian as {@link DataOutput} would write them, and handed over {@value #SCRATCH_FLUSH_BYTES} bytes at a
     * time: one call per batch rather than per field.
     *
     * @param out where to write.
     * @throws IOException when writing fails.
     */
    public final void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(stateKind);
        out.writeLong(sizeNs);
        out.writeLong(slideNs);
        out.writeLong(offsetNs);
        final int scheduled = keys.scheduled();
        out.writeInt(scheduled);
        int length = 0;
        for (int i = 0; i < scheduled; i++)
        {
            length = putKey(length, keys.scheduledAt(i));
            if (length >= SCRATCH_FLUSH_BYTES)
            {
                out.write(scratch.byteArray(), 0, length);
                length = 0;
            }
        }
        out.write(scratch.byteArray(), 0, length);
    }

    /**
     * One key's windows into the scratch buffer: a method of its own so that the JIT compiles it after a few hundred
     * keys of the first snapshot, where the loop over the keys, run once per snapshot, would stay interpreted.
     *
     * @return the scratch buffer's length after the key.
     */
    private int putKey(final int offset, final int slot)
    {
        int at = offset;
        scratch.putLong(at, keys.key(slot), BIG_ENDIAN);
        scratch.putLong(at + 8, firedUpTo(slot), BIG_ENDIAN);
        int count = 0;
        for (int window = windows.head(slot); window != NO_WINDOW; window = windows.next(window))
        {
            count++;
        }
        scratch.putInt(at + 16, count, BIG_ENDIAN);
        at += 20;
        for (int window = windows.head(slot); window != NO_WINDOW; window = windows.next(window))
        {
            scratch.putLong(at, windows.start(window), BIG_ENDIAN);
            scratch.putLong(at + 8, windows.end(window), BIG_ENDIAN);
            scratch.putLong(at + 16, windows.count(window), BIG_ENDIAN);
            scratch.putLong(at + 24, windows.sum(window), BIG_ENDIAN);
            scratch.putLong(at + 32, windows.min(window), BIG_ENDIAN);
            scratch.putLong(at + 40, windows.max(window), BIG_ENDIAN);
            scratch.putByte(at + 48, windows.flags(window));
            at += WINDOW_BYTES;
        }
        return at;
    }

    /**
     * Replace the state with one written by {@link #writeTo} of an aggregation with the same spec.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the state does not fit.
     */
    public final void readFrom(final DataInput in) throws IOException
    {
        keys.clear();
        windows.clear();
        final int writtenKind = in.readInt();
        final long writtenSize = in.readLong();
        final long writtenSlide = in.readLong();
        final long writtenOffset = in.readLong();
        if ((writtenKind == SESSION_STATE) != (stateKind == SESSION_STATE) || writtenSize != sizeNs ||
            writtenSlide != slideNs || writtenOffset != offsetNs)
        {
            throw new IOException("window " + windowId + ": state of windows of another shape");
        }
        final int count = in.readInt();
        if (count < 0 || count > keys.capacity())
        {
            throw new IOException("window " + windowId + ": " + count + " keys do not fit " + keys.capacity());
        }
        for (int k = 0; k < count; k++)
        {
            final int slot = acquireKey(in.readLong());
            final long firedUpTo = in.readLong();
            final int windowCount = in.readInt();
            for (int w = 0; w < windowCount; w++)
            {
                final int window = windows.allocate();
                if (window == NO_WINDOW || windowCount < 0)
                {
                    throw new IOException("window " + windowId + ": state holds more windows than fit");
                }
                windows.restore(window, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readByte());
                windows.linkAfter(slot, windows.tail(slot), window);
            }
            onKeyRestored(slot, firedUpTo);
            reschedule(slot);
        }
    }
}
