package dev.vigil.app.live;

import dev.vigil.app.engine.EngineErrors;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The engine's error log ({@code errors.dat} in its data directory), read as {@code vigil stat --errors} reads it:
 * from the mapped file, which the engine's threads write without waiting for readers.
 */
final class ErrorLogView implements AutoCloseable
{
    /** Most characters of one error's text the page gets. */
    static final int MAX_TEXT = 4000;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    /**
     * @param dataDir the engine's data directory.
     */
    ErrorLogView(final Path dataDir)
    {
        final File file = dataDir.resolve(EngineErrors.FILE_NAME).toFile();
        mapped = file.isFile() ? IoUtil.mapExistingFile(file, "error log") : null;
        buffer = mapped == null ? null : new UnsafeBuffer(mapped);
    }

    /**
     * @param json where each distinct error goes, as an array of how often, first and last seen (epoch ms) and its
     *             text.
     * @return distinct errors.
     */
    int writeJson(final JsonText json)
    {
        json.beginArray();
        final int distinct = buffer == null ? 0 : ErrorLogReader.read(buffer,
            (observationCount, firstMs, lastMs, encodedException) -> json.beginObject()
                .field("count", observationCount)
                .field("firstMs", firstMs)
                .field("lastMs", lastMs)
                .field("text", encodedException.length() > MAX_TEXT ?
                    encodedException.substring(0, MAX_TEXT) + "..." : encodedException)
                .endObject());
        json.endArray();
        return distinct;
    }

    @Override
    public void close()
    {
        if (mapped != null)
        {
            IoUtil.unmap(mapped);
        }
    }
}
