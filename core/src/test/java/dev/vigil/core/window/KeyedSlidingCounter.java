package dev.vigil.core.window;

import dev.vigil.core.state.NativeRecordStore;
import dev.vigil.core.state.RecordStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Test fixture: counts events — or sums a weight such as an amount — per key over an event-time sliding window built
 * from panes, each key's panes in a record of its own, so that tests can check {@link SlidingWindowRecord} against a
 * model key by key (see it for the layout, the bounds and the O(1) update).
 * <p>
 * Time is cut into panes of {@code slideNs}, aligned to epoch 0. The window of an event is the {@code windowSizeNs}
 * long, half-open interval {@code [end - windowSizeNs, end)} whose last pane holds the event, with
 * {@code end = (floor(t / slideNs) + 1) * slideNs}. Events may arrive out of order: an event lands in its own pane
 * as long as that pane is still inside the newest window seen for its key, and its answer is its window's total over
 * the panes that newest window covers (the ring keeps one window of panes, so panes before it are gone). An older
 * event is outside anything this counter still remembers: it counts nowhere and {@link #add} answers {@link #LATE},
 * the same for every such event whatever the pane ring holds.
 */
final class KeyedSlidingCounter
{
    /** Returned by {@link #add(long, long)} when the key is new and the state is full. */
    public static final long STATE_FULL = -1;

    /** Returned by {@link #add(long, long)} for an event older than the newest window of its key. */
    public static final long LATE = SlidingWindowRecord.LATE;

    private final SlidingWindowRecord window;
    private final RecordStore records;

    /**
     * @param maxKeys      most distinct keys to track.
     * @param windowSizeNs window length; a whole multiple of slideNs.
     * @param slideNs      pane length, the granularity at which the window slides.
     */
    KeyedSlidingCounter(final int maxKeys, final long windowSizeNs, final long slideNs)
    {
        this.window = new SlidingWindowRecord(windowSizeNs, slideNs);
        this.records = new NativeRecordStore(maxKeys, window.stateBytes());
    }

    /**
     * Count one event and return the count of its window, this event included.
     *
     * @param key         the key, e.g. an account id.
     * @param eventTimeNs the event's time.
     * @return events of this key in the event's window, {@link #LATE} or {@link #STATE_FULL}.
     */
    public long add(final long key, final long eventTimeNs)
    {
        return add(key, eventTimeNs, 1);
    }

    /**
     * Add a weight (e.g. an amount) for one event and return the total of its window, this event included: a
     * sliding-window sum, of which a count is the case of weight 1.
     *
     * @param key         the key, e.g. an account id.
     * @param eventTimeNs the event's time.
     * @param weight      what the event adds, not negative.
     * @return the key's total in the event's window, {@link #LATE} or {@link #STATE_FULL}.
     */
    public long add(final long key, final long eventTimeNs, final long weight)
    {
        final long record = records.recordAddress(key);
        if (record == RecordStore.FULL)
        {
            return STATE_FULL;
        }
        return window.add(record, eventTimeNs, weight);
    }

    /**
     * @param eventTimeNs an event time.
     * @return inclusive start of the window holding that event.
     */
    public long windowStartNs(final long eventTimeNs)
    {
        return window.windowStartNs(eventTimeNs);
    }

    /**
     * @param eventTimeNs an event time.
     * @return exclusive end of the window holding that event.
     */
    public long windowEndNs(final long eventTimeNs)
    {
        return window.windowEndNs(eventTimeNs);
    }

    /**
     * @return distinct keys tracked.
     */
    public int keyCount()
    {
        return records.size();
    }

    /**
     * @return most distinct keys this counter can track.
     */
    public int keyCapacity()
    {
        return records.capacity();
    }

    /**
     * @param out where to write the keys and every key's panes.
     * @throws IOException when writing fails.
     */
    public void writeTo(final DataOutput out) throws IOException
    {
        out.writeLong(window.slideNs());
        out.writeInt(window.panesPerWindow());
        records.writeTo(out);
    }

    /**
     * Replace the contents with those written by {@link #writeTo} of a counter with the same window and capacity.
     *
     * @param in where to read.
     * @throws IOException when reading fails or the window or capacity differ.
     */
    public void readFrom(final DataInput in) throws IOException
    {
        final long writtenSlideNs = in.readLong();
        final int writtenPanes = in.readInt();
        if (writtenSlideNs != window.slideNs() || writtenPanes != window.panesPerWindow())
        {
            throw new IOException("window of " + writtenPanes + " panes of " + writtenSlideNs +
                " ns does not fit one of " + window.panesPerWindow() + " panes of " + window.slideNs() + " ns");
        }
        records.readFrom(in);
    }
}
