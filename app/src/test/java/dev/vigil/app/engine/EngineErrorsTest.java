package dev.vigil.app.engine;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineErrorsTest
{
    @TempDir
    Path dataDir;

    @Test
    void logsEachDistinctErrorOnceCountsEveryOneAndPassesThemOn()
    {
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * CountersReader.COUNTER_LENGTH, 64)));
        final AtomicCounter counter = countersManager.newCounter("vigil errors");
        final List<Throwable> passedOn = new ArrayList<>();
        final IllegalStateException error = new IllegalStateException("journal refused engine seq 7");

        try (EngineErrors errors = EngineErrors.open(dataDir, passedOn::add))
        {
            errors.countInto(counter);
            errors.onError(error);
            errors.onError(error);
            errors.onError(new IllegalArgumentException("another"));
        }

        assertEquals(3, counter.get());
        assertEquals(3, passedOn.size());
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(dataDir.resolve(EngineErrors.FILE_NAME).toFile(), "log");
        try
        {
            final List<String> entries = new ArrayList<>();
            assertEquals(2, ErrorLogReader.read(new UnsafeBuffer(mapped),
                (count, firstMs, lastMs, text) -> entries.add(count + " " + text)));
            assertTrue(entries.get(0).startsWith("2 java.lang.IllegalStateException: journal refused engine seq 7"),
                entries.get(0));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
