package dev.vigil.app.engine;

import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where exceptions from any engine thread go: each distinct error is recorded once, with how often and when it was
 * seen, in a memory-mapped {@link DistinctErrorLog} file in the data directory ({@code vigil stat --errors} reads
 * it from outside), counted in the {@code vigil errors} counter, and passed on to the caller's handler. The thread
 * that threw keeps running. Thread-safe.
 */
public final class EngineErrors implements ErrorHandler, AutoCloseable
{
    /** File name of the error log in the data directory; recreated at every start. */
    public static final String FILE_NAME = "errors.dat";

    /** Length of the error log file. */
    static final int LENGTH = 1 << 20;

    private final MappedByteBuffer mapped;
    private final DistinctErrorLog log;
    private final ErrorHandler next;
    private volatile AtomicCounter counter;

    private EngineErrors(final MappedByteBuffer mapped, final ErrorHandler next)
    {
        this.mapped = mapped;
        this.log = new DistinctErrorLog(new UnsafeBuffer(mapped), SystemEpochClock.INSTANCE, StandardCharsets.UTF_8);
        this.next = next;
    }

    /**
     * @param dataDir the engine's data directory, which exists.
     * @param next    also receives every error.
     * @return an error handler with a fresh, empty log.
     */
    static EngineErrors open(final Path dataDir, final ErrorHandler next)
    {
        final File file = dataDir.resolve(FILE_NAME).toFile();
        IoUtil.deleteIfExists(file);
        return new EngineErrors(IoUtil.mapNewFile(file, LENGTH), next);
    }

    /**
     * @param counter counts every error from now on.
     */
    void countInto(final AtomicCounter counter)
    {
        this.counter = counter;
    }

    @Override
    public void onError(final Throwable throwable)
    {
        log.record(throwable);
        final AtomicCounter errors = counter;
        if (errors != null && !errors.isClosed())
        {
            errors.increment();
        }
        next.onError(throwable);
    }

    @Override
    public void close()
    {
        counter = null;
        IoUtil.unmap(mapped);
    }
}
