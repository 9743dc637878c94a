package dev.vigil.app.live;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One browser following the page's updates as server-sent events: a thread of its own takes updates from the
 * viewer's bounded {@link ViewerQueue} and writes them to its connection, so a viewer that reads slowly blocks only
 * this thread, never the feed or the engine. A comment line every {@link #KEEP_ALIVE_MS} keeps idle connections
 * open and finds closed ones.
 */
final class Viewer implements Runnable
{
    /** Longest quiet time on a connection before a keep-alive comment. */
    static final long KEEP_ALIVE_MS = 15_000;

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final long id;
    private final HttpExchange exchange;
    private final ViewerQueue queue;
    private final Consumer<Viewer> onClosed;
    private final Thread thread;
    private volatile boolean closed;

    Viewer(final long id, final HttpExchange exchange, final int queueCapacity, final Consumer<Viewer> onClosed)
    {
        this.id = id;
        this.exchange = exchange;
        this.queue = new ViewerQueue(queueCapacity);
        this.onClosed = onClosed;
        this.thread = new Thread(this, "vigil-live-viewer-" + id);
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    long id()
    {
        return id;
    }

    ViewerQueue queue()
    {
        return queue;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Stop following: the thread ends at its next wait; the server closing its connections ends a blocked write.
     */
    void close()
    {
        closed = true;
        thread.interrupt();
    }

    @Override
    public void run()
    {
        try
        {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            final OutputStream out = exchange.getResponseBody();
            out.write(KEEP_ALIVE);
            out.flush();
            while (!closed)
            {
                final String update = queue.take(KEEP_ALIVE_MS);
                out.write(update == null ? KEEP_ALIVE : update.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            // The browser went away: nothing to report, the viewer is gone.
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            closed = true;
            exchange.close();
            onClosed.accept(this);
        }
    }
}
