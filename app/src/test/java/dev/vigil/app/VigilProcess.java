package dev.vigil.app;

import dev.vigil.app.cli.VigilMain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code vigil} command in a JVM of its own, with the flags the launcher gives it, its standard output and error
 * kept line by line for waits and failure messages. Tests kill these with SIGKILL.
 */
public final class VigilProcess implements AutoCloseable
{
    private static final long POLL_NS = 1_000_000;

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private VigilProcess(final Process process)
    {
        this.process = process;
        reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line; (line = in.readLine()) != null; )
                {
                    synchronized (lines)
                    {
                        lines.add(line);
                    }
                }
            }
            catch (final IOException ex)
            {
                synchronized (lines)
                {
                    lines.add("(output unreadable: " + ex + ")");
                }
            }
        }, "vigil-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param args the command's arguments, e.g. {@code run --data-dir ...}.
     * @return the running command.
     * @throws IOException when the JVM cannot be started.
     */
    public static VigilProcess start(final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx256m",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Daeron.driver.timeout=" + System.getProperty("aeron.driver.timeout", "10000"),
            "-cp", System.getProperty("java.class.path"),
            VigilMain.class.getName()));
        command.addAll(args);
        if (Runtime.version().feature() >= 24)
        {
            command.add(1, "--enable-native-access=ALL-UNNAMED");
            command.add(2, "--sun-misc-unsafe-memory-access=allow");
        }
        return new VigilProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Wait for a line of output starting with a prefix, for a bounded time.
     *
     * @param prefix    what the line starts with.
     * @param timeoutMs how long at most.
     * @return true once such a line came; false when the process ended or the time passed without one.
     */
    public boolean awaitLine(final String prefix, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        int checked = 0;
        while (true)
        {
            final boolean alive = process.isAlive();
            synchronized (lines)
            {
                for (; checked < lines.size(); checked++)
                {
                    if (lines.get(checked).startsWith(prefix))
                    {
                        return true;
                    }
                }
            }
            if ((!alive && !reader.isAlive()) || System.nanoTime() > deadlineNs)
            {
                return false;
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return "exit N" and a line break once the process ended, else nothing.
     */
    public String exit()
    {
        return process.isAlive() ? "" : "exit " + process.exitValue() + "\n";
    }

    /**
     * SIGKILL, and wait until the process is gone.
     *
     * @throws InterruptedException when interrupted while waiting.
     */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("process did not die on SIGKILL");
        }
    }

    /**
     * SIGTERM, as a service manager stops it, and wait for it to end.
     *
     * @return its exit status.
     * @throws InterruptedException when interrupted while waiting.
     */
    public int terminate() throws InterruptedException
    {
        // Through the handle: Process.destroy() would also close our end of its output, losing the last lines.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new AssertionError("did not stop on SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /**
     * Wait for the process to end by itself.
     *
     * @param timeoutMs how long at most.
     * @return its exit status.
     * @throws InterruptedException when interrupted while waiting.
     */
    public int waitFor(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("did not end in " + timeoutMs + " ms:\n" + output());
        }
        return process.exitValue();
    }

    /**
     * @return everything the process printed so far; all of it once it ended.
     */
    public String output()
    {
        if (!process.isAlive())
        {
            try
            {
                // The reader may still be passing on the last lines of a process that just ended.
                reader.join(2_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lines)
        {
            return String.join("\n", lines);
        }
    }

    /**
     * Stop it if it still runs: SIGTERM, then SIGKILL after 30 s.
     */
    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
