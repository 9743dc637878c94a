package dev.vigil.core.stage.rules;

import com.lmax.disruptor.RingBuffer;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.ring.FrameKind;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.rules.KeyedStateStores;
import dev.vigil.core.rules.StatePrefetcher;
import dev.vigil.core.window.EventTimeWindows;

/**
 * Brings the keyed state of the events queued in the ring into the cache before the rules stage reaches them.
 * <p>
 * With many keys, each key of an event is a cache miss (its index entry, then its record), and a stage that
 * handles one event after the other waits for those misses one after the other. Under load, events queue in the
 * ring: this reads the keys of up to {@code depth} of them, then loads their state in passes that do nothing else —
 * every index entry, every window key, then every record — so that the misses of all of them are in flight together,
 * and the rules then find their state in the cache. It only reads: no key is added, nothing an event is judged on
 * changes, so decisions are the same with it or without it. A lone event is left to the stage, which probes its own
 * keys together.
 * <p>
 * Reads slots up to the ring's cursor, which a single-producer ring publishes in order; owned by the rules thread.
 * Public so that benchmarks can run its loads without the rules that follow them.
 */
public final class StateLookahead
{
    private final RingBuffer<RingEvent> ring;
    private final int depth;
    private final StatePrefetcher prefetcher;
    private final EventTimeWindows windows;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionDecoder transaction = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();
    /** A sum of the window words loaded, stored only so that the loads are kept. */
    private long loaded;

    /**
     * @param ring    the ring the rules stage reads, single-producer.
     * @param depth   most events loaded at a time, at least 1.
     * @param stores  the keyed state.
     * @param windows the event-time windows.
     */
    public StateLookahead(
        final RingBuffer<RingEvent> ring,
        final int depth,
        final KeyedStateStores stores,
        final EventTimeWindows windows)
    {
        if (depth < 1 || depth > StatePrefetcher.MAX_QUEUED_EVENTS)
        {
            throw new IllegalArgumentException("lookahead depth " + depth + " must be in [1, " +
                StatePrefetcher.MAX_QUEUED_EVENTS + "]");
        }
        this.ring = ring;
        this.depth = depth;
        this.prefetcher = stores.prefetcher();
        this.windows = windows;
    }

    /**
     * Load the state of the events from a sequence on, as many as are published, up to the depth.
     *
     * @param sequence the event the stage is about to handle.
     * @return the sequence after the last one loaded; the given one when it is the only one published, which this
     * leaves to the stage.
     */
    public long loadFrom(final long sequence)
    {
        final long last = Math.min(ring.getCursor(), sequence + depth - 1);
        if (last <= sequence)
        {
            // A lone event: the stage's own probe of its keys is cheaper than the queue, and does as much.
            return sequence;
        }
        for (long s = sequence; s <= last; s++)
        {
            final RingEvent event = ring.get(s);
            if (event.kind() == FrameKind.EVENT)
            {
                final int templateId = event.templateId();
                if (templateId == TransactionDecoder.TEMPLATE_ID)
                {
                    transaction.wrapAndApplyHeader(event.frame(), 0, header);
                    prefetcher.queue(transaction);
                    windows.queue(transaction);
                }
                else if (templateId == OrderDecoder.TEMPLATE_ID)
                {
                    order.wrapAndApplyHeader(event.frame(), 0, header);
                    prefetcher.queue(order);
                    windows.queue(order);
                }
            }
        }
        // Index entries, window keys, then records: each pass a tight loop whose misses overlap.
        prefetcher.loadQueuedIndexEntries();
        loaded += windows.loadQueued();
        prefetcher.loadQueuedRecords();
        return last + 1;
    }
}
