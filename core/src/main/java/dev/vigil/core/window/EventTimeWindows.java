package dev.vigil.core.window;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.EventFields;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-time operator of the rules stage: keeps the watermark of the input's sources and runs every windowed
 * aggregation over each transaction and order (an aggregation with a {@code where:} only over the events that meet
 * it; every event moves the watermark). Each event is judged against the watermark produced by the events
 * before it; then the watermark moves and the windows it reached fire. Heartbeats move the watermark only.
 * <p>
 * Firing is resumable, for a sink that can fill: when the watermark step of one input fires more windows than the
 * sink has {@link WindowSink#room()} for, the windows fire up to that, remember where they stopped (the aggregation,
 * and its heap of keys by due time, which the firing consumes in order) and {@link #readyForInput()} says the next
 * input must wait. Each later call of it fires on as the sink drains, in the same order as one uninterrupted firing,
 * and only once every window has fired and the sink has taken all of them does it let the next input in. What is
 * emitted, and in which order, depends on the input alone, never on the sink's size or on when it drains.
 */
public final class EventTimeWindows
{
    private static final int QUEUE_CAPACITY = 4096;

    private final SourceWatermarks watermarks;
    private List<WindowSpec> specs;
    private KeyedWindows[] all;
    private KeyedWindows[] onTransactions;
    private WindowSpec[] transactionSpecs;
    private Condition[] transactionFilters;
    private KeyedWindows[] onOrders;
    private WindowSpec[] orderSpecs;
    private Condition[] orderFilters;
    private final EventFields fields = new EventFields();
    private WindowSink sink = WindowSink.NONE;
    /** Keys queued by {@link #queue}: a hint only, so keys beyond the capacity are simply not loaded ahead. */
    private final KeyedWindows[] queuedAggregations = new KeyedWindows[QUEUE_CAPACITY];
    private final long[] queuedKeys = new long[QUEUE_CAPACITY];
    private int queued;
    /** Most results and late events one event can emit before its watermark step, over transactions or orders. */
    private int maxResultsPerEvent;
    private boolean firing;
    private long firingSeq;
    private long firingWatermark;
    private int firingIndex;
    private boolean awaitingDrain;

    /**
     * @param specs      the windowed aggregations, ids unique.
     * @param watermarks the sources' watermarks.
     */
    public EventTimeWindows(final List<WindowSpec> specs, final SourceWatermarks watermarks)
    {
        this.watermarks = watermarks;
        configure(specs, new KeyedWindows[0], List.of());
    }

    /**
     * Switch to other aggregations at this point of the input: those whose definition is unchanged keep their
     * windows, new or changed ones start empty, removed ones are dropped; the watermarks go on. Allocates: for
     * rules updates, not for events.
     *
     * @param newSpecs the aggregations from now on, ids unique.
     */
    public void reconfigure(final List<WindowSpec> newSpecs)
    {
        configure(newSpecs, all, specs);
    }

    private void configure(
        final List<WindowSpec> newSpecs, final KeyedWindows[] previous, final List<WindowSpec> previousSpecs)
    {
        final boolean[] seen = new boolean[WindowSpec.MAX_ID + 1];
        final KeyedWindows[] windows = new KeyedWindows[newSpecs.size()];
        final List<KeyedWindows> txn = new ArrayList<>();
        final List<WindowSpec> txnSpecs = new ArrayList<>();
        final List<KeyedWindows> ord = new ArrayList<>();
        final List<WindowSpec> ordSpecs = new ArrayList<>();
        for (int i = 0; i < newSpecs.size(); i++)
        {
            final WindowSpec spec = newSpecs.get(i);
            if (seen[spec.id()])
            {
                throw new IllegalArgumentException("window '" + spec.name() + "': id " + spec.id() + " already used");
            }
            seen[spec.id()] = true;
            final int kept = previousSpecs.indexOf(spec);
            windows[i] = kept >= 0 ? previous[kept] : KeyedWindows.of(spec);
            if (spec.input() == WindowInput.TRANSACTIONS)
            {
                txn.add(windows[i]);
                txnSpecs.add(spec);
            }
            else
            {
                ord.add(windows[i]);
                ordSpecs.add(spec);
            }
        }
        specs = List.copyOf(newSpecs);
        all = windows;
        onTransactions = txn.toArray(new KeyedWindows[0]);
        transactionSpecs = txnSpecs.toArray(new WindowSpec[0]);
        transactionFilters = txnSpecs.stream().map(WindowSpec::filter).toArray(Condition[]::new);
        onOrders = ord.toArray(new KeyedWindows[0]);
        orderSpecs = ordSpecs.toArray(new WindowSpec[0]);
        orderFilters = ordSpecs.stream().map(WindowSpec::filter).toArray(Condition[]::new);
        maxResultsPerEvent = Math.max(maxResultsPerEvent(onTransactions), maxResultsPerEvent(onOrders));
    }

    private static int maxResultsPerEvent(final KeyedWindows[] aggregations)
    {
        long total = 0;
        for (final KeyedWindows aggregation : aggregations)
        {
            total += aggregation.maxResultsPerEvent();
        }
        return (int)Math.min(total, Integer.MAX_VALUE);
    }

    /**
     * @param sink where window results and late events go from now on.
     */
    public void sink(final WindowSink sink)
    {
        this.sink = sink;
    }

    /**
     * @return the aggregations, in configuration order.
     */
    public List<WindowSpec> specs()
    {
        return specs;
    }

    /**
     * @return the current watermark.
     */
    public long watermark()
    {
        return watermarks.watermark();
    }

    /**
     * @param engineSeq the input.
     * @param txn       the transaction.
     */
    public void onTransaction(final long engineSeq, final TransactionDecoder txn)
    {
        final long watermark = watermarks.watermark();
        final long eventTimeNs = txn.eventTimeNs();
        fields.transaction(txn);
        for (int i = 0; i < onTransactions.length; i++)
        {
            final WindowSpec spec = transactionSpecs[i];
            final Condition filter = transactionFilters[i];
            if (filter != null && !filter.test(fields))
            {
                continue;
            }
            onTransactions[i].onEvent(engineSeq, keyOf(spec.key(), txn), eventTimeNs, txn.amountMinor(), watermark,
                sink);
        }
        advance(engineSeq, watermark, watermarks.onEvent(txn.clientId(), eventTimeNs));
    }

    /**
     * @param engineSeq the input.
     * @param order     the order.
     */
    public void onOrder(final long engineSeq, final OrderDecoder order)
    {
        final long watermark = watermarks.watermark();
        final long eventTimeNs = order.eventTimeNs();
        fields.order(order);
        for (int i = 0; i < onOrders.length; i++)
        {
            final WindowSpec spec = orderSpecs[i];
            final Condition filter = orderFilters[i];
            if (filter != null && !filter.test(fields))
            {
                continue;
            }
            onOrders[i].onEvent(engineSeq, keyOf(spec.key(), order), eventTimeNs, valueOf(spec.value(), order),
                watermark, sink);
        }
        advance(engineSeq, watermark, watermarks.onEvent(order.clientId(), eventTimeNs));
    }

    /**
     * Queue a transaction behind the current input for {@link #loadQueued}: its key in each aggregation over
     * transactions. Changes nothing.
     *
     * @param txn a transaction queued in the ring.
     */
    public void queue(final TransactionDecoder txn)
    {
        for (int i = 0; i < onTransactions.length; i++)
        {
            queue(onTransactions[i], keyOf(transactionSpecs[i].key(), txn));
        }
    }

    /**
     * As {@link #queue(TransactionDecoder)}, for the aggregations over orders.
     *
     * @param order an order queued in the ring.
     */
    public void queue(final OrderDecoder order)
    {
        for (int i = 0; i < onOrders.length; i++)
        {
            queue(onOrders[i], keyOf(orderSpecs[i].key(), order));
        }
    }

    private void queue(final KeyedWindows aggregation, final long key)
    {
        if (queued < queuedKeys.length)
        {
            queuedAggregations[queued] = aggregation;
            queuedKeys[queued++] = key;
        }
    }

    /**
     * Load where each queued key's windows are kept, in a loop that does nothing else so that the cache misses of
     * several events overlap, and empty the queue. Changes nothing.
     *
     * @return a sum of the words loaded, only so that the loads are kept.
     */
    public long loadQueued()
    {
        long loaded = 0;
        for (int i = 0; i < queued; i++)
        {
            loaded += queuedAggregations[i].prefetch(queuedKeys[i]);
        }
        queued = 0;
        return loaded;
    }

    /**
     * @param engineSeq   the heartbeat input.
     * @param clientId    its source.
     * @param eventTimeNs the event time its source has reached.
     */
    public void onHeartbeat(final long engineSeq, final long clientId, final long eventTimeNs)
    {
        final long watermark = watermarks.watermark();
        advance(engineSeq, watermark, watermarks.onEvent(clientId, eventTimeNs));
    }

    private void advance(final long engineSeq, final long before, final long after)
    {
        if (after != before)
        {
            firing = true;
            firingSeq = engineSeq;
            firingWatermark = after;
            firingIndex = 0;
            fire();
        }
    }

    /**
     * Fire on, aggregation by aggregation, as far as the sink has room.
     *
     * @return true when the firing is done.
     */
    private boolean fire()
    {
        while (firingIndex < all.length)
        {
            final int room = sink.room();
            if (room <= 0)
            {
                // The input goes on without the rest of its results, which must all be taken before the next one.
                awaitingDrain = true;
                return false;
            }
            if (all[firingIndex].advance(firingSeq, firingWatermark, sink, room))
            {
                firingIndex++;
            }
        }
        firing = false;
        return true;
    }

    /**
     * Whether the next input may be taken now; call after each input, and again while it says no. It fires on what
     * the last input's watermark step left unfired, as far as the sink has room; then waits until the sink has taken
     * every result of a firing that did not fit at once, so that nothing of the next input passes them; then until
     * the sink has room for all that one event can emit before its own watermark step (late events, and fired
     * windows a late event changes), or is empty. Allocation-free.
     *
     * @return true when the next input may be taken.
     */
    public boolean readyForInput()
    {
        if (firing && !fire())
        {
            return false;
        }
        if (awaitingDrain)
        {
            if (!sink.isDrained())
            {
                return false;
            }
            awaitingDrain = false;
        }
        return maxResultsPerEvent == 0 || sink.room() >= maxResultsPerEvent || sink.isDrained();
    }

    /**
     * @return true while the watermark step of an input has windows left to fire: the state then lies between two
     * inputs, and is not to be written.
     */
    public boolean isFiring()
    {
        return firing;
    }

    private static long keyOf(final WindowInput.Key key, final TransactionDecoder txn)
    {
        switch (key)
        {
            case CARD:
                return txn.cardId();
            case MERCHANT:
                return txn.merchantId();
            case CLIENT:
                return txn.clientId();
            default:
                return txn.accountId();
        }
    }

    private static long keyOf(final WindowInput.Key key, final OrderDecoder order)
    {
        switch (key)
        {
            case INSTRUMENT:
                return order.instrumentId();
            case CLIENT:
                return order.clientId();
            default:
                return order.accountId();
        }
    }

    private static long valueOf(final WindowInput.Value value, final OrderDecoder order)
    {
        switch (value)
        {
            case PRICE:
                return order.price();
            case NOTIONAL:
                return saturatingMultiply(order.price(), order.quantity());
            default:
                return order.quantity();
        }
    }

    static long saturatingMultiply(final long a, final long b)
    {
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0))
        {
            return low;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /**
     * @return events sent to the late output, over all aggregations.
     */
    public long lateEvents()
    {
        long total = 0;
        for (final KeyedWindows windows : all)
        {
            total += windows.lateEvents();
        }
        return total;
    }

    /**
     * @return events some aggregation could not hold because its state was full.
     */
    public long stateFullEvents()
    {
        long total = 0;
        for (final KeyedWindows windows : all)
        {
            total += windows.stateFullEvents();
        }
        return total;
    }

    /**
     * @return window results emitted, updates included.
     */
    public long resultsEmitted()
    {
        long total = 0;
        for (final KeyedWindows windows : all)
        {
            total += windows.resultsEmitted();
        }
        return total;
    }

    /**
     * @param index position in {@link #specs()}.
     * @return that aggregation's state.
     */
    public KeyedWindows windows(final int index)
    {
        return all[index];
    }

    /**
     * @param out where to write the watermarks and every aggregation's state.
     * @throws IOException when writing fails.
     */
    public void writeState(final DataOutput out) throws IOException
    {
        if (firing)
        {
            throw new IllegalStateException("windows of input " + firingSeq + " are still firing");
        }
        watermarks.writeTo(out);
        out.writeInt(all.length);
        for (int i = 0; i < all.length; i++)
        {
            out.writeInt(specs.get(i).id());
            all[i].writeTo(out);
        }
    }

    /**
     * @param in where to read what {@link #writeState} wrote under the same aggregations.
     * @throws IOException when reading fails or the state belongs to other aggregations.
     */
    public void readState(final DataInput in) throws IOException
    {
        firing = false;
        awaitingDrain = false;
        watermarks.readFrom(in);
        final int count = in.readInt();
        if (count != all.length)
        {
            throw new IOException("state of " + count + " windowed aggregations where " + all.length + " are defined");
        }
        for (int i = 0; i < all.length; i++)
        {
            final int id = in.readInt();
            if (id != specs.get(i).id())
            {
                throw new IOException("state of window " + id + " where window " + specs.get(i).id() + " was expected");
            }
            all[i].readFrom(in);
        }
    }
}
