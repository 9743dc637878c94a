package dev.vigil.app.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The small file a running engine keeps in its data directory, {@code engine.info}, so that tools find it: its
 * process id and start time, its Aeron directory (where its counters are), its metrics port and its live page's
 * address. Written at start
 * (write, then rename), deleted at a clean stop. A file whose process is gone was left by an engine that did not
 * stop cleanly.
 * <pre>
 *   pid=12345
 *   process.start.ms=1764106800123     (-1 when the OS does not say)
 *   aeron.dir=/dev/shm/vigil-me-aeron
 *   metrics.port=9464                  (0: off)
 *   live.page=http://127.0.0.1:8080/   (empty: off)
 * </pre>
 */
public final class EngineInfo
{
    /** File name in the data directory. */
    public static final String FILE_NAME = "engine.info";

    private final long pid;
    private final long processStartMs;
    private final String aeronDir;
    private final int metricsPort;
    private final String livePage;

    EngineInfo(
        final long pid, final long processStartMs, final String aeronDir, final int metricsPort, final String livePage)
    {
        this.pid = pid;
        this.processStartMs = processStartMs;
        this.aeronDir = aeronDir;
        this.metricsPort = metricsPort;
        this.livePage = livePage;
    }

    /**
     * @param aeronDir    the engine's Aeron directory.
     * @param metricsPort the port metrics are served on, 0 for none.
     * @return the info of this process.
     */
    public static EngineInfo ofThisProcess(final String aeronDir, final int metricsPort)
    {
        return ofThisProcess(aeronDir, metricsPort, "");
    }

    /**
     * @param aeronDir    the engine's Aeron directory.
     * @param metricsPort the port metrics are served on, 0 for none.
     * @param livePage    the live page's address, empty for none.
     * @return the info of this process.
     */
    public static EngineInfo ofThisProcess(final String aeronDir, final int metricsPort, final String livePage)
    {
        final ProcessHandle self = ProcessHandle.current();
        return new EngineInfo(self.pid(), startMs(self), aeronDir, metricsPort, livePage);
    }

    /**
     * @param dataDir an engine's data directory.
     * @return what its info file says, or empty when there is none.
     * @throws UncheckedIOException when the file exists but cannot be read.
     */
    public static Optional<EngineInfo> read(final Path dataDir)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final NoSuchFileException ex)
        {
            return Optional.empty();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return Optional.of(new EngineInfo(
            Long.parseLong(properties.getProperty("pid", "-1")),
            Long.parseLong(properties.getProperty("process.start.ms", "-1")),
            properties.getProperty("aeron.dir", ""),
            Integer.parseInt(properties.getProperty("metrics.port", "0")),
            properties.getProperty("live.page", "")));
    }

    /**
     * Write this info into a data directory, replacing any there.
     *
     * @param dataDir the data directory, which exists.
     */
    public void write(final Path dataDir)
    {
        final Path temporary = dataDir.resolve(FILE_NAME + ".tmp");
        try
        {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8))
            {
                writer.write("pid=" + pid + "\n");
                writer.write("process.start.ms=" + processStartMs + "\n");
                writer.write("aeron.dir=" + aeronDir + "\n");
                writer.write("metrics.port=" + metricsPort + "\n");
                writer.write("live.page=" + livePage + "\n");
            }
            Files.move(temporary, dataDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Remove the info file from a data directory, if this engine's is there.
     *
     * @param dataDir the data directory.
     */
    public void delete(final Path dataDir)
    {
        final Optional<EngineInfo> current = read(dataDir);
        if (current.isPresent() && current.get().pid == pid)
        {
            try
            {
                Files.deleteIfExists(dataDir.resolve(FILE_NAME));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * @return true when the process this file names is alive and is the one that wrote it (not a reused pid).
     */
    public boolean isRunning()
    {
        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive())
        {
            return false;
        }
        final long actualStartMs = startMs(process.get());
        return processStartMs < 0 || actualStartMs < 0 || actualStartMs == processStartMs;
    }

    public long pid()
    {
        return pid;
    }

    /**
     * @return when the engine's process started, epoch ms, or -1 when unknown.
     */
    public long processStartMs()
    {
        return processStartMs;
    }

    public String aeronDir()
    {
        return aeronDir;
    }

    /**
     * @return the loopback port metrics are served on, 0 for none.
     */
    public int metricsPort()
    {
        return metricsPort;
    }

    /**
     * @return the live page's address, empty for none.
     */
    public String livePage()
    {
        return livePage;
    }

    private static long startMs(final ProcessHandle process)
    {
        return process.info().startInstant().map(instant -> instant.toEpochMilli()).orElse(-1L);
    }
}
