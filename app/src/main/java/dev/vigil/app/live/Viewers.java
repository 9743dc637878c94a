package dev.vigil.app.live;

import com.sun.net.httpserver.HttpExchange;
import dev.vigil.app.metrics.MetricsServer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browsers following the page: at most {@code maxViewers}, each with a bounded queue and a thread of its own.
 * The feed thread hands each update to every viewer's queue without waiting; a full queue drops the update for that
 * viewer only, counted in the viewer's queue and in {@link LiveCounter#UPDATES_DROPPED}.
 */
final class Viewers implements AutoCloseable
{
    private final int maxViewers;
    private final int queueCapacity;
    private final AtomicCounter viewersGauge;
    private final AtomicCounter updatesDropped;
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile boolean closed;
    private long droppedTotal;

    /**
     * @param maxViewers     most viewers at once; more are refused with 503.
     * @param queueCapacity  updates held for each viewer.
     * @param viewersGauge   set to the number of viewers at each update, null for none.
     * @param updatesDropped counts updates dropped for any viewer, null for none.
     */
    Viewers(
        final int maxViewers, final int queueCapacity, final AtomicCounter viewersGauge,
        final AtomicCounter updatesDropped)
    {
        this.maxViewers = maxViewers;
        this.queueCapacity = queueCapacity;
        this.viewersGauge = viewersGauge;
        this.updatesDropped = updatesDropped;
    }

    /**
     * Follow a request for the stream of updates; on the server's thread.
     *
     * @param exchange the request, answered by the viewer's thread from now on.
     * @param first    the first update the viewer gets, e.g. the state now; null for none.
     * @throws IOException when refusing the request fails.
     */
    void open(final HttpExchange exchange, final String first) throws IOException
    {
        if (closed || viewers.size() >= maxViewers)
        {
            MetricsServer.respond(exchange, 503, "text/plain; charset=utf-8",
                ("at most " + maxViewers + " viewers at once\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        final Viewer viewer = new Viewer(nextId.getAndIncrement(), exchange, queueCapacity, viewers::remove);
        if (first != null)
        {
            viewer.queue().offer(first);
        }
        viewers.add(viewer);
        viewer.start();
    }

    /**
     * Hand an update to every viewer; on the feed thread only. Never waits.
     *
     * @param update one server-sent event, ready to write.
     * @return viewers it was dropped for.
     */
    int broadcast(final String update)
    {
        int dropped = 0;
        for (final Viewer viewer : viewers)
        {
            if (!viewer.isClosed() && !viewer.queue().offer(update))
            {
                dropped++;
            }
        }
        droppedTotal += dropped;
        if (updatesDropped != null && dropped > 0)
        {
            updatesDropped.getAndAddOrdered(dropped);
        }
        if (viewersGauge != null)
        {
            viewersGauge.setOrdered(viewers.size());
        }
        return dropped;
    }

    /**
     * @return viewers following now.
     */
    int count()
    {
        return viewers.size();
    }

    /**
     * @return updates dropped for any viewer since start; the feed thread's view.
     */
    long droppedTotal()
    {
        return droppedTotal;
    }

    /**
     * @param json where each viewer's id, waiting and dropped updates go, as an array.
     */
    void writeJson(final JsonText json)
    {
        json.beginArray();
        for (final Viewer viewer : viewers)
        {
            json.beginObject()
                .field("id", viewer.id())
                .field("queued", viewer.queue().size())
                .field("dropped", viewer.queue().dropped())
                .endObject();
        }
        json.endArray();
    }

    @Override
    public void close()
    {
        closed = true;
        for (final Viewer viewer : viewers)
        {
            viewer.close();
        }
    }
}
